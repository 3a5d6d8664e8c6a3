// Runtime (evaluation): what a check found, judged. A check returns a Report: findings about the
// whole check, and partial results about named subjects (a table, a node), each judged on its own.
// Only the runtime words them into a status line, long output, JSON and Prometheus labels
// (summary.ts, output.ts), and only the guard prints it and exits (plugin.ts).

import { CheckError } from './errors.js';
import type { Perfdata } from './perfdata.js';
import { UNKNOWN, worst, type State } from './state.js';

/** One judged fact about the whole check: its state and the words that explain it. */
export interface Result {
  readonly state: State;
  readonly summary: string;
}

/** A value for Prometheus' text format (node_exporter's textfile collector). */
export interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly value: number;
  readonly labels?: Readonly<Record<string, string>>;
}

/** What a partial result is about. */
export interface Subject {
  /** How the status line and long output name it, e.g. `shop.orders`. */
  readonly name: string;
  /** Its identity as Prometheus labels and JSON keys, e.g. `{ keyspace: 'shop', table: 'orders' }`. */
  readonly labels: Readonly<Record<string, string>>;
}

/** A subject judged on its own, as go-check's PartialResult and nagiosplugin's Result are. */
export interface PartialResult {
  readonly subject: Subject;
  readonly state: State;
  /** What was found, without the subject's name (the runtime puts it in front). */
  readonly line: string;
  /** Machine-readable facts for `--format json`, next to the subject's labels and state. */
  readonly facts?: Readonly<Record<string, unknown>>;
  /** Prometheus values about the subject; the runtime adds its labels. */
  readonly metrics?: readonly Omit<Metric, 'labels'>[];
}

/** The partial results of one kind of subject. */
export interface Subjects {
  /** Singular, e.g. `table`: names the `<prefix>_<kind>_state` metric. */
  readonly kind: string;
  /** Plural, e.g. `tables`: the JSON key of the list, and the default OK summary. */
  readonly plural: string;
  readonly results: readonly PartialResult[];
  /** The status line's words when every subject is OK, e.g. `12 tables, newest backups within 1h`. */
  readonly okSummary?: string;
}

export interface Report {
  readonly results: readonly Result[];
  readonly subjects?: Subjects;
  readonly perfdata: readonly Perfdata[];
  /** Long output about the whole check, shown from `-v` on before one line per subject. */
  readonly details: readonly string[];
  /** Machine-readable facts about the whole check for `--format json`. */
  readonly facts: Readonly<Record<string, unknown>>;
  readonly metrics: readonly Metric[];
}

/** The one place where the worst state wins, over the whole check and every subject. */
export function reportState(report: Report): State {
  return worst([...report.results, ...(report.subjects?.results ?? [])].map((r) => r.state));
}

/** The report with more said: results, perfdata, details and metrics added after its own, facts merged. */
export function extendReport(report: Report, more: Partial<Report>): Report {
  const subjects = more.subjects ?? report.subjects;
  return {
    results: [...report.results, ...(more.results ?? [])],
    ...(subjects === undefined ? {} : { subjects }),
    perfdata: [...report.perfdata, ...(more.perfdata ?? [])],
    details: [...report.details, ...(more.details ?? [])],
    facts: { ...report.facts, ...more.facts },
    metrics: [...report.metrics, ...(more.metrics ?? [])],
  };
}

/** A report that says only why the check could not find out. */
export function failureReport(state: State, summary: string, facts: Readonly<Record<string, unknown>> = {}): Report {
  return { results: [{ state, summary }], perfdata: [], details: [], facts, metrics: [] };
}

/**
 * What a reader found about one subject (a table, a member), or why it could not find out. The one
 * idiom for a partial failure: the reader records it, the judge makes it that subject's UNKNOWN, and
 * the other subjects are still judged.
 */
export type Reading<T> = { readonly found: T } | { readonly unreadable: string };

/** Runs one subject's read; a CheckError becomes its Reading, but running out of time still ends the check. */
export function attempt<T>(read: () => T): Reading<T> {
  try {
    return { found: read() };
  } catch (error) {
    if (!(error instanceof CheckError) || error.timedOut) throw error;
    return { unreadable: error.message };
  }
}

/** The same for a read that waits (a file read, a request). */
export async function attemptAsync<T>(read: () => Promise<T>): Promise<Reading<T>> {
  try {
    return { found: await read() };
  } catch (error) {
    if (!(error instanceof CheckError) || error.timedOut) throw error;
    return { unreadable: error.message };
  }
}

/** Judges one subject's reading: UNKNOWN with the reason when it could not be read. */
export function judgeSubject<T>(
  subject: Subject,
  reading: Reading<T>,
  judge: (found: T) => Omit<PartialResult, 'subject'>,
): PartialResult {
  return 'unreadable' in reading
    ? unreadableSubject(subject, reading.unreadable)
    : { subject, ...judge(reading.found) };
}

/** A subject that could not be read: UNKNOWN on its own, with why. */
export function unreadableSubject(subject: Subject, reason: string): PartialResult {
  return { subject, state: UNKNOWN, line: reason };
}

/** Things that could not be read, as results about the whole check: `name: why`, UNKNOWN. */
export function unreadableResults(unreadable: readonly { readonly name: string; readonly reason: string }[]): Result[] {
  return unreadable.map((u) => ({ state: UNKNOWN, summary: `${u.name}: ${u.reason}` }));
}

/** Rounds a duration in seconds to microseconds, as perfdata, JSON and metrics carry it. */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
