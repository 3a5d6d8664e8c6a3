// Check: are incremental backups really being written? The seed's troubleshooting step ("status
// is running but no backup files: force a flush, then look in backups/") as a check. It runs on
// the node itself, since it reads the data directories. Acquisition lives in
// cassandra/tables.ts and cassandra/data-layout.ts; this file orders the steps and judges.

import { fileIdentity, newestBackupMs, requireDataDirectories, scanTable, type TableFiles } from '../cassandra/data-layout.js';
import { qualifiedName, type TableName } from '../cassandra/identifiers.js';
import type { TableLocation } from '../cassandra/tables.js';
import { formatDuration } from '../runtime/duration.js';
import { CheckError } from '../runtime/errors.js';
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

/**
 * Scans the tables; `flushed` names those whose live SSTables must be listed to compare before
 * and after. The file system calls block, so the deadline is checked between tables: a slow disk
 * ends the check in time (a call that hangs in the kernel, on a dead NFS mount, still cannot).
 */
export function scanTables(
  dataDirectories: readonly string[],
  locations: readonly TableLocation[],
  flushed: ReadonlySet<TableName>,
  deadline: number,
): TableFiles[] {
  requireDataDirectories(dataDirectories);
  return locations.map((location, i) => {
    if (Date.now() > deadline) {
      throw new CheckError(`The data directories were still being read at the timeout (${i} of ${locations.length} tables done)`, { timedOut: true });
    }
    return scanTable(dataDirectories, location.table.keyspace, location.directoryName, { liveData: flushed.has(location.table) ? 'always' : 'when-no-backup' });
  });
}

/** "Alert above this many seconds" as a Monitoring Plugins range: the same text perfdata carries. */
export function ageThreshold(seconds: number | undefined): Range | undefined {
  return seconds === undefined ? undefined : Range.parse(String(Math.round(seconds)));
}

export function judgeTable(observation: TableObservation, policy: FreshnessPolicy, nowMs: number): TableVerdict {
  const { table, before, after, flushed, hadData } = observation;
  const newest = newestBackupMs(after);
  const newestAgeSeconds = newest === undefined ? undefined : Math.max(0, (nowMs - newest) / 1000);
  const findings: { state: State; text: string }[] = [];

  // New SSTables are proven by inode against the new entries of backups/ (Cassandra links them
  // under the same name): only a handful of files to stat, whatever the size of backups/.
  const known = new Set(before.liveData);
  const created = after.liveData.filter((path) => !known.has(path));
  const knownBackups = new Set(before.backupData.map((f) => f.path));
  const newBackups = after.backupData.filter((f) => !knownBackups.has(f.path));
  const linked = new Set(newBackups.map((f) => fileIdentity(f.path)));
  const identities = new Map(created.map((path) => [path, fileIdentity(path)]));
  // A file gone since it was listed proves nothing either way.
  const proven = created.filter((path) => identities.get(path) !== undefined && linked.has(identities.get(path)));
  const unlinked = created.filter((path) => identities.get(path) !== undefined && !linked.has(identities.get(path)));
  const unlinkedNames = unlinked.map((path) => basename(path));
  // A flush often starts a compaction at once: the flushed SSTable is gone by the second look
  // (its link in backups/ stays, now the only name of the file), and the compaction's output is
  // never linked, since Cassandra backs up flushed and streamed SSTables only.
  const liveNames = new Set(after.liveData.map((path) => basename(path)));
  const compactedAway = newBackups.filter((f) => !liveNames.has(basename(f.path)));

  if (flushed) {
    if (!hadData) findings.push({ state: OK, text: 'nothing to flush' });
    else if (proven.length + compactedAway.length > 0) {
      const note = unlinked.length > 0 ? ` (not linked, as compaction output never is: ${unlinkedNames.join(', ')})` : '';
      findings.push({ state: OK, text: `flushed: ${proven.length + compactedAway.length} new SSTable(s) hard-linked in backups/${note}` });
    } else if (unlinked.length > 0) {
      findings.push({ state: WARNING, text: `new SSTable ${unlinkedNames.join(', ')} has no hard link in backups/` });
    } else findings.push({ state: WARNING, text: 'the flush wrote no new SSTable although the memtable held data' });
  }

  const thresholds = { warning: ageThreshold(policy.maxAge), critical: ageThreshold(policy.criticalAge) };
  if (newestAgeSeconds === undefined) {
    // Data on disk that was never backed up (flushed before backup was switched on, or links lost)
    // is an alarm; an empty table has nothing to back up.
    if (after.liveData.length > 0) findings.push({ state: WARNING, text: `${after.liveData.length} SSTable(s) but no backup file` });
    else if (!flushed) findings.push({ state: OK, text: 'no data on disk yet' });
  } else {
    const age = `newest backup ${formatDuration(newestAgeSeconds)} old`;
    // After a flush the proof above is what counts; the age of a table nobody writes to says
    // nothing about backups, so the thresholds judge the tables looked at without a flush.
    if (!flushed && thresholds.critical?.accepts(newestAgeSeconds) === false) {
      findings.push({ state: CRITICAL, text: `${age} (critical over ${formatDuration(policy.criticalAge ?? 0)})` });
    } else if (!flushed && thresholds.warning?.accepts(newestAgeSeconds) === false) {
      findings.push({ state: WARNING, text: `${age} (warning over ${formatDuration(policy.maxAge ?? 0)})` });
    } else findings.push({ state: OK, text: age });
  }

  return {
    table,
    state: worst(findings.map((f) => f.state)),
    line: `${qualifiedName(table)}: ${findings.map((f) => f.text).join('; ')}`,
    flushed,
    hadData,
    newSSTables: created.length,
    unlinked: unlinkedNames,
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
      warning: ageThreshold(policy.maxAge),
      critical: ageThreshold(policy.criticalAge),
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
      metrics.push({ name: 'cassandra_backup_unlinked_sstables', help: 'New SSTables seen around the check\'s flush without a hard link in backups/ (compaction output is never linked).', type: 'gauge', value: v.unlinked.length, labels });
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
