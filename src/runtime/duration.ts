// Runtime: durations as operators write them: `90m`, `6h`, `2d`, `1h30m`, `45s`, or bare seconds.

import { UsageError } from './errors.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds in a duration; a usage error naming the option when it is not one. */
export function parseDuration(text: string, option: string): number {
  const spec = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(spec)) return Number(spec);
  const parts = [...spec.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)];
  if (spec === '' || parts.map((p) => p[0]).join('') !== spec) {
    throw new UsageError(`${option}: '${text}' is not a duration (e.g. 90m, 6h, 2d, 1h30m)`);
  }
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * (UNIT_SECONDS[unit as string] as number), 0);
}

/** A short human form of a number of seconds: `42s`, `17m`, `5h12m`, `3d4h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${part(Math.floor((s % 3600) / 60), 'm')}`;
  return `${Math.floor(s / 86_400)}d${part(Math.floor((s % 86_400) / 3600), 'h')}`;
}

function part(amount: number, unit: string): string {
  return amount === 0 ? '' : `${amount}${unit}`;
}
