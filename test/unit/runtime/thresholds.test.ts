// Thresholds: a warning and a critical range on one measure, judged as the C plugins judge
// (CRITICAL first), read from --warning-<measure> / --critical-<measure> with units, and worded
// in the measure's own unit.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/runtime/duration.js';
import { UsageError } from '../../../src/runtime/errors.js';
import { parseOptions, type OptionSpec } from '../../../src/runtime/options.js';
import { Range } from '../../../src/runtime/range.js';
import { CRITICAL, OK, UNKNOWN, WARNING } from '../../../src/runtime/state.js';
import {
  crossed,
  describeThresholds,
  readThresholds,
  thresholdState,
  upperLimits,
} from '../../../src/runtime/thresholds.js';

const SPECS: OptionSpec[] = ['warning-age', 'critical-age', 'warning-count', 'critical-count'].map((name) => ({
  name,
  kind: 'value',
  group: 'T',
  help: name,
}));

describe('thresholdState', () => {
  const t = { warning: Range.parse('10'), critical: Range.parse('20') };

  it.each([
    [0, OK],
    [10, OK],
    [11, WARNING],
    [20, WARNING],
    [21, CRITICAL],
    [-1, CRITICAL],
  ])('%d → %o', (value, state) => expect(thresholdState(value, t)).toBe(state));

  it('either range may be absent; none: always OK', () => {
    expect(thresholdState(15, { critical: Range.parse('10') })).toBe(CRITICAL);
    expect(thresholdState(15, { warning: Range.parse('10') })).toBe(WARNING);
    expect(thresholdState(1e12, {})).toBe(OK);
  });
});

describe('crossed', () => {
  const seconds = (n: number) => formatDuration(n);

  it("the range crossed, in the measure's unit", () => {
    const t = upperLimits(7200, 86_400);
    expect(crossed(10_000, WARNING, t, seconds)).toBe(' (warning over 2h)');
    expect(crossed(100_000, CRITICAL, t, seconds)).toBe(' (critical over 1d)');
  });

  it('nothing when nothing was crossed, or the state has no range', () => {
    expect(crossed(5, OK, upperLimits(10, 20), String)).toBe('');
    expect(crossed(25, UNKNOWN, upperLimits(10, 20), String)).toBe('');
    expect(crossed(25, CRITICAL, upperLimits(10, undefined), String)).toBe('');
    expect(crossed(5, WARNING, upperLimits(10, 20), String)).toBe('');
  });

  it('a lower limit is "under", an inside range says its bounds', () => {
    expect(crossed(4, WARNING, { warning: Range.parse('5:') }, String)).toBe(' (warning under 5)');
    expect(crossed(2, CRITICAL, { critical: Range.parse('@1:3') }, String)).toBe(' (critical inside [1, 3])');
  });

  it('a range with two ends names the end the value crossed', () => {
    const share = { warning: Range.parse('10:20') };
    expect(crossed(5, WARNING, share, (n) => `${n}%`)).toBe(' (warning under 10%)');
    expect(crossed(25, WARNING, share, (n) => `${n}%`)).toBe(' (warning over 20%)');
  });
});

describe('describeThresholds', () => {
  it('both ranges as perfdata carries them, - for a missing one', () => {
    expect(describeThresholds(upperLimits(21_600, undefined))).toBe('warning 21600, critical -');
    expect(describeThresholds({})).toBe('warning -, critical -');
  });
});

describe('readThresholds', () => {
  it("--warning-<measure> and --critical-<measure>; units read by the measure's parser, perfdata in plain numbers", () => {
    const options = parseOptions(SPECS, ['--warning-age', '6h', '--critical-age=1d:']);
    const t = readThresholds(options, 'age', parseDuration);
    expect([t.warning?.toString(), t.critical?.toString()]).toEqual(['21600', '86400:']);
    expect(thresholdState(30_000, t)).toBe(CRITICAL);
  });

  it('none given, or given empty: no range', () => {
    expect(readThresholds(parseOptions(SPECS, []), 'count')).toEqual({});
    expect(readThresholds(parseOptions(SPECS, ['--warning-count=']), 'count')).toEqual({});
  });

  it('without a unit parser, a unit is a usage error naming the option', () => {
    expect(() => readThresholds(parseOptions(SPECS, ['--critical-count', '5x']), 'count')).toThrow(
      new UsageError("--critical-count: '5x' is not a range ('5x' is not a number)"),
    );
  });

  it("a unit parser's error names the option too", () => {
    expect(() => readThresholds(parseOptions(SPECS, ['--warning-age', '6 hours']), 'age', parseDuration)).toThrow(
      /^--warning-age: '6 hours' is not a duration/,
    );
  });
});

describe('upperLimits', () => {
  it('alert above each limit, rounded to whole numbers; absent limits give no range', () => {
    const t = upperLimits(90.4, undefined);
    expect(t.warning?.toString()).toBe('90');
    expect(t).not.toHaveProperty('critical');
    expect(thresholdState(91, t)).toBe(WARNING);
    expect(upperLimits(undefined, undefined)).toEqual({});
  });
});
