// Command line: how a plugin that can use either transport reaches the node. --transport picks
// the Jolokia agent (jolokia-connection.ts) or CQL on the native port (cql-connection.ts); the
// options they share mean the same on both.

import type { OptionSpec, ParsedOptions } from '../runtime/options.js';
import {
  cqlHint,
  describeCqlConnection,
  readCqlConnection,
  readTransport,
  TRANSPORT_OPTIONS,
  type CqlConnection,
} from './cql-connection.js';
import {
  connectionHint,
  describeConnection,
  JOLOKIA_OPTIONS,
  readJolokiaConnection,
  type JolokiaConnection,
} from './jolokia-connection.js';

export type Connection =
  | { readonly transport: 'jolokia'; readonly jolokia: JolokiaConnection }
  | { readonly transport: 'cql'; readonly cql: CqlConnection };

/** The options of a plugin that answers over both transports. */
export const CONNECTION_OPTIONS: readonly OptionSpec[] = [...JOLOKIA_OPTIONS, ...TRANSPORT_OPTIONS];

export function readConnection(options: ParsedOptions, env: NodeJS.ProcessEnv, plugin: string): Connection {
  return readTransport(options) === 'cql'
    ? { transport: 'cql', cql: readCqlConnection(options, env) }
    : { transport: 'jolokia', jolokia: readJolokiaConnection(options, env, plugin) };
}

export function describeAnyConnection(connection: Connection): string[] {
  return connection.transport === 'cql'
    ? describeCqlConnection(connection.cql)
    : describeConnection(connection.jolokia);
}

export function connectionWarnings(connection: Connection): readonly string[] {
  return connection.transport === 'cql' ? connection.cql.warnings : connection.jolokia.warnings;
}

/** What to change on the command line to get past a failure of either transport. */
export function anyConnectionHint(error: unknown): string | undefined {
  return connectionHint(error) ?? cqlHint(error);
}
