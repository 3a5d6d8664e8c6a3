// Cassandra knowledge: keyspace and table names. Cassandra accepts only word characters
// (SchemaConstants: `\w+`, ASCII), keyspaces up to 48 characters and tables up to 222 (5.0).
// Checking names against these rules before anything is sent or any path is built means nothing
// an operator types can point the plugin outside the data directories.

import { UsageError } from '../runtime/errors.js';

const WORD = /^[A-Za-z0-9_]+$/;
export const KEYSPACE_NAME_LENGTH = 48;
export const TABLE_NAME_LENGTH = 222;

export interface TableSelector {
  readonly keyspace: string;
  /** Absent: every table of the keyspace. */
  readonly table?: string;
}

export interface TableName {
  readonly keyspace: string;
  readonly table: string;
}

export function qualifiedName(table: TableName): string {
  return `${table.keyspace}.${table.table}`;
}

/** `KEYSPACE` or `KEYSPACE.TABLE`, as given to --flush and --keyspace. */
export function parseTableSelector(text: string, option: string): TableSelector {
  const parts = text.split('.');
  if (parts.length > 2) throw new UsageError(`${option}: '${text}' is not KEYSPACE or KEYSPACE.TABLE`);
  const [keyspace = '', table] = parts;
  checkName(keyspace, 'keyspace', KEYSPACE_NAME_LENGTH, option, text);
  if (table === undefined) return { keyspace };
  checkName(table, 'table', TABLE_NAME_LENGTH, option, text);
  return { keyspace, table };
}

function checkName(name: string, what: string, maxLength: number, option: string, text: string): void {
  if (!WORD.test(name)) {
    throw new UsageError(
      `${option}: '${text}' has ${name === '' ? `an empty ${what} name` : `a ${what} name that Cassandra does not allow (only letters, digits and _)`}`,
    );
  }
  if (name.length > maxLength)
    throw new UsageError(`${option}: the ${what} name in '${text}' is longer than Cassandra allows (${maxLength})`);
}
