// Command line: --transport cql, asking the node over CQL on its native port instead of its
// Jolokia agent. The same -H, -u, password, --ssl, --ca-file, --cert, --key and --insecure as the
// agent's, meaning the same for the native port; --cql-port beside them. The readers over CQL are
// a bundle of their own (dist/cql.cjs), loaded here only when asked for: a check over Jolokia
// never reads or compiles a line of them (docs/DECISIONS.md D23).

import type { CqlReaders } from '../cassandra/cql/index.js';
import type { CqlFailureKind } from '../cql/errors.js';
import type { CqlEndpoint, CqlLimits } from '../cql/session.js';
import { CheckError, UsageError } from '../runtime/errors.js';
import type { OptionSpec, ParsedOptions } from '../runtime/options.js';
import type { CheckContext } from '../runtime/plugin.js';
import { readPassword, readTlsFiles, tlsOptionsGiven } from './credentials.js';

export const DEFAULT_CQL_PORT = 9042;
export const CQL_PASSWORD_ENV = 'CASSANDRA_PASSWORD';
export const TRANSPORTS = ['jolokia', 'cql'] as const;
export type Transport = (typeof TRANSPORTS)[number];

const GROUP = 'Transport';

export const TRANSPORT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'transport',
    kind: 'value',
    arg: 'jolokia|cql',
    default: 'jolokia',
    group: GROUP,
    help: `How to ask the node: its Jolokia agent, or CQL on its native port (Cassandra 4.0 and later), with nothing installed on the node. With cql, -H, -u, the password (--password-file, ${CQL_PASSWORD_ENV}), --ssl, --ca-file, --cert, --key and --insecure are the native port's; --url, --port and --path are the agent's alone.`,
  },
  {
    name: 'cql-port',
    kind: 'value',
    arg: 'PORT',
    default: String(DEFAULT_CQL_PORT),
    group: GROUP,
    help: 'Native transport (CQL) port of the node, with --transport cql.',
  },
];

/** The agent's options that mean nothing to the native port. */
const AGENT_ONLY = ['url', 'port', 'path', 'node-url', 'node-url-file'];

export interface CqlConnection {
  readonly endpoint: CqlEndpoint;
  /** Where the password came from, for -vv; never the password itself. */
  readonly passwordSource: string;
  readonly warnings: readonly string[];
}

export function readTransport(options: ParsedOptions): Transport {
  const transport = options.text('transport');
  if (!(TRANSPORTS as readonly string[]).includes(transport))
    throw new UsageError(`--transport must be jolokia or cql, not ${transport}`);
  if (transport === 'jolokia' && options.has('cql-port'))
    throw new UsageError('--cql-port is for --transport cql; the Jolokia agent has --port');
  if (transport === 'cql') {
    const given = AGENT_ONLY.filter((name) => options.has(name)).map((name) => `--${name}`);
    if (given.length > 0)
      throw new UsageError(`${given.join(', ')}: the Jolokia agent's; with --transport cql give -H and --cql-port`);
  }
  return transport as Transport;
}

/** The node named with -H, on its native port; `host` names another (a cluster's contact nodes). */
export function readCqlConnection(options: ParsedOptions, env: NodeJS.ProcessEnv, host?: string): CqlConnection {
  const port = Number(options.text('cql-port'));
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--cql-port must be a port number, not ${options.text('cql-port')}`);
  const warnings: string[] = [];
  const user = options.value('user') || undefined;
  const { password, passwordSource } = readPassword(options, env, CQL_PASSWORD_ENV, undefined, warnings);
  if (password !== undefined && user === undefined)
    throw new UsageError(`a password was given (${passwordSource}) but no --user`);
  if (!options.flag('ssl') && tlsOptionsGiven(options).length > 0)
    throw new UsageError(`${tlsOptionsGiven(options).join(', ')} only make sense with --ssl`);
  const tls = options.flag('ssl') ? readTlsFiles(options) : undefined;
  if (tls?.insecure === true)
    warnings.push(
      "TLS certificate verification is off (--insecure): anyone on the path can pose as the node and read the role's password",
    );
  const endpoint: CqlEndpoint = {
    host: host ?? options.text('hostname'),
    port,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
  };
  return { endpoint, passwordSource, warnings };
}

/** The session's limits within the check's: its deadline, abort signal and -vvv trace. */
export function cqlLimits(context: CheckContext): CqlLimits {
  return {
    // A little before the plugin's deadline, so the client's more precise message wins the race.
    deadline: context.deadline - 100,
    signal: context.signal,
    ...(context.verbosity >= 3 ? { trace: (line: string) => context.debug(3, line) } : {}),
  };
}

export function describeCqlConnection({ endpoint, passwordSource }: CqlConnection): string[] {
  const { tls } = endpoint;
  return [
    `node: ${endpoint.host}:${endpoint.port} over CQL (native protocol v4)`,
    `user: ${endpoint.user ?? '(none)'}; password from ${passwordSource}`,
    `tls: ${tls === undefined ? 'off' : tls.insecure === true ? 'certificate NOT verified (--insecure)' : tls.ca !== undefined ? 'verified against --ca-file' : 'verified against the system CAs'}${tls?.cert !== undefined ? ', client certificate given' : ''}`,
  ];
}

/** A failure over CQL, as the runtime and the hints see it (its class is this bundle's). */
export class CqlFailure extends CheckError {
  override name = 'CqlFailure';

  constructor(
    message: string,
    readonly kind: CqlFailureKind | undefined,
    options: { timedOut: boolean; cause: unknown },
  ) {
    super(message, options);
  }
}

const REMEDIES: Partial<Record<CqlFailureKind, string>> = {
  'login-required': `give -u and a password (--password-file or ${CQL_PASSWORD_ENV})`,
  trust: 'give its CA with --ca-file, or --insecure',
  'tls-files': 'check --ca-file, --cert and --key',
  'not-cql': 'check -H, --cql-port and --ssl',
};

/** What to change on the command line to get past a failure over CQL, if an option can help. */
export function cqlHint(error: unknown): string | undefined {
  return error instanceof CqlFailure && error.kind !== undefined ? REMEDIES[error.kind] : undefined;
}

let readers: Promise<CqlReaders> | undefined;

/**
 * The readers over CQL, loaded on first use. Their errors come from another bundle, so they are
 * made this bundle's CheckErrors here: the runtime judges them as it judges its own.
 */
export async function overCql<T>(use: (readers: CqlReaders) => Promise<T>): Promise<T> {
  readers ??= import('../cassandra/cql/index.js').then((module) => module.readers);
  try {
    return await use(await readers);
  } catch (error) {
    throw acrossBundles(error);
  }
}

function acrossBundles(error: unknown): unknown {
  if (error instanceof CqlFailure || !(error instanceof Error)) return error;
  const { timedOut, kind } = error as { timedOut?: unknown; kind?: unknown };
  if (typeof timedOut !== 'boolean') return error;
  return new CqlFailure(error.message, typeof kind === 'string' ? (kind as CqlFailureKind) : undefined, {
    timedOut,
    cause: error,
  });
}
