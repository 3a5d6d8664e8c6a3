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

/** A report that says only why the check could not find out. */
export function failureReport(state: State, summary: string, facts: Readonly<Record<string, unknown>> = {}): Report {
  return { results: [{ state, summary }], perfdata: [], details: [], facts, metrics: [] };
}

/**
 * Judges one subject. When it cannot be assessed (a CheckError), it is UNKNOWN on its own and the
 * others are still judged; running out of time still ends the whole check.
 */
export function assess(subject: Subject, judge: () => Omit<PartialResult, 'subject'>): PartialResult {
  try {
    return { subject, ...judge() };
  } catch (error) {
    if (!(error instanceof CheckError) || error.timedOut) throw error;
    return { subject, state: UNKNOWN, line: error.message };
  }
}
