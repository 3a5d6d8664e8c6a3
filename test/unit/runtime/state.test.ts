// The four states, their exit codes, and the one place where the worst wins: CRITICAL above
// UNKNOWN, so a proven problem is never hidden by a sibling that could not be assessed.
import { describe, expect, it } from 'vitest';
import { ALL_STATES, CRITICAL, OK, parseState, UNKNOWN, WARNING, worst } from '../../../src/runtime/state.js';

describe('states', () => {
  it('exit codes as the plugin guidelines fix them', () => {
    expect(ALL_STATES.map((s) => [s.name, s.code])).toEqual([
      ['OK', 0],
      ['WARNING', 1],
      ['CRITICAL', 2],
      ['UNKNOWN', 3],
    ]);
  });

  it('cannot be changed by a caller', () => {
    expect(
      Object.isFrozen(OK) && Object.isFrozen(WARNING) && Object.isFrozen(CRITICAL) && Object.isFrozen(UNKNOWN),
    ).toBe(true);
  });
});

describe('worst', () => {
  it.each([
    [[], OK],
    [[OK, OK], OK],
    [[OK, WARNING], WARNING],
    [[WARNING, UNKNOWN], UNKNOWN],
    [[UNKNOWN, CRITICAL, WARNING], CRITICAL],
    [[CRITICAL, UNKNOWN], CRITICAL],
  ])('%o → %o', (states, expected) => {
    expect(worst(states)).toBe(expected);
  });

  it('takes any iterable', () => {
    expect(worst(new Set([OK, WARNING]))).toBe(WARNING);
  });
});

describe('parseState', () => {
  it.each([
    ['ok', OK],
    ['WARNING', WARNING],
    [' Critical ', CRITICAL],
    ['unknown', UNKNOWN],
    ['0', OK],
    ['1', WARNING],
    ['2', CRITICAL],
    ['3', UNKNOWN],
  ])('%j → %o', (text, state) => {
    expect(parseState(text)).toBe(state);
  });

  it.each(['', 'warn', '4', 'crit', 'OKAY'])('%j is none', (text) => {
    expect(parseState(text)).toBeUndefined();
  });
});
