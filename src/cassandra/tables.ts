// Cassandra knowledge: tables over Jolokia. Which tables a keyspace has, where the current
// incarnation of a table keeps its files, whether its memtable holds anything to flush, and
// the flush itself.
//
//   org.apache.cassandra.db:type=Tables,keyspace=KS,table=T            ColumnFamilyStoreMBean (DataPaths)
//   org.apache.cassandra.metrics:type=Table,keyspace=KS,scope=T,name=M  table metrics (attribute Value)
//   StorageService forceKeyspaceFlush(String keyspace, String... tables) the flush nodetool flush calls

import { basename } from 'node:path';
import type { CallLimits, JolokiaClient } from '../jolokia/client.js';
import { JolokiaAgentError, JolokiaProtocolError } from '../jolokia/errors.js';
import type { ExecRequest, JolokiaRequest, JolokiaResponse, ReadRequest, SearchRequest } from '../jolokia/types.js';
import { CheckError } from '../runtime/errors.js';
import { qualifiedName, type TableName, type TableSelector } from './identifiers.js';
import { STORAGE_SERVICE } from './mbeans.js';

export function tableMBean(table: TableName): string {
  return `org.apache.cassandra.db:type=Tables,keyspace=${table.keyspace},table=${table.table}`;
}

export function tableMetricMBean(table: TableName, metric: string): string {
  return `org.apache.cassandra.metrics:type=Table,keyspace=${table.keyspace},scope=${table.table},name=${metric}`;
}

/** Turns selectors into table names, asking the node for the tables of whole keyspaces. */
export async function resolveTables(client: JolokiaClient, selectors: readonly TableSelector[], limits: CallLimits): Promise<TableName[]> {
  const keyspaces = [...new Set(selectors.filter((s) => s.table === undefined).map((s) => s.keyspace))];
  const searches: SearchRequest[] = keyspaces.map((keyspace) => ({ type: 'search', mbean: `org.apache.cassandra.db:type=Tables,keyspace=${keyspace},*` }));
  const found = new Map<string, string[]>();
  if (searches.length > 0) {
    const responses = await client.bulk(searches, limits);
    responses.forEach((response, i) => {
      const keyspace = keyspaces[i] as string;
      const names = client.valueOf(response, searches[i] as SearchRequest);
      if (!Array.isArray(names)) throw new JolokiaProtocolError(`The agent at ${client.where} answered the search for the tables of ${keyspace} with something that is not a list`);
      const tables = names.map((name) => /[,:]table=(\w+)(,|$)/.exec(String(name))?.[1]).filter((t): t is string => t !== undefined);
      if (tables.length === 0) throw new CheckError(`Keyspace ${keyspace} does not exist on this node (or has no tables)`);
      found.set(keyspace, tables.sort());
    });
  }
  const result = new Map<string, TableName>();
  for (const selector of selectors) {
    const tables = selector.table === undefined ? (found.get(selector.keyspace) ?? []) : [selector.table];
    for (const table of tables) result.set(`${selector.keyspace}.${table}`, { keyspace: selector.keyspace, table });
  }
  return [...result.values()];
}

export interface TableLocation {
  readonly table: TableName;
  /** `<table>-<id>`: the directory name of the table's current incarnation. */
  readonly directoryName: string;
  /** The table's directories as the node names them (its own view of the paths). */
  readonly dataPaths: readonly string[];
}

/** Where each table's current incarnation lives, for every table in one bulk request. */
export async function readTableLocations(client: JolokiaClient, tables: readonly TableName[], limits: CallLimits): Promise<TableLocation[]> {
  const requests: ReadRequest[] = tables.map((table) => ({ type: 'read', mbean: tableMBean(table), attribute: 'DataPaths' }));
  const responses = await client.bulk(requests, limits);
  return tables.map((table, i) => {
    const paths = valueOrMissingTable(client, responses[i]!, requests[i]!, table);
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string')) {
      throw new JolokiaProtocolError(`The agent at ${client.where} gave no data paths for table ${qualifiedName(table)}`);
    }
    const directoryName = basename(paths[0] as string);
    if (!directoryName.startsWith(`${table.table}-`)) {
      throw new JolokiaProtocolError(`The node reports ${paths[0] as string} as the directory of ${qualifiedName(table)}, which is not named after it`);
    }
    return { table, directoryName, dataPaths: paths as string[] };
  });
}

/**
 * Flushes the tables and says which ones had anything to flush. The memtable sizes are read in
 * the same bulk request, just before the flushes (the agent runs a bulk in order), so little can
 * be written between the two; a write that slips in only adds an SSTable. One exec per keyspace;
 * the exec returns when Cassandra has written the SSTables.
 */
export async function flushTables(client: JolokiaClient, tables: readonly TableName[], limits: CallLimits): Promise<Map<TableName, boolean>> {
  const sizes: ReadRequest[] = tables.flatMap((table) => [
    { type: 'read', mbean: tableMetricMBean(table, 'MemtableColumnsCount'), attribute: 'Value' },
    { type: 'read', mbean: tableMetricMBean(table, 'MemtableLiveDataSize'), attribute: 'Value' },
  ]);
  const byKeyspace = new Map<string, string[]>();
  for (const { keyspace, table } of tables) byKeyspace.set(keyspace, [...(byKeyspace.get(keyspace) ?? []), table]);
  const flushes: ExecRequest[] = [...byKeyspace].map(([keyspace, names]) => ({
    type: 'exec',
    mbean: STORAGE_SERVICE,
    operation: 'forceKeyspaceFlush',
    arguments: [keyspace, names],
  }));
  const requests: JolokiaRequest[] = [...sizes, ...flushes];
  const responses = await client.bulk(requests, limits);
  const hadData = new Map<TableName, boolean>();
  tables.forEach((table, t) => {
    const cells = toCount(valueOrMissingTable(client, responses[t * 2]!, requests[t * 2]!, table), client, table);
    const bytes = toCount(valueOrMissingTable(client, responses[t * 2 + 1]!, requests[t * 2 + 1]!, table), client, table);
    hadData.set(table, cells > 0 || bytes > 0);
  });
  responses.slice(sizes.length).forEach((response, i) => client.valueOf(response, flushes[i]!));
  return hadData;
}

function valueOrMissingTable(client: JolokiaClient, response: JolokiaResponse, request: JolokiaRequest, table: TableName): unknown {
  try {
    return client.valueOf(response, request);
  } catch (error) {
    if (error instanceof JolokiaAgentError && error.status === 404) throw new CheckError(`Table ${qualifiedName(table)} does not exist on this node`);
    throw error;
  }
}

function toCount(value: unknown, client: JolokiaClient, table: TableName): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new JolokiaProtocolError(`The agent at ${client.where} gave a memtable size for ${qualifiedName(table)} that is not a number`);
  }
  return value;
}
