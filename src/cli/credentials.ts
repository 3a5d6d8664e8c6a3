// Command line: who we are and how TLS is verified, the same for both transports (the Jolokia
// agent's HTTP and Cassandra's native port). Local files are read here, so a missing password
// file or CA is a usage error before anything is sent.

import { statSync } from 'node:fs';
import { UsageError } from '../runtime/errors.js';
import { readOptionFile } from '../runtime/files.js';
import type { ParsedOptions } from '../runtime/options.js';

export interface Password {
  readonly password: string | undefined;
  /** Where it came from, for -vv; never the password itself. */
  readonly passwordSource: string;
}

/** The TLS files and choices given; the PEM texts, checked to be of the right kind. */
export interface TlsFiles {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly insecure?: boolean;
}

/**
 * The password, from (in this order) --password (or password= of --extra-opts), --password-file,
 * a URL's user info, or the transport's own environment variable. Warnings collect what the
 * operator should fix (a password file others can read).
 */
export function readPassword(
  options: ParsedOptions,
  env: NodeJS.ProcessEnv,
  variable: string,
  fromUrl: string | undefined,
  warnings: string[],
): Password {
  const file = options.value('password-file');
  if (options.has('password') && file !== undefined)
    throw new UsageError('give either --password or --password-file, not both');
  if (options.has('password'))
    return { password: options.value('password'), passwordSource: '--password (or password= in --extra-opts)' };
  if (file !== undefined)
    return { password: readPasswordFile(file, warnings), passwordSource: `--password-file ${file}` };
  if (fromUrl !== undefined) return { password: fromUrl, passwordSource: 'the URL' };
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== '')
    return { password: fromEnv, passwordSource: `the ${variable} environment variable` };
  return { password: undefined, passwordSource: 'none' };
}

/** The TLS options given, by name: they only make sense when TLS is on. */
export function tlsOptionsGiven(options: ParsedOptions): string[] {
  return (['ca-file', 'cert', 'insecure'] as const).filter((name) => options.has(name)).map((name) => `--${name}`);
}

export function readTlsFiles(options: ParsedOptions): TlsFiles {
  const caFile = options.value('ca-file');
  const certFile = options.value('cert');
  const keyFile = options.value('key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--cert and --key go together');
  // Every file is read before any is judged, so an unreadable one is named first.
  const ca = caFile === undefined ? undefined : readOptionFile('--ca-file', caFile);
  const cert = certFile === undefined ? undefined : readOptionFile('--cert', certFile);
  const key = keyFile === undefined ? undefined : readOptionFile('--key', keyFile);
  return {
    insecure: options.flag('insecure'),
    ...(ca === undefined ? {} : { ca: requirePem('--ca-file', caFile, ca, 'CERTIFICATE') }),
    ...(cert === undefined ? {} : { cert: requirePem('--cert', certFile, cert, 'CERTIFICATE') }),
    ...(key === undefined ? {} : { key: requirePem('--key', keyFile, key, 'PRIVATE KEY') }),
  };
}

/** A PEM text of the expected kind; anything else is a usage error rather than a TLS failure later. */
function requirePem(
  option: string,
  file: string | undefined,
  text: string,
  kind: 'CERTIFICATE' | 'PRIVATE KEY',
): string {
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text))
    throw new UsageError(`${option}: ${file ?? ''} holds no PEM ${kind.toLowerCase()}`);
  return text;
}

function readPasswordFile(file: string, warnings: string[]): string {
  const text = readOptionFile('--password-file', file);
  const password = text.split(/\r?\n/, 1)[0] ?? '';
  if (password === '') throw new UsageError(`--password-file: ${file} is empty`);
  try {
    if ((statSync(file).mode & 0o077) !== 0)
      warnings.push(`password file ${file} can be read by group or others: chmod 600 it`);
  } catch {
    // it was just read, so it exists; a stat failure changes nothing
  }
  return password;
}
