// Runtime: the four monitoring states, their exit codes, and the one place where the worst one wins.

/** The exit code is what the monitoring core reads; the text is for people. */
export type ExitCode = 0 | 1 | 2 | 3;

export interface State {
  readonly code: ExitCode;
  readonly name: 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';
  /** Higher is worse. */
  readonly rank: number;
}

// The plugin guidelines do not say how UNKNOWN ranks against CRITICAL when partial results are
// combined. We rank CRITICAL highest (as NETWAYS go-check does, unlike Python nagiosplugin):
// a problem we have proven must never be hidden by a sibling we could not assess.
export const OK: State = Object.freeze({ code: 0, name: 'OK', rank: 0 });
export const WARNING: State = Object.freeze({ code: 1, name: 'WARNING', rank: 1 });
export const UNKNOWN: State = Object.freeze({ code: 3, name: 'UNKNOWN', rank: 2 });
export const CRITICAL: State = Object.freeze({ code: 2, name: 'CRITICAL', rank: 3 });

export const ALL_STATES: readonly State[] = [OK, WARNING, CRITICAL, UNKNOWN];

export function worst(states: Iterable<State>): State {
  let result = OK;
  for (const state of states) if (state.rank > result.rank) result = state;
  return result;
}

/** Parses a state given by an operator: a name (`warning`, `CRITICAL`) or an exit code (`1`). */
export function parseState(text: string): State | undefined {
  const wanted = text.trim().toUpperCase();
  return ALL_STATES.find((s) => s.name === wanted || String(s.code) === wanted);
}
