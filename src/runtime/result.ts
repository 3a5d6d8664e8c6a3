// Runtime (evaluation): what a check found, judged. A check returns a Report; only the output
// renderers turn it into text, and only the guard prints it and exits.

import type { Perfdata } from './perfdata.js';
import { worst, type State } from './state.js';

/** One judged fact: its state and the words that explain it. */
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

export interface Report {
  readonly results: readonly Result[];
  readonly perfdata: readonly Perfdata[];
  /** Long output: one line each, shown from `-v` on. */
  readonly details: readonly string[];
  /** Machine-readable facts for `--format json`. */
  readonly facts: Readonly<Record<string, unknown>>;
  readonly metrics: readonly Metric[];
}

export function reportState(report: Report): State {
  return worst(report.results.map((r) => r.state));
}

/** The status line's text: what the results of the worst state say, in order. */
export function reportSummary(report: Report): string {
  const state = reportState(report);
  const words = report.results.filter((r) => r.state === state).map((r) => r.summary);
  return words.length > 0 ? words.join(', ') : 'no results';
}

/** A report that says only why the check could not find out. */
export function failureReport(state: State, summary: string, facts: Readonly<Record<string, unknown>> = {}): Report {
  return { results: [{ state, summary }], perfdata: [], details: [], facts, metrics: [] };
}
