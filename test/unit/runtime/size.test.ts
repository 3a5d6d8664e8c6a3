import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/runtime/errors.js';
import { formatSize, parseSize } from '../../../src/runtime/size.js';

describe('sizes', () => {
  it.each([
    ['0', 0],
    ['512', 512],
    ['1k', 1024],
    ['500M', 500 * 1024 ** 2],
    ['20G', 20 * 1024 ** 3],
    ['20GB', 20 * 1024 ** 3],
    ['20GiB', 20 * 1024 ** 3],
    ['1.5T', 1.5 * 1024 ** 4],
    ['100B', 100],
  ])('%s is %d bytes (powers of 1024, as df -h)', (text, bytes) => {
    expect(parseSize(text, '--warning-size')).toBe(bytes);
  });

  it.each(['', 'G', '-1G', '1e3', '10X', '1.G', '10 GiBs'])('rejects %j naming the option', (text) => {
    expect(() => parseSize(text, '--critical-size')).toThrow(UsageError);
    expect(() => parseSize(text, '--critical-size')).toThrow(/^--critical-size: /);
  });

  it('shows sizes short', () => {
    expect([0, 512, 1024, 17.3 * 1024 ** 2, 2 * 1024 ** 4].map(formatSize)).toEqual([
      '0 B',
      '512 B',
      '1.0 KiB',
      '17.3 MiB',
      '2.0 TiB',
    ]);
  });
});
