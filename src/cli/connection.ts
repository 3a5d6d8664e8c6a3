// Command line: how a plugin that can use either transport reaches the node. --transport picks
// the Jolokia agent (jolokia-connection.ts) or CQL on the native port (cql-connection.ts); the
// options they share mean the same on both.

import type { OptionSpec, ParsedOptions } from '../runtime/options.js';
import {
  CQL_PASSWORD_ENV,
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

/** What the options the transports share mean on the native port, said beside their meaning for the agent. */
const ON_NATIVE_PORT: Readonly<Record<string, string>> = {
  hostname: 'With --transport cql: the node whose native port is asked.',
  user: 'With --transport cql: the Cassandra role to log in as (PasswordAuthenticator).',
  'password-file': `With --transport cql the environment variable is ${CQL_PASSWORD_ENV}.`,
  ssl: 'With --transport cql: TLS on the native port (client_encryption_options), the certificate verified.',
  'ca-file': 'The same for the native port with --transport cql --ssl.',
  cert: 'The same for nodes that demand one on the native port.',
};

/** The options of a plugin that answers over both transports. */
export const CONNECTION_OPTIONS: readonly OptionSpec[] = [
  ...JOLOKIA_OPTIONS.map((o) => {
    const native = ON_NATIVE_PORT[o.name];
    return {
      ...o,
      ...(o.environment === undefined ? {} : { environment: [o.environment].flat().concat(CQL_PASSWORD_ENV) }),
      ...(native === undefined ? {} : { help: `${o.help} ${native}` }),
    };
  }),
  ...TRANSPORT_OPTIONS,
];

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
