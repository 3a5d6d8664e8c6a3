// Runtime (evaluation): thresholds, the one way every check judges a measured number. A warning
// and a critical range on one measure (Monitoring Plugins ranges, range.ts), read from
// --warning-<measure> and --critical-<measure>, and judged as the C plugins judge: CRITICAL first.

import type { ParsedOptions } from './options.js';
import { Range } from './range.js';
import { CRITICAL, OK, WARNING, type State } from './state.js';

/** A warning and a critical range on one measure; either may be absent. */
export interface Thresholds {
  readonly warning?: Range;
  readonly critical?: Range;
}

/** The state a value earns. */
export function thresholdState(value: number, thresholds: Thresholds): State {
  if (thresholds.critical?.accepts(value) === false) return CRITICAL;
  if (thresholds.warning?.accepts(value) === false) return WARNING;
  return OK;
}

/**
 * ` (warning over 2h)`: the end of the range that `value` crossed, in the measure's unit (`10:20`
 * says `under 10` for 5 and `over 20` for 25); empty when no range was crossed.
 */
export function crossed(value: number, state: State, thresholds: Thresholds, show: (n: number) => string): string {
  const range = state === CRITICAL ? thresholds.critical : state === WARNING ? thresholds.warning : undefined;
  if (range === undefined || range.accepts(value)) return '';
  const limit = range.inside
    ? range.violation()
    : value < range.start
      ? `under ${show(range.start)}`
      : `over ${show(range.end)}`;
  return ` (${state.name.toLowerCase()} ${limit})`;
}

/** `warning 21600, critical -`: the ranges as -vv describes them. */
export function describeThresholds(thresholds: Thresholds): string {
  return `warning ${thresholds.warning?.toString() ?? '-'}, critical ${thresholds.critical?.toString() ?? '-'}`;
}

/** --warning-<measure> and --critical-<measure> as ranges; `unit` reads an end written with a unit (`6h`, `50G`). */
export function readThresholds(
  options: ParsedOptions,
  measure: string,
  unit?: (text: string, option: string) => number,
): Thresholds {
  const read = (level: 'warning' | 'critical'): Range | undefined => {
    const option = `--${level}-${measure}`;
    const text = options.value(`${level}-${measure}`);
    if (text === undefined || text === '') return undefined;
    return Range.parse(text, option, unit === undefined ? undefined : (end) => unit(end, option));
  };
  return thresholds(read('warning'), read('critical'));
}

/** "Alert above this many": limits given as plain numbers (e.g. seconds from a duration) as ranges. */
export function upperLimits(warning: number | undefined, critical: number | undefined): Thresholds {
  const above = (limit: number | undefined): Range | undefined =>
    limit === undefined ? undefined : Range.parse(String(Math.round(limit)));
  return thresholds(above(warning), above(critical));
}

function thresholds(warning: Range | undefined, critical: Range | undefined): Thresholds {
  return { ...(warning === undefined ? {} : { warning }), ...(critical === undefined ? {} : { critical }) };
}
