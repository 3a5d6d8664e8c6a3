// The line printed when everything else failed: one UNKNOWN line a monitoring core can show,
// whatever the error holds. The process paths that reach it: test/faults/last-resort.test.ts.
import { describe, expect, it } from 'vitest';
import { lastResortLine } from '../../../src/runtime/last-resort.js';

describe('lastResortLine', () => {
  it('names the service, what failed and the error', () => {
    expect(lastResortLine('CASSANDRA BACKUP', 'internal error', new TypeError('x is undefined'))).toBe(
      'CASSANDRA BACKUP UNKNOWN - internal error: TypeError: x is undefined (please report it)\n',
    );
  });

  it('anything thrown, not only Errors', () => {
    expect(lastResortLine('S', 'internal error', 'plain text')).toBe(
      'S UNKNOWN - internal error: plain text (please report it)\n',
    );
    expect(lastResortLine('S', 'internal error', undefined)).toBe(
      'S UNKNOWN - internal error: undefined (please report it)\n',
    );
  });

  it('line breaks, controls and | become one space: one line, no perfdata', () => {
    const line = lastResortLine('S', 'internal error', new RangeError('stray\nerror | with\u0000a\u2028pipe\t'));
    expect(line).toBe('S UNKNOWN - internal error: RangeError: stray error with a pipe (please report it)\n');
    expect(line.split('\n')).toHaveLength(2);
  });

  it('a lone surrogate is U+FFFD; the error text is cut at 160 characters', () => {
    expect(lastResortLine('S', 'x', 'a\ud800b')).toBe('S UNKNOWN - x: a\ufffdb (please report it)\n');
    const long = lastResortLine('S', 'x', 'y'.repeat(500));
    expect(long).toBe(`S UNKNOWN - x: ${'y'.repeat(160)} (please report it)\n`);
  });

  it('an error whose message cannot even be read', () => {
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get: () => {
        throw new Error('no');
      },
    });
    expect(lastResortLine('S', 'internal error', hostile)).toBe(
      'S UNKNOWN - internal error: an error that cannot be printed (please report it)\n',
    );
  });
});
