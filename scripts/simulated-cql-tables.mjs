// @ts-check
// The tables every member of scripts/simulated-cql-cluster.mjs answers, as data for the fake CQL
// server (scripts/fake-cql.mjs), with the columns and types of Cassandra 4.0+/5.0: system.local,
// system.peers (what cassandra-driver 4 reads at connect), system.peers_v2, and the virtual tables
// system_views.settings and system_views.gossip_info. Rows are made once and shared by every
// member, so that their encodings are made once too.

const RELEASE = '5.0.9';
const CLUSTER_NAME = 'Simulated Cluster';
const SCHEMA_VERSION = '5b0c7b9e-3a41-3d0e-9c2e-6f1d2a8b4c10';

/** @typedef {import('./simulated-cql-cluster.mjs').SimulatedCqlMember} Member */
/** @typedef {import('./simulated-cql-cluster.mjs').Behaviour} Behaviour */

/** @param {string} name @param {import('./cql-codec.mjs').CqlType} type */
const col = (name, type) => ({ name, type });

const LOCAL = [
  col('key', 'varchar'),
  col('bootstrapped', 'varchar'),
  col('broadcast_address', 'inet'),
  col('broadcast_port', 'int'),
  col('cluster_name', 'varchar'),
  col('cql_version', 'varchar'),
  col('data_center', 'varchar'),
  col('gossip_generation', 'int'),
  col('host_id', 'uuid'),
  col('listen_address', 'inet'),
  col('listen_port', 'int'),
  col('native_protocol_version', 'varchar'),
  col('partitioner', 'varchar'),
  col('rack', 'varchar'),
  col('release_version', 'varchar'),
  col('rpc_address', 'inet'),
  col('rpc_port', 'int'),
  col('schema_version', 'uuid'),
  col('tokens', 'set<varchar>'),
];
const PEERS = [
  col('peer', 'inet'),
  col('data_center', 'varchar'),
  col('host_id', 'uuid'),
  col('preferred_ip', 'inet'),
  col('rack', 'varchar'),
  col('release_version', 'varchar'),
  col('rpc_address', 'inet'),
  col('schema_version', 'uuid'),
  col('tokens', 'set<varchar>'),
];
const PEERS_V2 = [
  col('peer', 'inet'),
  col('peer_port', 'int'),
  col('data_center', 'varchar'),
  col('host_id', 'uuid'),
  col('native_address', 'inet'),
  col('native_port', 'int'),
  col('preferred_ip', 'inet'),
  col('preferred_port', 'int'),
  col('rack', 'varchar'),
  col('release_version', 'varchar'),
  col('schema_version', 'uuid'),
  col('tokens', 'set<varchar>'),
];
const SETTINGS = [col('name', 'varchar'), col('value', 'varchar')];
const GOSSIP_INFO = [
  col('address', 'inet'),
  col('port', 'int'),
  col('hostname', 'varchar'),
  col('generation', 'int'),
  col('heartbeat', 'int'),
  ...['dc', 'rack', 'host_id', 'status', 'status_with_port', 'rpc_ready', 'release_version']
    .concat(['native_address_and_port'])
    .map((name) => col(name, 'varchar')),
];

/**
 * A member's view of its cluster's tables, by its index and behaviour: undefined for a table it has not.
 * @typedef {{ of: (i: number, behaviour: Behaviour, name: string) => import('./cql-codec.mjs').Table | undefined }} ClusterTables
 */

/**
 * The rows of the cluster's tables.
 * @param {Member[]} members
 * @param {number} port the native port
 * @returns {ClusterTables}
 */
export function clusterTables(members, port) {
  const generation = Math.floor(Date.now() / 1000);
  const common = (/** @type {Member} */ m) => ({
    peer: m.address,
    preferred_ip: m.address,
    data_center: m.datacenter,
    host_id: m.hostId,
    rack: m.rack,
    release_version: RELEASE,
    schema_version: SCHEMA_VERSION,
    tokens: [m.token],
  });
  const peers = members.map((m) => ({ ...common(m), rpc_address: m.address }));
  const peersV2 = members.map((m) => ({
    ...common(m),
    peer_port: 7000,
    native_address: m.address,
    native_port: port,
    preferred_port: 7000,
  }));
  const gossip = members.map((m) => gossipRow(m, generation, port));
  const settings = (/** @type {boolean} */ on) => [
    { name: 'cluster_name', value: CLUSTER_NAME },
    { name: 'data_file_directories', value: '[/var/lib/cassandra/data]' },
    { name: 'incremental_backups', value: String(on) },
    { name: 'native_transport_port', value: String(port) },
  ];
  const backups = { on: settings(true), off: settings(false) };
  return {
    /**
     * @param {number} i
     * @param {Behaviour} behaviour
     * @param {string} name keyspace.table
     * @returns {import('./cql-codec.mjs').Table | undefined}
     */
    of(i, behaviour, name) {
      const member = /** @type {Member} */ (members[i]);
      if (name === 'system.local') return { columns: LOCAL, rows: [localRow(member, generation, port)] };
      if (name === 'system.peers') return { columns: PEERS, rows: others(peers, i) };
      if (name === 'system.peers_v2') return { columns: PEERS_V2, rows: others(peersV2, i) };
      if (name === 'system_views.gossip_info') return { columns: GOSSIP_INFO, rows: gossip };
      if (name === 'system_views.settings')
        return { columns: SETTINGS, rows: behaviour === 'disabled' ? backups.off : backups.on };
      return undefined;
    },
  };
}

/**
 * Every row but the `i`-th: what a member lists as its peers.
 * @param {Record<string, unknown>[]} rows
 * @param {number} i
 */
function* others(rows, i) {
  for (let j = 0; j < rows.length; j++) if (j !== i) yield/** @type {Record<string, unknown>} */ (rows[j]);
}

/**
 * @param {Member} m
 * @param {number} generation
 * @param {number} port
 */
function localRow(m, generation, port) {
  return {
    key: 'local',
    bootstrapped: 'COMPLETED',
    broadcast_address: m.address,
    broadcast_port: 7000,
    cluster_name: CLUSTER_NAME,
    cql_version: '3.4.7',
    data_center: m.datacenter,
    gossip_generation: generation,
    host_id: m.hostId,
    listen_address: m.address,
    listen_port: 7000,
    native_protocol_version: '4',
    partitioner: 'org.apache.cassandra.dht.Murmur3Partitioner',
    rack: m.rack,
    release_version: RELEASE,
    rpc_address: m.address,
    rpc_port: port,
    schema_version: SCHEMA_VERSION,
    tokens: [m.token],
  };
}

/**
 * @param {Member} m
 * @param {number} generation
 * @param {number} port
 */
function gossipRow(m, generation, port) {
  return {
    address: m.address,
    port: 7000,
    hostname: m.address,
    generation,
    heartbeat: 42,
    dc: m.datacenter,
    rack: m.rack,
    host_id: m.hostId,
    status: `NORMAL,${m.token}`,
    status_with_port: `NORMAL,${m.token}`,
    rpc_ready: 'true',
    release_version: RELEASE,
    native_address_and_port: `${m.address}:${port}`,
  };
}
