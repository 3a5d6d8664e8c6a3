import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/runtime/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90m', 5400],
    ['6h', 21_600],
    ['2d', 172_800],
    ['1w', 604_800],
    ['1h30m', 5400],
    ['45s', 45],
    ['3600', 3600],
    ['1.5h', 5400],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseDuration(text, '--max-age')).toBe(seconds);
  });

  it.each(['', 'h', '6x', '6 h', '-1h', '1h-', 'six hours', '1h 30m'])('rejects %j, naming the option', (text) => {
    expect(() => parseDuration(text, '--max-age')).toThrow(/^--max-age: '.*' is not a duration/);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [60, '1m'],
    [3599, '59m'],
    [3600, '1h'],
    [5400, '1h30m'],
    [86_400, '1d'],
    [90_000, '1d1h'],
  ])('%i seconds is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
