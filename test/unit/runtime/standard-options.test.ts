// The options every plugin has: --format names the plugin's own formats, -t and the states are
// read strictly, as the C plugins read them.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/runtime/errors.js';
import { allOptions, parseStateOption, parseTimeout, STANDARD_OPTIONS } from '../../../src/runtime/standard-options.js';
import { CRITICAL, UNKNOWN, WARNING } from '../../../src/runtime/state.js';

describe('allOptions', () => {
  it("the plugin's options first, then the standard ones, --format naming its formats", () => {
    const own = { name: 'own', kind: 'flag', group: 'Test', help: 'own' } as const;
    const options = allOptions({ options: [own], formats: ['nodetool'] });
    expect(options.map((o) => o.name)).toEqual(['own', ...STANDARD_OPTIONS.map((o) => o.name)]);
    expect(options.find((o) => o.name === 'format')?.arg).toBe('nagios|json|prometheus|nodetool');
    expect(STANDARD_OPTIONS.find((o) => o.name === 'timeout')?.default).toBe('10');
  });
});

describe('parseTimeout', () => {
  it.each([
    ['10', 10],
    ['0.5', 0.5],
    ['86400', 86_400],
  ])('%s seconds', (text, seconds) => {
    expect(parseTimeout(text)).toBe(seconds);
  });

  it.each(['0', '-1', '', ' ', 'ten', '86401', 'Infinity'])('%j is a usage error', (text) => {
    expect(() => parseTimeout(text)).toThrow(UsageError);
  });
});

describe('parseStateOption', () => {
  it('a name in any case, or an exit code', () => {
    expect([parseStateOption('x', 'warning'), parseStateOption('x', 'CRITICAL'), parseStateOption('x', '3')]).toEqual([
      WARNING,
      CRITICAL,
      UNKNOWN,
    ]);
  });

  it('anything else names the option', () => {
    expect(() => parseStateOption('backup-state', 'loud')).toThrow(
      "--backup-state: 'loud' is not one of ok, warning, critical, unknown",
    );
  });
});
