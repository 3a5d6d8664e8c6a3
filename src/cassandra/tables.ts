// Cassandra knowledge: tables over Jolokia. Which tables a keyspace has, where the current
// incarnation of a table keeps its files, whether its memtable holds anything to flush, and
// the flush itself.
//
//   org.apache.cassandra.db:type=Tables,keyspace=KS,table=T            ColumnFamilyStoreMBean (DataPaths)
//   org.apache.cassandra.metrics:type=Table,keyspace=KS,scope=T,name=M  table metrics (attribute Value)
//   StorageService forceKeyspaceFlush(String keyspace, String... tables) the flush nodetool flush calls

import { basename } from 'node:path';
import type { Answer } from '../jolokia/answer.js';
import { JolokiaAgentError, JolokiaProtocolError } from '../jolokia/errors.js';
import { keyProperty, objectName } from '../jolokia/object-names.js';
import type { ExecRequest, ReadRequest, SearchRequest } from '../jolokia/types.js';
import { CheckError } from '../runtime/errors.js';
import { qualifiedName, type TableName, type TableSelector } from './identifiers.js';
import { STORAGE_SERVICE } from './mbeans.js';
import type { JolokiaSource } from './source.js';

export function tableMBean(table: TableName): string {
  return objectName('org.apache.cassandra.db', { type: 'Tables', keyspace: table.keyspace, table: table.table });
}

export function tableMetricMBean(table: TableName, metric: string): string {
  return objectName('org.apache.cassandra.metrics', {
    type: 'Table',
    keyspace: table.keyspace,
    scope: table.table,
    name: metric,
  });
}

/** Turns selectors into table names, asking the node for the tables of whole keyspaces. */
export async function resolveTables(
  { client, limits }: JolokiaSource,
  selectors: readonly TableSelector[],
): Promise<TableName[]> {
  const keyspaces = [...new Set(selectors.filter((s) => s.table === undefined).map((s) => s.keyspace))];
  const searches: SearchRequest[] = keyspaces.map((keyspace) => ({
    type: 'search',
    mbean: `org.apache.cassandra.db:type=Tables,keyspace=${keyspace},*`,
  }));
  const found = new Map<string, string[]>();
  for (const answer of searches.length > 0 ? await client.bulk(searches, limits) : []) {
    const keyspace = keyProperty(answer.request.mbean, 'keyspace') as string;
    const tables = answer
      .strings()
      .map((name) => keyProperty(name, 'table'))
      .filter((t): t is string => t !== undefined && /^\w+$/.test(t));
    if (tables.length === 0)
      throw new CheckError(`Keyspace ${keyspace} does not exist on this node (or has no tables)`);
    found.set(keyspace, tables.sort());
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
export async function readTableLocations(
  { client, limits }: JolokiaSource,
  tables: readonly TableName[],
): Promise<TableLocation[]> {
  const tableOf = new Map(
    tables.map((table) => [{ type: 'read', mbean: tableMBean(table), attribute: 'DataPaths' } as ReadRequest, table]),
  );
  const answers = await client.bulk([...tableOf.keys()], limits);
  return answers.map((answer) => {
    const table = tableOf.get(answer.request) as TableName;
    const paths = ofTable(answer, table, (a) => a.strings());
    const first = paths[0];
    if (first === undefined)
      throw new JolokiaProtocolError(
        `The agent at ${client.where} gave no data paths for table ${qualifiedName(table)}`,
      );
    const directoryName = basename(first);
    if (!directoryName.startsWith(`${table.table}-`)) {
      throw new JolokiaProtocolError(
        `The node reports ${first} as the directory of ${qualifiedName(table)}, which is not named after it`,
      );
    }
    return { table, directoryName, dataPaths: paths };
  });
}

/**
 * Flushes the tables and says which ones had anything to flush. The memtable sizes are read in
 * the same bulk request, just before the flushes (the agent runs a bulk in order), so little can
 * be written between the two; a write that slips in only adds an SSTable. One exec per keyspace;
 * the exec returns when Cassandra has written the SSTables.
 */
export async function flushTables(
  { client, limits }: JolokiaSource,
  tables: readonly TableName[],
): Promise<Map<TableName, boolean>> {
  const metric = (table: TableName, name: string): ReadRequest => ({
    type: 'read',
    mbean: tableMetricMBean(table, name),
    attribute: 'Value',
  });
  const sizes = tables.map((table) => ({
    table,
    cells: metric(table, 'MemtableColumnsCount'),
    bytes: metric(table, 'MemtableLiveDataSize'),
  }));
  const byKeyspace = new Map<string, string[]>();
  for (const { keyspace, table } of tables) byKeyspace.set(keyspace, [...(byKeyspace.get(keyspace) ?? []), table]);
  const flushes: ExecRequest[] = [...byKeyspace].map(([keyspace, names]) => ({
    type: 'exec',
    mbean: STORAGE_SERVICE,
    operation: 'forceKeyspaceFlush',
    arguments: [keyspace, names],
  }));

  const answers = await client.bulk([...sizes.flatMap((s) => [s.cells, s.bytes]), ...flushes], limits);
  const answerTo = new Map(answers.map((answer) => [answer.request, answer]));
  const hadData = new Map<TableName, boolean>();
  for (const { table, cells, bytes } of sizes) {
    const count = (request: ReadRequest): number => ofTable(answerTo.get(request) as Answer, table, (a) => a.number());
    hadData.set(table, count(cells) > 0 || count(bytes) > 0);
  }
  // A flush the agent refused (its policy, say) fails the check: nothing could be proven.
  for (const flush of flushes) answerTo.get(flush)?.value();
  return hadData;
}

/** Reads an answer about one table; a missing MBean means the table does not exist. */
function ofTable<T>(answer: Answer, table: TableName, read: (answer: Answer) => T): T {
  try {
    return read(answer);
  } catch (error) {
    if (error instanceof JolokiaAgentError && error.status === 404)
      throw new CheckError(`Table ${qualifiedName(table)} does not exist on this node`);
    throw error;
  }
}
