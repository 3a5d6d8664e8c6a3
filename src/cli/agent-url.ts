// Command line: where a Jolokia agent is, from --url, or from --hostname with --port, --path and
// --ssl; every mistake in them is a usage error that names the option.

import { UsageError } from '../runtime/errors.js';
import type { ParsedOptions } from '../runtime/options.js';

/** Where the agent is: --url, or --hostname with --port, --path and --ssl. */
export function agentUrl(options: ParsedOptions): URL {
  const given = options.value('url');
  return given === undefined ? urlOfHost(options.text('hostname'), options) : parseGivenUrl(given, options);
}

/** A --url as given: http or https, a base URL without query or fragment, and nothing else said besides it. */
export function parseGivenUrl(given: string, options: ParsedOptions): URL {
  const pieces = ['hostname', 'port', 'path', 'ssl'].filter((name) => options.has(name));
  if (pieces.length > 0)
    throw new UsageError(`--url already says where the agent is: leave out --${pieces.join(', --')}`);
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    // Echoed only without an @: a URL that does not parse may still hold a password before one.
    throw new UsageError(
      given.includes('@')
        ? '--url: not a valid URL (not shown: it may hold a password)'
        : `--url: '${given}' is not a URL`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url: the scheme must be http or https, not ${url.protocol.replace(/:$/, '')}`);
  if (url.search !== '' || url.hash !== '')
    throw new UsageError("--url: give the agent's base URL without a query or fragment");
  return url;
}

/** The agent's URL from a host name or address and the shared --port, --path and --ssl. */
export function urlOfHost(host: string, options: ParsedOptions): URL {
  if (!/^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.?)$/.test(host)) {
    throw new UsageError(`--hostname: '${host}' is not a host name or address`);
  }
  const port = parsePort(options.text('port'));
  const path = options.text('path');
  if (!path.startsWith('/') || /[\s?#]/.test(path))
    throw new UsageError(`--path: '${path}' must start with / and hold no spaces, ? or #`);
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const scheme = options.flag('ssl') ? 'https' : 'http';
  try {
    return new URL(`${scheme}://${bracketed}:${port}${path}`);
  } catch {
    throw new UsageError(`--hostname: '${host}' is not a host name or address`);
  }
}

/** The user or password of a --url, %-decoded. */
export function decodeUserInfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new UsageError('--url: the user or password in it is not validly %-encoded');
  }
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port < 1 || port > 65535)
    throw new UsageError(`--port: '${text}' is not a port number (1-65535)`);
  return port;
}
