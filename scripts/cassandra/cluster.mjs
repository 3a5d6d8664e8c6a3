// @ts-check
// Product tooling: a REAL Cassandra cluster of several nodes on one machine, as production lays
// one out: every node on an address of its own (127.0.0.1, 127.0.0.2, …: Linux routes all of
// 127/8 to loopback), the same storage, native and Jolokia ports on each, its own data center and
// rack through GossipingPropertyFileSnitch. Used by the integration suite (the cluster check) and
// the benchmark. Built on harness.mjs, one node each.

import { freePorts, jolokiaPost, startCassandra } from './harness.mjs';

/**
 * @typedef {object} ClusterMember
 * @property {string} address e.g. 127.0.0.2
 * @property {string} datacenter
 * @property {string} rack
 */

/**
 * @typedef {object} ClusterOptions
 * @property {ClusterMember[]} members the first is the seed
 * @property {import('./harness.mjs').AgentSpec} [agent] every node's one Jolokia agent (same credentials everywhere)
 * @property {number} [jolokiaPort] that agent's port on every node, default a free one: given, a caller can configure its monitoring while the nodes start
 * @property {string} [cassandraVersion]
 * @property {string} [heap] per node, default 512M
 * @property {boolean} [incrementalBackups] cassandra.yaml on every node, default true
 * @property {string} [clusterName]
 * @property {(message: string) => void} [log]
 */

/**
 * @typedef {object} Cluster
 * @property {import('./harness.mjs').CassandraNode[]} nodes in the order of the members
 * @property {ClusterMember[]} members
 * @property {number} storagePort
 * @property {number} nativePort
 * @property {number} jolokiaPort the same on every node, as in production
 * @property {number} startupMs from the first start to the last node serving CQL
 * @property {() => Promise<void>} stop stops every node; idempotent
 */

/**
 * Tokens spread evenly over Murmur3's range, one per node.
 * @param {number} count
 */
function tokens(count) {
  const span = 2n ** 64n / BigInt(count);
  return Array.from({ length: count }, (_, i) => String(-(2n ** 63n) + span * BigInt(i)));
}

/**
 * Starts the seed, then the other members together (without bootstrap: the cluster is new and
 * empty), and resolves when every node is NORMAL and serves CQL. On failure, stops what started.
 * @param {ClusterOptions} options
 * @returns {Promise<Cluster>}
 */
export async function startCluster(options) {
  const { members } = options;
  const [seed] = members;
  if (seed === undefined) throw new Error('startCluster: no members');
  const [storagePort, nativePort, freeJolokiaPort] = /** @type {[number, number, number]} */ (await freePorts(3));
  const jolokiaPort = options.jolokiaPort ?? freeJolokiaPort;
  const ring = tokens(members.length);
  const started = Date.now();
  /** @type {import('./harness.mjs').CassandraNode[]} */
  const nodes = [];
  /** @param {ClusterMember} member @param {number} i */
  const start = (member, i) =>
    startCassandra({
      address: member.address,
      ports: { storage: storagePort, native: nativePort },
      seeds: `${seed.address}:${storagePort}`,
      initialToken: /** @type {string} */ (ring[i]),
      location: { datacenter: member.datacenter, rack: member.rack },
      agents: { main: { ...options.agent, port: jolokiaPort } },
      heap: options.heap ?? '512M',
      incrementalBackups: options.incrementalBackups ?? true,
      clusterName: options.clusterName ?? 'cluster',
      ...(options.cassandraVersion === undefined ? {} : { cassandraVersion: options.cassandraVersion }),
      log: (message) => options.log?.(`${member.address}: ${message}`),
      // Several JVMs on two cores start slowly: give each the time of a loaded machine.
      startTimeoutMs: 360_000,
    });
  try {
    nodes.push(await start(seed, 0));
    const others = await Promise.allSettled(members.slice(1).map((member, i) => start(member, i + 1)));
    for (const result of others) if (result.status === 'fulfilled') nodes.push(result.value);
    const failed = others.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw /** @type {PromiseRejectedResult} */ (failed).reason;
    await gossipConverged(nodes, members.length);
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
  const byAddress = new Map(nodes.map((node) => [node.address, node]));
  return {
    nodes: members.map((m) => /** @type {import('./harness.mjs').CassandraNode} */ (byAddress.get(m.address))),
    members,
    storagePort,
    nativePort,
    jolokiaPort,
    startupMs: Date.now() - started,
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

/**
 * Waits until every node's gossip sees every member up: a node that has just joined may not yet
 * be known to the others, and the tests ask any of them for the ring.
 * @param {import('./harness.mjs').CassandraNode[]} nodes
 * @param {number} size
 */
async function gossipConverged(nodes, size) {
  const until = Date.now() + 120_000;
  for (;;) {
    const views = await Promise.all(
      nodes.map(async (node) => {
        const agent = /** @type {import('./harness.mjs').AgentInfo} */ (node.agents[node.mainAgent ?? '']);
        const res = await jolokiaPost(agent, {
          type: 'read',
          mbean: 'org.apache.cassandra.db:type=StorageService',
          attribute: 'LiveNodesWithPort',
        }).catch(() => undefined);
        const live = /** @type {any} */ (res?.json)?.value;
        return Array.isArray(live) ? live.length : 0;
      }),
    );
    if (views.every((n) => n === size)) return;
    if (Date.now() > until)
      throw new Error(`gossip did not converge within 120 s: the nodes see ${views.join(', ')} of ${size} members up`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
