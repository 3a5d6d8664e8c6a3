// @ts-check
// A simulated Cassandra cluster, for scale and for the failures a real one cannot be made to show
// on cue: one fake Jolokia agent (scripts/fake-jolokia.mjs) per member, each on an address of its
// own in 127/8 and the same port, as in production; the first member is the usual contact node.
// Each reports the ring as Cassandra 4.0+ does (EndpointWithPortToHostId, LiveNodesWithPort,
// UnreachableNodesWithPort, AllEndpointStatesWithPort), as every member does. It proves nothing
// about Cassandra: the real cluster of the suite does.
//
//   node scripts/simulated-cluster.mjs --size 1000      prints the contact URL, runs until stopped
//
// Used by npm run bench (1,000 and 5,000 members) and test/plugin/check_cassandra_cluster_backup.test.ts.

import { answering, found, notFound, refuse, respond, startFakeJolokia } from './fake-jolokia.mjs';

/**
 * What one member's agent does: answer with its backup flag, hang, refuse the credentials, be no
 * Cassandra node, answer for another host, or send garbage.
 * @typedef {'enabled' | 'disabled' | 'hang' | 'refuse' | 'stranger' | 'impostor' | 'garbage'} Behaviour
 */

/**
 * @typedef {object} SimulatedMember
 * @property {string} address
 * @property {string} hostId
 * @property {string} datacenter
 * @property {Behaviour} behaviour
 * @property {'up' | 'down'} gossip what the contact's gossip says of it
 */

/**
 * @typedef {object} SimulationOptions
 * @property {number} size members, the contact included
 * @property {string} [network] the first two bytes of the members' addresses, default 127.2
 * @property {[number, number]} [latencyMs] each answer waits a random time in this range, default [2, 20]
 * @property {number} [silentShare] share of members (never the contact) whose agent never answers, default 0
 * @property {Record<number, Behaviour>} [behaviours] by member index, over the defaults
 * @property {Record<number, 'up' | 'down'>} [gossip] by member index; default up, and half of the silent ones down
 * @property {number} [missingFromRing] the last this many members answer but are not in the ring
 */

/**
 * @typedef {object} SimulatedCluster
 * @property {string} contactUrl
 * @property {number} port the same on every member
 * @property {SimulatedMember[]} members
 * @property {() => Promise<void>} close
 */

const DATACENTERS = ['dc1', 'dc2', 'dc3'];

/**
 * @param {number} i
 * @param {string} network
 */
function addressOf(i, network) {
  return `${network}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/**
 * @param {SimulationOptions} options
 * @returns {Promise<SimulatedCluster>}
 */
export async function startSimulatedCluster(options) {
  const members = simulatedMembers(options);
  const ring = ringAnswers(members.slice(0, members.length - (options.missingFromRing ?? 0)));
  const [minLatency, maxLatency] = options.latencyMs ?? [2, 20];
  /** @type {import('./fake-jolokia.mjs').FakeJolokia[]} */
  const agents = [];
  let port = 0;
  for (const member of members) {
    const agent = await startFakeJolokia(behave(member, ring, minLatency, maxLatency), {
      host: member.address,
      port,
      record: false,
    });
    port = agent.port;
    agents.push(agent);
  }
  return {
    contactUrl: agents[0]?.url ?? '',
    port,
    members,
    close: async () => {
      await Promise.all(agents.map((agent) => agent.close()));
    },
  };
}

/**
 * The members, each with its address, host id, data center, behaviour and gossip's view of it.
 * @param {SimulationOptions} options
 * @returns {SimulatedMember[]}
 */
function simulatedMembers(options) {
  const network = options.network ?? '127.2';
  // Every 1/share-th member is silent, spread through the ring, never the contact.
  const silentEvery = options.silentShare ? Math.round(1 / options.silentShare) : 0;
  return Array.from({ length: options.size }, (_, i) => {
    const silent = silentEvery > 0 && i > 0 && i % silentEvery === 0;
    const behaviour = options.behaviours?.[i] ?? (silent ? 'hang' : 'enabled');
    // A frozen JVM stays up in gossip until the failure detector notices: half of them still are.
    const gossip = options.gossip?.[i] ?? (silent && (i / silentEvery) % 2 === 0 ? 'down' : 'up');
    return {
      address: addressOf(i, network),
      hostId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      datacenter: DATACENTERS[i % 3] ?? 'dc1',
      behaviour,
      gossip,
    };
  });
}

/**
 * What every member says of the ring: StorageService's attributes, and the failure detector's states.
 * @param {SimulatedMember[]} inRing
 */
function ringAnswers(inRing) {
  return {
    attributes: {
      EndpointWithPortToHostId: Object.fromEntries(inRing.map((m) => [`${m.address}:7000`, m.hostId])),
      LiveNodesWithPort: inRing.filter((m) => m.gossip === 'up').map((m) => `${m.address}:7000`),
      UnreachableNodesWithPort: inRing.filter((m) => m.gossip === 'down').map((m) => `${m.address}:7000`),
    },
    states: inRing
      .map(
        (m) =>
          `/${m.address}:7000\n  generation:1\n  heartbeat:1\n  STATUS_WITH_PORT:2:NORMAL,0\n  DC:3:${m.datacenter}\n  RACK:4:rack1\n  RELEASE_VERSION:5:5.0.9\n  HOST_ID:6:${m.hostId}\n`,
      )
      .join(''),
  };
}

/**
 * One member's agent: it never answers (the connection is held until close()), or it answers
 * after a random latency with what its behaviour says.
 * @param {SimulatedMember} member
 * @param {ReturnType<typeof ringAnswers>} ring
 * @param {number} minLatency
 * @param {number} maxLatency
 * @returns {import('./fake-jolokia.mjs').Handler}
 */
function behave(member, ring, minLatency, maxLatency) {
  const jolokia = answering((r) => {
    const value = answerOf(member, ring, r);
    if (value !== undefined) return found(value);
    return notFound(r, member.behaviour === 'stranger' ? 'mbean' : 'attribute');
  });
  return (request, body, response) => {
    if (member.behaviour === 'hang') return;
    const delay = minLatency + Math.random() * (maxLatency - minLatency);
    setTimeout(() => {
      if (member.behaviour === 'refuse') refuse(response);
      else if (member.behaviour === 'garbage') respond(response, 200, '<html>Login</html>', 'text/html');
      else jolokia(request, body, response);
    }, delay);
  };
}

/**
 * The value a member's agent gives for a read; undefined for one it does not have.
 * @param {SimulatedMember} member
 * @param {ReturnType<typeof ringAnswers>} ring
 * @param {{ mbean?: string, attribute?: string }} request
 * @returns {unknown}
 */
function answerOf(member, ring, request) {
  if (member.behaviour === 'stranger') return undefined;
  const attribute = request.attribute ?? '';
  if ((request.mbean ?? '').endsWith(':type=FailureDetector'))
    return attribute === 'AllEndpointStatesWithPort' ? ring.states : undefined;
  if (attribute in ring.attributes) return ring.attributes[/** @type {keyof typeof ring.attributes} */ (attribute)];
  if (attribute === 'IncrementalBackupsEnabled') return member.behaviour !== 'disabled';
  if (attribute === 'LocalHostId')
    return member.behaviour === 'impostor' ? '11111111-1111-4111-8111-111111111111' : member.hostId;
  if (attribute === 'ReleaseVersion') return '5.0.9';
  return undefined;
}

// As a program: a simulated cluster for the benchmark, until SIGTERM.
if (import.meta.url === `file://${process.argv[1]}`) {
  const size = Number(process.argv[process.argv.indexOf('--size') + 1] ?? 1000);
  const cluster = await startSimulatedCluster({ size, silentShare: 0.05 });
  process.stdout.write(`${cluster.contactUrl}\n`);
  process.on('SIGTERM', () => cluster.close().then(() => process.exit(0)));
}
