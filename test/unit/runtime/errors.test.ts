// The two errors the runtime turns into a state on purpose.
import { describe, expect, it } from 'vitest';
import { CheckError, UsageError } from '../../../src/runtime/errors.js';

describe('UsageError', () => {
  it('is an Error named for its kind', () => {
    const error = new UsageError('--port: not a number');
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.message]).toEqual(['UsageError', '--port: not a number']);
  });
});

describe('CheckError', () => {
  it('did not run out of time unless it says so, and keeps its cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new CheckError('Cannot connect', { cause });
    expect([error.name, error.message, error.timedOut, error.cause]).toEqual([
      'CheckError',
      'Cannot connect',
      false,
      cause,
    ]);
    expect(new CheckError('no answer within 2 s', { timedOut: true }).timedOut).toBe(true);
    expect(new CheckError('plain').cause).toBeUndefined();
  });

  it('is not a UsageError, nor the other way round: the runtime tells them apart', () => {
    expect(new CheckError('x')).not.toBeInstanceOf(UsageError);
    expect(new UsageError('x')).not.toBeInstanceOf(CheckError);
  });
});
