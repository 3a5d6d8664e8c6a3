// Command line: the options of the cluster audit that say which members to ask, where their
// agents are, and what each data center should do.

import { backupWanted } from './backup-options.js';
import type { BackupWanted } from '../checks/backup-expectation.js';
import { UsageError } from '../runtime/errors.js';
import { readOptionFile } from '../runtime/files.js';
import type { ParsedOptions } from '../runtime/options.js';

/** --expect-dc DC=enabled|disabled, repeatable: what each data center should do. */
export function expectByDatacenter(options: ParsedOptions): Map<string, BackupWanted> {
  return new Map(
    options.list('expect-dc').map((text) => {
      const equals = text.lastIndexOf('=');
      if (equals <= 0) throw new UsageError(`--expect-dc: '${text}' is not DC=enabled or DC=disabled`);
      return [text.slice(0, equals), backupWanted(text.slice(equals + 1), '--expect-dc')] as const;
    }),
  );
}

/** --node-url: a URL with {host} where the member's address goes. */
export function checkTemplate(template: string): void {
  if (!template.includes('{host}'))
    throw new UsageError(`--node-url: '${template}' has no {host} for the member's address`);
  let url: URL;
  try {
    url = new URL(template.replaceAll('{host}', 'member.invalid'));
  } catch {
    throw new UsageError(`--node-url: '${template}' is not a URL with {host} in it`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--node-url: the scheme must be http or https, not ${url.protocol.replace(/:$/, '')}`);
}

/** Lines `ADDRESS-OR-NAME URL`; `#` starts a comment. */
export function readOverrides(file: string): Map<string, string> {
  const text = readOptionFile('--node-url-file', file);
  const overrides = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const [host, url, extra] = line.split(/\s+/);
    if (host === undefined || url === undefined || extra !== undefined || !/^https?:\/\/[^\s]+$/.test(url)) {
      throw new UsageError(`--node-url-file: line ${i + 1} of ${file} is not 'ADDRESS URL'`);
    }
    overrides.set(host, url);
  });
  return overrides;
}

/** A whole number within bounds, e.g. --parallel. */
export function wholeNumber(text: string, option: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max)
    throw new UsageError(`${option}: '${text}' is not a whole number from ${min} to ${max}`);
  return n;
}

/** A positive number of seconds up to an hour, e.g. --node-timeout. */
export function seconds(text: string, option: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 3600)
    throw new UsageError(`${option}: '${text}' is not a number of seconds`);
  return n;
}
