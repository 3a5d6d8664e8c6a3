// One Cassandra node over CQL, for the CQL readers' unit tests: the fake CQL server
// (scripts/fake-cql.mjs) answering the tables a 5.0 or a 4.0 node has, with the columns and types
// Cassandra gives them. 5.0 has system_views.gossip_info (4.1+), system_views.snapshots and
// system_schema.tables' incremental_backups (5.0); 4.0 has none of the three. A test changes what
// it needs (a setting, a property, a table that answers an error) and reads what was asked.
// (Here rather than in test/support/ because only the unit tests use it.)

import type { Column, Table } from '../../../../scripts/cql-codec.mjs';
import { type FakeCql, startFakeCql } from '../../../../scripts/fake-cql.mjs';
import type { CqlEndpoint, CqlLimits } from '../../../../src/cql/session.js';

export const USER = 'monitor';
export const PASSWORD = 'secret';
export const HOST_ID = '6d194555-f6eb-41d0-c000-000000000001';

export type Release = '5.0.9' | '4.0.17';

/** A table of system_schema.tables; `incrementalBackups` is the 5.0 column (null: the default). */
export interface SchemaTable {
  readonly keyspace: string;
  readonly table: string;
  readonly id: string;
  readonly incrementalBackups?: boolean | null;
}

export interface NodeSpec {
  readonly release: Release;
  /** system_views.settings, name to value; incremental_backups and data_file_directories by default. */
  readonly settings?: Readonly<Record<string, string | null>>;
  /** system_views.system_properties, name to value. */
  readonly properties?: Readonly<Record<string, string>>;
  readonly tables?: readonly SchemaTable[];
  /** system_views.gossip_info rows (5.0 only); default: the node's own, NORMAL. */
  readonly gossip?: readonly Record<string, unknown>[];
  /** system_views.snapshots rows (5.0 only). */
  readonly snapshots?: readonly Record<string, unknown>[];
  /** Tables (`keyspace.table`) the role may not read: they answer ERROR 0x2100 as Cassandra does. */
  readonly denied?: readonly string[];
  /** Each answer waits a random time in this range: answers may come in another order than asked. */
  readonly latencyMs?: [number, number];
}

export interface FakeNode {
  readonly server: FakeCql;
  readonly endpoint: CqlEndpoint;
  /** Every table asked for, `keyspace.table`, in order. */
  readonly asked: string[];
  readonly close: () => Promise<void>;
}

const col = (name: string, type: Column['type']): Column => ({ name, type });
const text = (...names: string[]) => names.map((name) => col(name, 'varchar'));

export const LOCAL_COLUMNS: Column[] = [
  ...text('key', 'bootstrapped', 'cluster_name', 'cql_version', 'data_center'),
  col('broadcast_address', 'inet'),
  col('broadcast_port', 'int'),
  col('gossip_generation', 'int'),
  col('host_id', 'uuid'),
  col('listen_address', 'inet'),
  col('listen_port', 'int'),
  ...text('native_protocol_version', 'partitioner', 'rack', 'release_version'),
  col('rpc_address', 'inet'),
  col('rpc_port', 'int'),
  col('schema_version', 'uuid'),
  col('tokens', 'set<varchar>'),
];
export const PEERS_V2_COLUMNS: Column[] = [
  col('peer', 'inet'),
  col('peer_port', 'int'),
  col('data_center', 'varchar'),
  col('host_id', 'uuid'),
  col('native_address', 'inet'),
  col('native_port', 'int'),
  col('preferred_ip', 'inet'),
  col('preferred_port', 'int'),
  ...text('rack', 'release_version'),
  col('schema_version', 'uuid'),
  col('tokens', 'set<varchar>'),
];
const NAME_VALUE = text('name', 'value');
export const GOSSIP_COLUMNS: Column[] = [
  col('address', 'inet'),
  col('port', 'int'),
  col('hostname', 'varchar'),
  col('generation', 'int'),
  col('heartbeat', 'int'),
  ...text('dc', 'rack', 'host_id', 'status', 'status_with_port', 'rpc_ready', 'release_version'),
  ...text('load', 'schema', 'native_address_and_port', 'sstable_versions', 'tokens'),
];
const SNAPSHOT_COLUMNS: Column[] = [
  ...text('name', 'keyspace_name', 'table_name'),
  col('true_size', 'bigint'),
  col('size_on_disk', 'bigint'),
  col('created_at', 'timestamp'),
  col('expires_at', 'timestamp'),
  col('ephemeral', 'boolean'),
];
/** system_schema.tables of 4.0; 5.0 adds allow_auto_snapshot, incremental_backups and memtable. */
const TABLES_40: Column[] = [
  ...text('keyspace_name', 'table_name', 'additional_write_policy'),
  col('bloom_filter_fp_chance', 'double'),
  col('caching', 'map<varchar,varchar>'),
  col('cdc', 'boolean'),
  col('comment', 'varchar'),
  col('compaction', 'map<varchar,varchar>'),
  col('compression', 'map<varchar,varchar>'),
  col('crc_check_chance', 'double'),
  col('default_time_to_live', 'int'),
  col('extensions', 'map<varchar,blob>'),
  col('flags', 'set<varchar>'),
  col('gc_grace_seconds', 'int'),
  col('id', 'uuid'),
  col('max_index_interval', 'int'),
  col('memtable_flush_period_in_ms', 'int'),
  col('min_index_interval', 'int'),
  ...text('read_repair', 'speculative_retry'),
];
const TABLES_50: Column[] = [
  ...TABLES_40,
  col('allow_auto_snapshot', 'boolean'),
  col('incremental_backups', 'boolean'),
  col('memtable', 'varchar'),
];

/** The node's own system.local row. */
export function localRow(release: Release, address = '127.0.0.1', port = 9042, hostId = HOST_ID) {
  return {
    key: 'local',
    bootstrapped: 'COMPLETED',
    cluster_name: 'Test Cluster',
    cql_version: '3.4.7',
    data_center: 'dc1',
    broadcast_address: address,
    broadcast_port: 7000,
    gossip_generation: 1_760_000_000,
    host_id: hostId,
    listen_address: address,
    listen_port: 7000,
    native_protocol_version: '5',
    partitioner: 'org.apache.cassandra.dht.Murmur3Partitioner',
    rack: 'rack1',
    release_version: release,
    rpc_address: address,
    rpc_port: port,
    schema_version: '5b0c7b9e-3a41-3d0e-9c2e-6f1d2a8b4c10',
    tokens: ['-9223372036854775808'],
  };
}

/** A gossip_info row as 5.0 gives it; `status` as Cassandra writes it (`NORMAL,<token>`, `shutdown,true`). */
export function gossipRow(status: string, hostId = HOST_ID, address = '127.0.0.1') {
  return {
    address,
    port: 7000,
    hostname: 'localhost',
    generation: 1_760_000_000,
    heartbeat: 812,
    dc: 'dc1',
    rack: 'rack1',
    host_id: hostId,
    status,
    status_with_port: status,
    rpc_ready: 'true',
    release_version: '5.0.9',
    load: '1.2345E5',
    schema: '5b0c7b9e-3a41-3d0e-9c2e-6f1d2a8b4c10',
    native_address_and_port: `${address}:9042`,
    sstable_versions: 'big-nb',
    tokens: '<hidden>',
  };
}

/** A system_schema.tables row with the defaults a CREATE TABLE gets. */
function schemaRow(t: SchemaTable) {
  return {
    keyspace_name: t.keyspace,
    table_name: t.table,
    additional_write_policy: '99p',
    bloom_filter_fp_chance: 0.01,
    caching: { keys: 'ALL', rows_per_partition: 'NONE' },
    cdc: false,
    comment: '',
    compaction: {
      class: 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy',
      max_threshold: '32',
      min_threshold: '4',
    },
    compression: { chunk_length_in_kb: '16', class: 'org.apache.cassandra.io.compress.LZ4Compressor' },
    crc_check_chance: 1,
    default_time_to_live: 0,
    extensions: {},
    flags: ['compound'],
    gc_grace_seconds: 864000,
    id: t.id,
    max_index_interval: 2048,
    memtable_flush_period_in_ms: 0,
    min_index_interval: 128,
    read_repair: 'BLOCKING',
    speculative_retry: '99p',
    allow_auto_snapshot: true,
    incremental_backups: t.incrementalBackups ?? null,
    memtable: 'default',
  };
}

/** The tables of a node of this release, by `keyspace.table`; undefined for one it has not. */
export function nodeTables(spec: NodeSpec, port: number): (name: string) => Table | undefined {
  const five = spec.release.startsWith('5.');
  const settings = {
    incremental_backups: 'true',
    data_file_directories: '[/var/lib/cassandra/data]',
    ...spec.settings,
  };
  const named = (entries: Readonly<Record<string, string | null>>) =>
    Object.entries(entries).map(([name, value]) => ({ name, value }));
  const tables: Record<string, Table> = {
    'system.local': { columns: LOCAL_COLUMNS, rows: [localRow(spec.release, '127.0.0.1', port)] },
    'system.peers_v2': { columns: PEERS_V2_COLUMNS, rows: [] },
    'system_views.settings': { columns: NAME_VALUE, rows: named(settings) },
    'system_views.system_properties': { columns: NAME_VALUE, rows: named(spec.properties ?? {}) },
  };
  // A 4.0 table has no incremental_backups: only the columns a table has are sent.
  tables['system_schema.tables'] = { columns: five ? TABLES_50 : TABLES_40, rows: (spec.tables ?? []).map(schemaRow) };
  if (five) {
    tables['system_views.gossip_info'] = { columns: GOSSIP_COLUMNS, rows: spec.gossip ?? [gossipRow('NORMAL,0')] };
    tables['system_views.snapshots'] = { columns: SNAPSHOT_COLUMNS, rows: spec.snapshots ?? [] };
  }
  return (name) => tables[name];
}

/** Starts a node that requires the monitor's login; close it in afterEach. */
export async function startNode(spec: NodeSpec): Promise<FakeNode> {
  const asked: string[] = [];
  let tables: ((name: string) => Table | undefined) | undefined;
  const server = await startFakeCql({
    credentials: { user: USER, password: PASSWORD },
    ...(spec.latencyMs === undefined ? {} : { latencyMs: spec.latencyMs }),
    endpoint: () => ({
      conduct: 'answer',
      table: (keyspace, table) => {
        const name = `${keyspace}.${table}`;
        asked.push(name);
        if (spec.denied?.includes(name))
          return {
            code: 0x2100,
            message: `User ${USER} has no SELECT permission on <table ${name}> or any of its parents`,
          };
        return tables?.(name);
      },
    }),
  });
  tables = nodeTables(spec, server.port);
  return {
    server,
    endpoint: { host: server.host, port: server.port, user: USER, password: PASSWORD },
    asked,
    close: () => server.close(),
  };
}

/** A minute to answer: the tests that are about time set their own. */
export const limits = (): CqlLimits => ({ deadline: Date.now() + 60_000 });

/**
 * The rejections nobody handled while `run` ran, and a few turns after: a reader must leave none
 * (in a plugin, one ends the check as an internal error).
 */
export async function unhandledDuring(run: () => Promise<unknown>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const listener = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await run().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return unhandled;
}
