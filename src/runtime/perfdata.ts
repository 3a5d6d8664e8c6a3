// Runtime (presentation): performance data, `'label'=value[UOM];[warn];[crit];[min];[max]`.

import type { Range } from './range.js';

export type Unit = '' | 's' | 'ms' | 'us' | '%' | 'B' | 'KB' | 'MB' | 'GB' | 'TB' | 'c';

export interface Perfdata {
  readonly label: string;
  /** `undefined` or a non-finite number is printed as `U`: the value could not be determined. */
  readonly value: number | undefined;
  readonly unit?: Unit;
  readonly warning?: Range | undefined;
  readonly critical?: Range | undefined;
  readonly min?: number;
  readonly max?: number;
}

export function formatPerfdata(p: Perfdata): string {
  const value = p.value === undefined || !Number.isFinite(p.value) ? 'U' : formatNumber(p.value) + (p.unit ?? '');
  const fields = [
    `${formatLabel(p.label)}=${value}`,
    p.warning?.toString() ?? '',
    p.critical?.toString() ?? '',
    // No `U` here: the guidelines allow it for the value only, so an unknown bound is left out.
    p.min === undefined || !Number.isFinite(p.min) ? '' : formatNumber(p.min),
    p.max === undefined || !Number.isFinite(p.max) ? '' : formatNumber(p.max),
  ];
  while (fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
  return fields.join(';');
}

/** Labels may not hold `=` or `'`; those with spaces are quoted. Nothing in one may end the perfdata. */
export function formatLabel(label: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a label may hold no control character
  const clean = label.replace(/[='|\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '_').trim() || 'value';
  return /\s/.test(clean) ? `'${clean}'` : clean;
}

/** Plain decimal with `.`, never an exponent, whatever the locale. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? n.toFixed(0) : BigInt(n).toString();
  const fixed = n.toFixed(6).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}
