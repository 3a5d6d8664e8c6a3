// Runtime: sizes as operators write them (`500M`, `20G`, `1.5T`, or bare bytes) and as the long
// output shows them. Powers of 1024, as `df -h` and `du -h` count; `20GB` and `20GiB` mean the same.

import { UsageError } from './errors.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const FACTOR: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/** Bytes in a size; a usage error naming the option when it is not one. */
export function parseSize(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgtp]?)(?:i?b)?$/i.exec(text.trim());
  if (match === null) throw new UsageError(`${option}: '${text}' is not a size (e.g. 500M, 20G, 1.5T, or bytes)`);
  return Math.round(Number(match[1]) * (FACTOR[(match[2] as string).toLowerCase()] as number));
}

/** A short human form: `0 B`, `512 B`, `17.3 MiB`, `2.0 TiB`. */
export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}
