import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/runtime/errors.js';
import { Range } from '../../../src/runtime/range.js';

// The table of the Monitoring Plugins guidelines, row by row: [range, values that alert, values that do not].
const TABLE: [string, number[], number[]][] = [
  ['10', [-1, -0.001, 10.001, 11], [0, 5, 10]],
  ['10:', [9.999, 0, -5], [10, 11, 1e9]],
  ['~:10', [10.001, 11], [10, 0, -1e9]],
  ['10:20', [9, 21, 20.5], [10, 15, 20]],
  ['@10:20', [10, 15, 20], [9.999, 20.001, -1]],
];

describe('Range', () => {
  it.each(TABLE)('%s alerts when the guidelines say', (spec, alerting, fine) => {
    const range = Range.parse(spec);
    for (const v of alerting) expect(range.accepts(v), `${spec} must alert on ${v}`).toBe(false);
    for (const v of fine) expect(range.accepts(v), `${spec} must accept ${v}`).toBe(true);
  });

  it('an omitted start is 0, as in the C plugins', () => {
    const range = Range.parse(':5');
    expect([range.accepts(-1), range.accepts(0), range.accepts(5), range.accepts(6)]).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it('takes decimals and negative numbers', () => {
    const range = Range.parse('-2.5:-0.5');
    expect([range.accepts(-3), range.accepts(-2.5), range.accepts(-1), range.accepts(0)]).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it("keeps the operator's text for perfdata", () => {
    expect(Range.parse('@10:20').toString()).toBe('@10:20');
    expect(Range.parse(' ~:10 ').toString()).toBe('~:10');
  });

  it('explains a violation', () => {
    expect(Range.parse('10').violation()).toBe('outside [0, 10]');
    expect(Range.parse('~:10').violation()).toBe('outside [-inf, 10]');
    expect(Range.parse('@10:').violation()).toBe('inside [10, inf]');
  });

  it.each(['', '@', 'abc', '10:5', '1e3', '~', '10:~', '1:2:3', '--1', '0x10'])('rejects %j', (spec) => {
    expect(() => Range.parse(spec, '--warning')).toThrow(UsageError);
  });

  it('names the option in its error', () => {
    expect(() => Range.parse('20:10', '--critical')).toThrow("--critical: '20:10' starts after it ends");
  });

  it('reads ends with units through the check, and perfdata carries plain numbers', () => {
    const hours = (text: string): number => {
      if (!/^\d+h$/.test(text)) throw new UsageError(`--warning-age: '${text}' is not hours`);
      return Number(text.slice(0, -1)) * 3600;
    };
    const range = Range.parse('2h', '--warning-age', hours);
    expect([range.accepts(7200), range.accepts(7201), range.toString()]).toEqual([true, false, '7200']);
    expect(Range.parse('@1h:2h', '--warning-age', hours).toString()).toBe('@3600:7200');
    expect(Range.parse('1h:', '--warning-age', hours).toString()).toBe('3600:');
    expect(Range.parse('~:1h', '--warning-age', hours).toString()).toBe('~:3600');
    // Plain numbers keep the operator's text, as before.
    expect(Range.parse('10:20', '--warning-age', hours).toString()).toBe('10:20');
    expect(() => Range.parse('2x', '--warning-age', hours)).toThrow("--warning-age: '2x' is not hours");
  });
});
