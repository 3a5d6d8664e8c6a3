// @ts-check
// A simulated Cassandra cluster over CQL, for scale: each member on an address of its own in 127/8
// and the same port, as in production, all served by one fake CQL server (scripts/fake-cql.mjs)
// listening on 0.0.0.0 and telling the members apart by the address a connection came to. Each
// member answers system.local, system.peers and system.peers_v2 (all the other members),
// system_views.settings and system_views.gossip_info (every member) with the columns and types of
// Cassandra 4.0+/5.0. It proves nothing about Cassandra: real nodes do. It is scale only.
// 0.0.0.0 is every interface: a connection to any address that is no member's (from the network,
// say) is reset at once. One socket for 1,000 members keeps the server small (see the test).
//
//   node scripts/simulated-cql-cluster.mjs --size 1000 [--user U --password P] [--port N]
//       [--network 127.3] [--behaviours '{"5":"hang"}']   prints the contact host:port, runs until SIGTERM
//
// The model is scripts/simulated-cluster.mjs, its Jolokia counterpart.

import { startFakeCql } from './fake-cql.mjs';
import { clusterTables } from './simulated-cql-tables.mjs';

/**
 * What one member does: answer with its backup flag on or off, accept and never answer, reset the
 * connection, be no CQL server (an HTTP 400), or refuse the monitoring user its SELECT on the
 * virtual tables.
 * @typedef {'enabled' | 'disabled' | 'hang' | 'refuse' | 'garbage' | 'unauthorized'} Behaviour
 */

/**
 * @typedef {object} SimulatedCqlMember
 * @property {string} address
 * @property {string} hostId
 * @property {string} datacenter
 * @property {string} rack
 * @property {Behaviour} behaviour
 * @property {string} token its one token in the Murmur3 ring
 */

/**
 * @typedef {object} SimulatedCqlOptions
 * @property {number} size members, the contact included
 * @property {string} [network] the first two bytes of the members' addresses, default 127.3
 * @property {number} [port] default: a free one
 * @property {[number, number]} [latencyMs] each answer waits a random time in this range, default [2, 20]
 * @property {Record<number, Behaviour>} [behaviours] by member index; default 'enabled'
 * @property {string} [user] with a password: members require a PasswordAuthenticator login
 * @property {string} [password]
 */

/**
 * @typedef {object} SimulatedCqlCluster
 * @property {{ host: string, port: number }} contact the first member
 * @property {number} port the same on every member
 * @property {SimulatedCqlMember[]} members
 * @property {number} connections TCP connections accepted so far, over all members
 * @property {() => Promise<void>} close
 */

const DATACENTERS = ['dc1', 'dc2', 'dc3'];

/**
 * The address of member `i`: 250 to a /24, from .1.
 * @param {number} i
 * @param {string} network the first two bytes, e.g. 127.3
 */
export function addressOf(i, network) {
  return `${network}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/**
 * @param {SimulatedCqlOptions} options
 * @returns {Promise<SimulatedCqlCluster>}
 */
export async function startSimulatedCqlCluster(options) {
  const members = simulatedMembers(options);
  const byAddress = new Map(members.map((m, i) => [m.address, i]));
  const user = options.user ?? 'anonymous';
  /** @type {import('./simulated-cql-tables.mjs').ClusterTables | undefined} */
  let tables;
  const server = await startFakeCql({
    host: '0.0.0.0',
    port: options.port ?? 0,
    latencyMs: options.latencyMs ?? [2, 20],
    ...(options.user !== undefined && options.password !== undefined
      ? { credentials: { user: options.user, password: options.password } }
      : {}),
    endpoint: (localAddress) => {
      const i = byAddress.get(localAddress);
      if (i === undefined || tables === undefined) return undefined;
      return endpointOf(i, members[i]?.behaviour ?? 'enabled', tables, user);
    },
  });
  // Made once the port is known, before any connection is served (that waits for the next turn).
  tables = clusterTables(members, server.port);
  return {
    contact: { host: members[0]?.address ?? '', port: server.port },
    port: server.port,
    members,
    get connections() {
      return server.connections;
    },
    close: () => server.close(),
  };
}

/**
 * @param {SimulatedCqlOptions} options
 * @returns {SimulatedCqlMember[]}
 */
function simulatedMembers(options) {
  const network = options.network ?? '127.3';
  // Murmur3 tokens spread evenly from -2^63, one per member.
  const step = 2n ** 64n / BigInt(Math.max(options.size, 1));
  return Array.from({ length: options.size }, (_, i) => ({
    address: addressOf(i, network),
    hostId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    datacenter: DATACENTERS[i % 3] ?? 'dc1',
    rack: 'rack1',
    behaviour: options.behaviours?.[i] ?? 'enabled',
    token: String(-(2n ** 63n) + BigInt(i) * step),
  }));
}

/**
 * What a member at index `i` answers.
 * @param {number} i
 * @param {Behaviour} behaviour
 * @param {import('./simulated-cql-tables.mjs').ClusterTables} tables
 * @param {string} user
 * @returns {import('./fake-cql.mjs').Endpoint}
 */
function endpointOf(i, behaviour, tables, user) {
  const conduct = behaviour === 'hang' || behaviour === 'refuse' || behaviour === 'garbage' ? behaviour : 'answer';
  return {
    conduct,
    table: (keyspace, name) => {
      const table = tables.of(i, behaviour, `${keyspace}.${name}`);
      if (table !== undefined && keyspace === 'system_views' && behaviour === 'unauthorized')
        return {
          code: 0x2100,
          message: `User ${user} has no SELECT permission on <table ${keyspace}.${name}> or any of its parents`,
        };
      return table;
    },
  };
}

// As a program: a simulated cluster for the benchmark, until SIGTERM.
if (import.meta.url === `file://${process.argv[1]}`) {
  /** @param {string} name */
  const arg = (name) => {
    const at = process.argv.indexOf(`--${name}`);
    return at === -1 ? undefined : process.argv[at + 1];
  };
  const cluster = await startSimulatedCqlCluster({
    size: Number(arg('size') ?? 1000),
    port: Number(arg('port') ?? 0),
    network: arg('network') ?? '127.3',
    behaviours: JSON.parse(arg('behaviours') ?? '{}'),
    ...(arg('user') === undefined ? {} : { user: arg('user'), password: arg('password') ?? '' }),
  });
  process.stdout.write(`${cluster.contact.host}:${cluster.contact.port}\n`);
  process.on('SIGTERM', () => cluster.close().then(() => process.exit(0)));
}
