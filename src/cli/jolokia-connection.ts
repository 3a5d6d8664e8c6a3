// Command line: the Jolokia connection options every plugin shares (where the agent is, who we
// are, how TLS is verified), how they become a JolokiaConnection and a source for the readers, and
// what to tell the operator to change, in terms of these options, when the agent cannot be
// reached. Local files are read here, so a missing password file or CA is a usage error before
// anything is sent.

import type { JolokiaSource } from '../cassandra/source.js';
import { JolokiaClient } from '../jolokia/client.js';
import { JolokiaError, type Remedy } from '../jolokia/errors.js';
import { displayUrl, type CallLimits, type JolokiaEndpoint, type TlsSettings } from '../jolokia/transport.js';
import { UsageError } from '../runtime/errors.js';
import type { OptionSpec, ParsedOptions } from '../runtime/options.js';
import type { CheckContext } from '../runtime/plugin.js';
import { VERSION } from '../version.js';
import { agentUrl, decodeUserInfo, parseGivenUrl, urlOfHost } from './agent-url.js';
import { readPassword, readTlsFiles, tlsOptionsGiven } from './credentials.js';

export const DEFAULT_PORT = 8778;
export const DEFAULT_PATH = '/jolokia';
export const DEFAULT_HOST = '127.0.0.1';
export const PASSWORD_ENV = 'JOLOKIA_PASSWORD';

// The agent's options, and the same names on the native port with --transport cql.
const GROUP = 'Connection';

export const JOLOKIA_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'url',
    kind: 'value',
    arg: 'URL',
    group: GROUP,
    excludes: ['hostname', 'port', 'path', 'ssl'],
    help: `Full base URL of the Jolokia agent, e.g. http://cass1:${DEFAULT_PORT}${DEFAULT_PATH}. Instead of --hostname, --port, --path and --ssl.`,
  },
  {
    name: 'hostname',
    short: 'H',
    kind: 'value',
    arg: 'HOST',
    default: DEFAULT_HOST,
    icingaDefault: '$check_address$',
    group: GROUP,
    help: 'Host of the Jolokia agent (the Cassandra node).',
  },
  {
    name: 'port',
    short: 'p',
    kind: 'value',
    arg: 'PORT',
    default: String(DEFAULT_PORT),
    group: GROUP,
    help: 'Port of the Jolokia agent.',
  },
  { name: 'path', kind: 'value', arg: 'PATH', default: DEFAULT_PATH, group: GROUP, help: 'Path of the Jolokia agent.' },
  { name: 'ssl', kind: 'flag', group: GROUP, help: 'Use HTTPS with --hostname.' },
  {
    name: 'user',
    short: 'u',
    kind: 'value',
    arg: 'USER',
    group: GROUP,
    help: "User for the agent's HTTP basic authentication.",
  },
  {
    name: 'password-file',
    kind: 'value',
    arg: 'FILE',
    group: GROUP,
    excludes: ['password'],
    help: `Read the password from the first line of FILE (keep it mode 0600). Also: the ${PASSWORD_ENV} environment variable, or password= in an --extra-opts section.`,
  },
  {
    name: 'password',
    kind: 'value',
    arg: 'PASSWORD',
    group: GROUP,
    environment: PASSWORD_ENV,
    help: `The password itself. Visible to every local user in the process list: prefer --password-file, ${PASSWORD_ENV} or --extra-opts.`,
  },
  {
    name: 'ca-file',
    kind: 'value',
    arg: 'FILE',
    group: GROUP,
    help: 'Trust the CA certificate(s) in this PEM file instead of the system store.',
  },
  {
    name: 'insecure',
    kind: 'flag',
    group: GROUP,
    help: "Do not verify the agent's TLS certificate. Anyone on the path can then read the password.",
  },
  {
    name: 'cert',
    kind: 'value',
    arg: 'FILE',
    group: GROUP,
    help: 'Client certificate (PEM) for agents that demand one.',
  },
  { name: 'key', kind: 'value', arg: 'FILE', group: GROUP, help: 'Private key (PEM) of --cert.' },
];

export interface JolokiaConnection {
  readonly endpoint: JolokiaEndpoint;
  /** Where the password came from, for -vv; never the password itself. */
  readonly passwordSource: string;
  /** Things the operator should fix, shown in the long output. */
  readonly warnings: readonly string[];
}

/** Where the agent is and how to talk to it; `plugin` names the plugin in the User-Agent header. */
export function readJolokiaConnection(
  options: ParsedOptions,
  env: NodeJS.ProcessEnv,
  plugin: string,
): JolokiaConnection {
  return settingsFor(agentUrl(options), options, env, plugin);
}

/**
 * Every agent named on the command line, for the plugins that may ask more than one (each --url,
 * or each -H with the shared --port, --path and --ssl); the credentials and TLS options apply to all.
 */
export function readJolokiaConnections(
  options: ParsedOptions,
  env: NodeJS.ProcessEnv,
  plugin: string,
): JolokiaConnection[] {
  const urls = options.list('url');
  if (urls.length > 0) return urls.map((given) => settingsFor(parseGivenUrl(given, options), options, env, plugin));
  return options.list('hostname').map((host) => settingsFor(urlOfHost(host, options), options, env, plugin));
}

/**
 * The same credentials and TLS settings for another agent, e.g. a member of the ring whose URL
 * was derived from a contact node's. Credentials in `url` itself are never taken over.
 */
export function withUrl(settings: JolokiaConnection, url: URL): JolokiaConnection {
  const clean = new URL(url.href);
  clean.username = '';
  clean.password = '';
  return { ...settings, endpoint: { ...settings.endpoint, url: clean } };
}

function settingsFor(url: URL, options: ParsedOptions, env: NodeJS.ProcessEnv, plugin: string): JolokiaConnection {
  const label = "Cassandra's Jolokia agent";
  const userAgent = `${plugin}/${VERSION}`;
  const warnings: string[] = [];
  let user = options.value('user') ?? (url.username === '' ? undefined : decodeUserInfo(url.username));
  const fromUrl = url.password === '' ? undefined : decodeUserInfo(url.password);
  url.username = '';
  url.password = '';
  if (user === '') user = undefined;

  const { password, passwordSource } = readPassword(options, env, PASSWORD_ENV, fromUrl, warnings);
  if (password !== undefined && user === undefined)
    throw new UsageError(`a password was given (${passwordSource}) but no --user`);

  const tls = readTls(options, url);
  if (tls?.insecure === true)
    warnings.push(
      'TLS certificate verification is off (--insecure): anyone on the path can pose as the agent and read the password',
    );
  const endpoint: JolokiaEndpoint = {
    url,
    userAgent,
    label,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
  };
  return { endpoint, passwordSource, warnings };
}

/** The Jolokia client's limits within the check's own: its deadline, abort signal and -vvv trace. */
export function callLimits(context: CheckContext): CallLimits {
  return {
    // A little before the plugin's deadline, so the client's more precise message wins the race.
    deadline: context.deadline - 100,
    signal: context.signal,
    // Only when it will be shown: tracing re-serialises every answer, a ring of thousands included.
    ...(context.verbosity >= 3 ? { trace: (line: string) => context.debug(3, line) } : {}),
  };
}

/** A client for the agent, whose messages about values say what Cassandra has. */
export function jolokiaClient(settings: JolokiaConnection): JolokiaClient {
  return new JolokiaClient(settings.endpoint, 'Cassandra');
}

/** The node's agent as the readers' source, within the check's limits. */
export function jolokiaSource(settings: JolokiaConnection, context: CheckContext): JolokiaSource {
  return { client: jolokiaClient(settings), limits: callLimits(context) };
}

const REMEDIES: Readonly<Record<Remedy, string>> = {
  'agent-location': 'check --path or --url',
  credentials: 'give --user and a password',
  trust: 'give its CA with --ca-file, or --insecure',
  'tls-files': 'check --ca-file, --cert and --key',
};

/** What to change on the command line to get past a Jolokia failure, if an option can help. */
export function connectionHint(error: unknown): string | undefined {
  return error instanceof JolokiaError && error.remedy !== undefined ? REMEDIES[error.remedy] : undefined;
}

/** The hint of a plugin that can do without the agent: the connection's remedy, or `alternative`. */
export function connectionHintOr(alternative: string): (error: unknown) => string | undefined {
  return (error) =>
    error instanceof JolokiaError
      ? [connectionHint(error), alternative].filter((h) => h !== undefined).join(', ')
      : undefined;
}

export function describeConnection(settings: JolokiaConnection): string[] {
  const { endpoint } = settings;
  const tls = endpoint.tls;
  return [
    `agent: ${displayUrl(endpoint.url)}`,
    `user: ${endpoint.user ?? '(none)'}; password from ${settings.passwordSource}`,
    ...(endpoint.url.protocol === 'https:'
      ? [
          `tls: ${tls?.insecure === true ? 'certificate NOT verified (--insecure)' : tls?.ca !== undefined ? 'verified against --ca-file' : 'verified against the system CAs'}${tls?.cert !== undefined ? ', client certificate given' : ''}`,
        ]
      : []),
  ];
}

function readTls(options: ParsedOptions, url: URL): TlsSettings | undefined {
  if (url.protocol !== 'https:') {
    const given = tlsOptionsGiven(options);
    if (given.length > 0)
      throw new UsageError(`${given.join(', ')} only make sense with HTTPS (--ssl or an https:// --url)`);
    return undefined;
  }
  return readTlsFiles(options);
}
