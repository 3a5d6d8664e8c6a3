// Check: are incremental backups really being written? The seed's troubleshooting step ("status
// is running but no backup files: force a flush, then look in backups/") as a check. It runs on
// the node itself, since it reads the data directories. Acquisition lives in
// cassandra/tables.ts and cassandra/data-layout.ts; this file orders the steps and judges.

import { fileIdentity, newestBackupMs, requireDataDirectories, scanTable, type TableFiles } from '../cassandra/data-layout.js';
import { qualifiedName, type TableName } from '../cassandra/identifiers.js';
import type { TableLocation } from '../cassandra/tables.js';
import { formatDuration } from '../runtime/duration.js';
import type { Perfdata } from '../runtime/perfdata.js';
import { Range } from '../runtime/range.js';
import type { Metric, Result } from '../runtime/result.js';
import { CRITICAL, OK, WARNING, worst, type State } from '../runtime/state.js';
import { basename } from 'node:path';

export interface FreshnessPolicy {
  /** Seconds: WARNING when the newest backup file of a table is older. */
  readonly maxAge?: number;
  /** Seconds: CRITICAL when older. */
  readonly criticalAge?: number;
}

/** What one table showed, before judgement. */
export interface TableObservation {
  readonly table: TableName;
  readonly flushed: boolean;
  /** Whether the memtable held anything when the flush was sent (flushed tables only). */
  readonly hadData: boolean;
  readonly before: TableFiles;
  readonly after: TableFiles;
}

export interface TableVerdict {
  readonly table: TableName;
  readonly state: State;
  /** One line for the long output, starting with the table's name. */
  readonly line: string;
  readonly flushed: boolean;
  readonly hadData: boolean;
  readonly newSSTables: number;
  readonly unlinked: readonly string[];
  readonly backupFiles: number;
  /** Seconds since the newest backup Data file was written; undefined when there is none. */
  readonly newestAgeSeconds: number | undefined;
}

/** Scans the tables; `flushed` names those whose live SSTables must be listed to compare before and after. */
export function scanTables(dataDirectories: readonly string[], locations: readonly TableLocation[], flushed: ReadonlySet<TableName>): TableFiles[] {
  requireDataDirectories(dataDirectories);
  return locations.map((location) =>
    scanTable(dataDirectories, location.table.keyspace, location.directoryName, { liveData: flushed.has(location.table) ? 'always' : 'when-no-backup' }),
  );
}

export function judgeTable(observation: TableObservation, policy: FreshnessPolicy, nowMs: number): TableVerdict {
  const { table, before, after } = observation;
  const name = qualifiedName(table);
  const newest = newestBackupMs(after);
  const newestAgeSeconds = newest === undefined ? undefined : Math.max(0, (nowMs - newest) / 1000);
  // New SSTables are proven by inode against the new entries of backups/ (Cassandra links them
  // under the same name): only a handful of files to stat, whatever the size of backups/.
  const known = new Set(before.liveData);
  const created = after.liveData.filter((path) => !known.has(path));
  const knownBackups = new Set(before.backupData.map((f) => f.path));
  const newBackups = after.backupData.filter((f) => !knownBackups.has(f.path));
  const linked = new Set(newBackups.map((f) => fileIdentity(f.path)));
  const unlinked = created.filter((path) => !linked.has(fileIdentity(path))).map((path) => basename(path));

  const findings: { state: State; text: string }[] = [];
  if (observation.flushed) {
    if (!observation.hadData) findings.push({ state: OK, text: 'nothing to flush' });
    else if (unlinked.length > 0) findings.push({ state: WARNING, text: `new SSTable ${unlinked.join(', ')} has no hard link in backups/` });
    else if (created.length === 0 && newBackups.length === 0) findings.push({ state: WARNING, text: 'the flush wrote no new SSTable although the memtable held data' });
    else findings.push({ state: OK, text: `flushed: ${Math.max(created.length, newBackups.length)} new SSTable(s), hard-linked in backups/` });
  }
  const age = newestAgeSeconds === undefined ? 'no backup file' : `newest backup ${formatDuration(newestAgeSeconds)} old`;
  if (policy.maxAge !== undefined || policy.criticalAge !== undefined) {
    if (newestAgeSeconds === undefined) findings.push({ state: WARNING, text: 'no backup file at all' });
    else if (policy.criticalAge !== undefined && newestAgeSeconds > policy.criticalAge) findings.push({ state: CRITICAL, text: `${age} (critical over ${formatDuration(policy.criticalAge)})` });
    else if (policy.maxAge !== undefined && newestAgeSeconds > policy.maxAge) findings.push({ state: WARNING, text: `${age} (warning over ${formatDuration(policy.maxAge)})` });
    else findings.push({ state: OK, text: age });
  } else if (newestAgeSeconds === undefined && after.liveData.length > 0 && !observation.flushed) {
    // Data on disk that was never backed up: flushed before backup was switched on, or links lost.
    findings.push({ state: WARNING, text: `${after.liveData.length} SSTable(s) but no backup file` });
  } else {
    findings.push({ state: OK, text: age });
  }
  const state = worst(findings.map((f) => f.state));
  return {
    table,
    state,
    line: `${name}: ${findings.map((f) => f.text).join('; ')}`,
    flushed: observation.flushed,
    hadData: observation.hadData,
    newSSTables: created.length,
    unlinked,
    backupFiles: after.backupFileCount,
    newestAgeSeconds,
  };
}

/** The judged tables as results: problems one by one, everything fine as one summary. */
export function freshnessResults(verdicts: readonly TableVerdict[]): Result[] {
  const problems = verdicts.filter((v) => v.state !== OK).map((v) => ({ state: v.state, summary: v.line }));
  const flushed = verdicts.filter((v) => v.flushed);
  const counts: string[] = [];
  if (flushed.length > 0) {
    const written = flushed.filter((v) => v.hadData && v.state === OK).length;
    const idle = flushed.filter((v) => !v.hadData).length;
    if (written > 0) counts.push(`${written} flushed and hard-linked in backups/`);
    if (idle > 0) counts.push(`${idle} with nothing to flush`);
  }
  const age = worstNewestAge(verdicts);
  const summary = [`${plural(verdicts.length, 'table')}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`];
  if (age !== undefined) summary.push(`newest backups within ${formatDuration(age)}`);
  return [...problems, { state: OK, summary: summary.join('; ') }];
}

/** The oldest of the tables' newest backups: how far behind the most neglected table is. */
function worstNewestAge(verdicts: readonly TableVerdict[]): number | undefined {
  const ages = verdicts.map((v) => v.newestAgeSeconds).filter((a): a is number => a !== undefined);
  return ages.length === 0 ? undefined : Math.max(...ages);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function freshnessPerfdata(verdicts: readonly TableVerdict[], policy: FreshnessPolicy): Perfdata[] {
  // Tables without any backup file are judged on their own (WARNING under --max-age); the age
  // here is the most neglected table that has one, U when none has.
  const worstAge = worstNewestAge(verdicts);
  return [
    {
      label: 'backup_age',
      value: worstAge === undefined ? undefined : Math.round(worstAge),
      unit: 's',
      warning: policy.maxAge === undefined ? undefined : Range.parse(String(Math.round(policy.maxAge))),
      critical: policy.criticalAge === undefined ? undefined : Range.parse(String(Math.round(policy.criticalAge))),
      min: 0,
    },
    { label: 'backup_files', value: verdicts.reduce((n, v) => n + v.backupFiles, 0), min: 0 },
    { label: 'tables_flushed', value: verdicts.filter((v) => v.flushed).length, min: 0 },
  ];
}

export function freshnessMetrics(verdicts: readonly TableVerdict[]): Metric[] {
  return verdicts.flatMap((v) => {
    const labels = { keyspace: v.table.keyspace, table: v.table.table };
    const metrics: Metric[] = [
      { name: 'cassandra_backup_files', help: 'Files in the table\'s backups/ directories (all components).', type: 'gauge', value: v.backupFiles, labels },
      { name: 'cassandra_backup_table_state', help: 'State of the table\'s backup freshness: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.', type: 'gauge', value: v.state.code, labels },
    ];
    if (v.newestAgeSeconds !== undefined) {
      metrics.push({ name: 'cassandra_backup_newest_age_seconds', help: 'Age of the newest backup Data file of the table.', type: 'gauge', value: Math.round(v.newestAgeSeconds), labels });
    }
    if (v.flushed) {
      metrics.push({ name: 'cassandra_backup_unlinked_sstables', help: 'SSTables written by the check\'s flush without a hard link in backups/.', type: 'gauge', value: v.unlinked.length, labels });
    }
    return metrics;
  });
}

export function freshnessFacts(verdicts: readonly TableVerdict[]): Record<string, unknown>[] {
  return verdicts.map((v) => ({
    keyspace: v.table.keyspace,
    table: v.table.table,
    state: v.state.name,
    flushed: v.flushed,
    had_data: v.flushed ? v.hadData : null,
    new_sstables: v.newSSTables,
    unlinked_sstables: v.unlinked,
    backup_files: v.backupFiles,
    newest_backup_age_seconds: v.newestAgeSeconds === undefined ? null : Math.round(v.newestAgeSeconds),
  }));
}
