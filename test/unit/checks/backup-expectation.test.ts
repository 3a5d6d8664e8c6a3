// What a node's backup should be, and the state when it is not: both ways round.
import { describe, expect, it } from 'vitest';
import { backupMismatch, backupWord } from '../../../src/checks/backup-expectation.js';
import { CRITICAL, WARNING } from '../../../src/runtime/state.js';

const states = { disabledState: WARNING, enabledState: CRITICAL };

describe('backupMismatch', () => {
  it.each([
    [true, 'enabled', undefined],
    [false, 'disabled', undefined],
    [false, 'enabled', WARNING],
    [true, 'disabled', CRITICAL],
  ] as const)('backup %s, expected %s → %o', (enabled, expect_, state) => {
    expect(backupMismatch(enabled, states, expect_)).toBe(state);
  });
});

describe('backupWord', () => {
  it('enabled / disabled, the words of the long output and JSON', () => {
    expect([backupWord(true), backupWord(false)]).toEqual(['enabled', 'disabled']);
  });
});
