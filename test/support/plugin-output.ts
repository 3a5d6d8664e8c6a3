// What every run of a plugin must show, whatever was done to it: it ended by itself in time,
// with an exit code 0–3, one status line whose state word matches that code, no perfdata or
// status line that came from outside, no stack trace, and no secret.

import { expect } from 'vitest';
import { entry } from '../../src/plugins/check_cassandra_backup.js';
import type { Outcome, PluginInfo } from '../../src/runtime/plugin.js';
import type { PluginRun } from './run-plugin.js';

const CODES = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;

/** `SERVICE STATE - text[ | perfdata]`: the text holds no `|`, the line no control character. */
export function statusLine(service: string): RegExp {
  return new RegExp(
    `^${service} (OK|WARNING|CRITICAL|UNKNOWN) - [^|\\p{Cc}\\p{Zl}\\p{Zp}]+?( \\| [^|\\p{Cc}\\p{Zl}\\p{Zp}]+)?$`,
    'u',
  );
}

/** check_cassandra_backup's status line. */
export const STATUS_LINE = statusLine(entry.service);

export interface CleanRun {
  /** The plugin that ran (default check_cassandra_backup): its status prefix and the perfdata labels it documents. */
  readonly plugin?: Pick<PluginInfo, 'service' | 'perfdata'>;
  /** The -t the plugin was given: it must have ended within it plus one second. */
  readonly timeoutSeconds: number;
  readonly code?: number;
  /** The status text, after `STATE - ` and before any perfdata. */
  readonly message?: RegExp;
  /** The -v level it ran with (0: exactly one line of output). */
  readonly verbosity?: number;
  /** Texts that must appear nowhere, on stdout or stderr. */
  readonly secrets?: readonly string[];
  /** UNKNOWN about some subjects only: the counts are still measured, so perfdata may follow. */
  readonly partialUnknown?: boolean;
}

/** Asserts the invariants of a nagios-format run; returns the state word. */
export function expectCleanRun(run: PluginRun, expected: CleanRun): keyof typeof CODES {
  const { service, perfdata: documented } = expected.plugin ?? entry;
  const ownLabels = documented.map((p) => p.label);
  const pattern = statusLine(service);
  const context = `stdout: ${JSON.stringify(run.stdout.slice(0, 600))}, stderr: ${JSON.stringify(run.stderr.slice(0, 600))}`;
  expect(run.signal, context).toBeNull();
  expect([0, 1, 2, 3], context).toContain(run.code);
  expect(run.seconds, context).toBeLessThan(expected.timeoutSeconds + 1);
  expect(run.statusLine, context).toMatch(pattern);
  const word = pattern.exec(run.statusLine)![1] as keyof typeof CODES;
  expect(CODES[word], context).toBe(run.code);
  if (expected.code !== undefined) expect(run.code, context).toBe(expected.code);
  const text = run.statusLine.slice(`${service} ${word} - `.length).split(' | ')[0];
  if (expected.message !== undefined) expect(text, context).toMatch(expected.message);

  const lines = run.stdout.split('\n');
  expect(lines.at(-1), 'output ends with a newline').toBe('');
  if ((expected.verbosity ?? 0) === 0) expect(lines, context).toHaveLength(2);
  // Only the first line may carry perfdata, and only ours; no later line starts a status.
  for (const line of lines.slice(1)) {
    expect(line, context).not.toContain('|');
    expect(line, context).not.toMatch(new RegExp(`^${service} (OK|WARNING|CRITICAL|UNKNOWN)\\b`));
    expect(line, context).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}]/u);
  }
  const perfdata = run.statusLine.split(' | ')[1];
  if (word === 'UNKNOWN' && expected.partialUnknown !== true)
    expect(perfdata, 'UNKNOWN carries no perfdata').toBeUndefined();
  for (const item of perfdata?.split(' ') ?? []) expect(ownLabels, context).toContain(item.split('=')[0]);
  if ((expected.verbosity ?? 0) < 3) expect(run.stdout + run.stderr, 'no stack trace').not.toMatch(/\n\s+at .*[(:]\d+/);
  for (const secret of expected.secrets ?? []) expectNoSecret(run, secret);
  return word;
}

/** The secret, and the Basic credentials it would travel in, appear nowhere. */
export function expectNoSecret(run: PluginRun, secret: string, user = 'monitor'): void {
  const all = run.stdout + run.stderr;
  expect(all.includes(secret), `the password leaked: ${JSON.stringify(all.slice(0, 600))}`).toBe(false);
  expect(all.includes(Buffer.from(`${user}:${secret}`).toString('base64')), 'the Basic credentials leaked').toBe(false);
  expect(all.includes(encodeURIComponent(secret)), 'the URL-encoded password leaked').toBe(false);
}

/** An in-process `execute` outcome, seen as a run, for the same checks at a fraction of the cost. */
export async function asRun(outcome: Promise<Outcome>): Promise<PluginRun> {
  const started = process.hrtime.bigint();
  const { exitCode, stdout, stderr } = await outcome;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { code: exitCode, signal: null, stdout, stderr, seconds, statusLine: stdout.split('\n')[0] ?? '' };
}
