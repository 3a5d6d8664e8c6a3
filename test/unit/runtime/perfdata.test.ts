import { describe, expect, it } from 'vitest';
import { formatLabel, formatNumber, formatPerfdata } from '../../../src/runtime/perfdata.js';
import { Range } from '../../../src/runtime/range.js';

describe('formatPerfdata', () => {
  it('writes every field, and drops empty trailing ones', () => {
    expect(
      formatPerfdata({
        label: 'age',
        value: 12.5,
        unit: 's',
        warning: Range.parse('3600'),
        critical: Range.parse('@0:10'),
        min: 0,
        max: 100,
      }),
    ).toBe('age=12.5s;3600;@0:10;0;100');
    expect(formatPerfdata({ label: 'backup_enabled', value: 1, min: 0, max: 1 })).toBe('backup_enabled=1;;;0;1');
    expect(formatPerfdata({ label: 'files', value: 7 })).toBe('files=7');
  });

  it('prints U for a value that could not be determined', () => {
    expect(formatPerfdata({ label: 'age', value: undefined, unit: 's' })).toBe('age=U');
    expect(formatPerfdata({ label: 'age', value: Number.NaN })).toBe('age=U');
    expect(formatPerfdata({ label: 'age', value: Number.POSITIVE_INFINITY })).toBe('age=U');
  });

  it('quotes labels with spaces and removes characters that would break the line', () => {
    expect(formatLabel('my table')).toBe("'my table'");
    expect(formatLabel("a=b'c|d")).toBe('a_b_c_d');
    expect(formatLabel('new\nline')).toBe('new_line');
    expect(formatLabel('')).toBe('value');
  });

  it('never writes an exponent or a locale decimal comma', () => {
    expect(formatNumber(0.0000001)).toBe('0');
    expect(formatNumber(0.0042)).toBe('0.0042');
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(-3)).toBe('-3');
    expect(formatNumber(123456.7891234)).toBe('123456.789123');
  });
});
