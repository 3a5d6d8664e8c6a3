// Command line: check_cassandra_backup's options for the node itself: which tables to flush or
// look at (--flush, --keyspace, --exclude, --data-dir), how old their newest backup may be
// (--max-age, --critical-age), and the configuration to compare with (--config, --find-config).

import type { FreshnessRequest } from '../cassandra/freshness.js';
import { parseTableSelector, type TableSelector } from '../cassandra/identifiers.js';
import { parseDuration } from '../runtime/duration.js';
import { UsageError } from '../runtime/errors.js';
import type { ParsedOptions } from '../runtime/options.js';
import { parseStateOption } from '../runtime/standard-options.js';
import type { State } from '../runtime/state.js';
import { type Thresholds, upperLimits } from '../runtime/thresholds.js';

/** KEYSPACE[.TABLE] values of a repeatable option. */
export function selectors(options: ParsedOptions, name: string): TableSelector[] {
  return options.list(name).map((text) => parseTableSelector(text, `--${name}`));
}

/** --flush, --keyspace, --exclude and --data-dir: which tables to look at, and where; undefined when none is asked for. */
export function readFreshnessRequest(options: ParsedOptions): FreshnessRequest | undefined {
  const [flush, look, exclude] = [
    selectors(options, 'flush'),
    selectors(options, 'keyspace'),
    selectors(options, 'exclude'),
  ];
  const dataDirectories = options.list('data-dir');
  if (flush.length === 0 && look.length === 0) {
    const stray = ['max-age', 'critical-age', 'data-dir', 'exclude'].filter((name) => options.has(name));
    if (stray.length > 0) throw new UsageError(`--${stray[0]} needs tables to look at: give --flush or --keyspace`);
    return undefined;
  }
  if (dataDirectories.some((d) => d.trim() === '')) throw new UsageError('--data-dir: empty path');
  return { flush, look, exclude, ...(dataDirectories.length === 0 ? {} : { dataDirectories }) };
}

/** --max-age and --critical-age, durations, as the age thresholds. */
export function readAgeLimits(options: ParsedOptions): Thresholds {
  const read = (name: string): number | undefined =>
    options.has(name) ? parseDuration(options.text(name), `--${name}`) : undefined;
  const [maxAge, criticalAge] = [read('max-age'), read('critical-age')];
  if (maxAge !== undefined && criticalAge !== undefined && criticalAge < maxAge)
    throw new UsageError('--critical-age is shorter than --max-age');
  return upperLimits(maxAge, criticalAge);
}

/** --config-state, with --config FILE or --find-config. */
export function readDriftState(options: ParsedOptions): State | undefined {
  const find = options.has('find-config');
  if (!options.has('config') && !find) {
    if (options.has('config-state')) throw new UsageError('--config-state needs --config FILE or --find-config');
    return undefined;
  }
  if (options.has('config') && find)
    throw new UsageError('--config and --find-config: give one (--config names the file, --find-config asks the node)');
  if (options.has('config') && options.text('config').trim() === '') throw new UsageError('--config: empty path');
  return parseStateOption('config-state', options.text('config-state'));
}
