// Cassandra knowledge over CQL: a keyspace's tables from system_schema.tables (readable by any
// role), where each keeps its files (`<table>-<id without dashes>`), and, on 5.0, which tables
// opted out of incremental backup: the column `incremental_backups` is false for a table created
// WITH incremental_backups = false, null for the default. Over JMX that cannot be known.

import { CqlError } from '../../cql/errors.js';
import type { TableCatalogue } from '../freshness.js';
import { qualifiedName, type TableName, type TableSelector } from '../identifiers.js';
import type { TableLocation } from '../tables.js';
import { quoted, select, type CqlNode } from './node.js';

interface TableRow {
  readonly name: TableName;
  readonly id: string;
  readonly optedOut: boolean;
}

/** The tables of the node, asked over its session; a flush needs the Jolokia agent. */
export function cqlCatalogue(node: CqlNode, deadline: number): TableCatalogue {
  const known = new Map<string, TableRow>();
  let optOutReadable = true;
  return {
    async resolve(selectors) {
      const keyspaces = [...new Set(selectors.map((s) => s.keyspace))];
      for (const keyspace of keyspaces) {
        const rows = await tablesOf(node, keyspace);
        if (rows.length === 0)
          throw new CqlError('server', `Keyspace ${keyspace} does not exist on this node (or has no tables)`);
        optOutReadable &&= rows.every((row) => row.optedOut !== undefined);
        for (const row of rows) known.set(qualifiedName(row.name), { ...row, optedOut: row.optedOut === true });
      }
      const chosen = choose(selectors, known);
      return {
        tables: chosen.filter((t) => !t.optedOut).map((t) => t.name),
        optedOut: optOutReadable ? chosen.filter((t) => t.optedOut).map((t) => t.name) : undefined,
      };
    },
    async locate(tables) {
      return tables.map((table): TableLocation => {
        const row = known.get(qualifiedName(table)) as TableRow;
        return { table, directoryName: `${table.table}-${row.id.replace(/-/g, '')}`, dataPaths: [] };
      });
    },
    flush() {
      return Promise.reject(
        new CqlError('server', 'A flush needs the Jolokia agent: --flush goes with --transport jolokia'),
      );
    },
    deadline,
  };
}

async function tablesOf(
  node: CqlNode,
  keyspace: string,
): Promise<(Omit<TableRow, 'optedOut'> & { optedOut: boolean | undefined })[]> {
  // SELECT *: the column incremental_backups exists on 5.0 only, and naming it elsewhere is an error.
  const rows = await select(
    node,
    'system_schema.tables',
    `SELECT * FROM system_schema.tables WHERE keyspace_name = ${quoted(keyspace)}`,
    {},
  );
  return rows
    .filter((row) => typeof row.table_name === 'string' && typeof row.id === 'string')
    .map((row) => ({
      name: { keyspace, table: row.table_name as string },
      id: row.id as string,
      optedOut: !('incremental_backups' in row) ? undefined : row.incremental_backups === false,
    }))
    .sort((a, b) => a.name.table.localeCompare(b.name.table));
}

function choose(selectors: readonly TableSelector[], known: ReadonlyMap<string, TableRow>): TableRow[] {
  const chosen = new Map<string, TableRow>();
  for (const selector of selectors) {
    if (selector.table === undefined) {
      for (const [key, row] of known) if (row.name.keyspace === selector.keyspace) chosen.set(key, row);
      continue;
    }
    const key = `${selector.keyspace}.${selector.table}`;
    const row = known.get(key);
    if (row === undefined) throw new CqlError('server', `Table ${key} does not exist on this node`);
    chosen.set(key, row);
  }
  return [...chosen.values()];
}
