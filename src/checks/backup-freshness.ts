// Check (evaluation): are incremental backups really being written? What one table showed around
// the check's flush (or without one), judged: pure values in, a partial result out. Reading is
// cassandra/freshness.ts's job.

import { basename } from 'node:path';
import { newestBackupMs } from '../cassandra/data-layout.js';
import type { TableObservation } from '../cassandra/freshness.js';
import type { TableName } from '../cassandra/identifiers.js';
import { formatDuration } from '../runtime/duration.js';
import type { Perfdata } from '../runtime/perfdata.js';
import type { PartialResult, Subject, Subjects } from '../runtime/result.js';
import { OK, WARNING, worst, type State } from '../runtime/state.js';
import { crossed, thresholdState, type Thresholds } from '../runtime/thresholds.js';
import { BACKUPS_FILES, sample } from './metrics.js';

export interface FreshnessPolicy {
  /** On the age of each table's newest backup file, seconds (--max-age, --critical-age). */
  readonly age: Thresholds;
}

/** What the node is, as far as the judgement needs it. */
export interface NodeFacts {
  /**
   * Cassandra 5.0+: a table may have opted out (`WITH incremental_backups = false`, CASSANDRA-15402),
   * which neither JMX nor Jolokia shows (the table's MBean has no such attribute), so a table
   * without links gets the hint instead of a verdict it cannot escape.
   */
  readonly tablesMayOptOut: boolean;
}

/** The facts behind a table's verdict, for perfdata, JSON and Prometheus. */
export interface TableFacts {
  readonly flushed: boolean;
  readonly hadData: boolean;
  readonly newSSTables: number;
  readonly unlinked: readonly string[];
  readonly backupFiles: number;
  /** Seconds since the newest backup Data file was written; undefined when there is none. */
  readonly newestAgeSeconds: number | undefined;
}

export interface TableVerdict extends PartialResult {
  readonly table: TableName;
  readonly measured: TableFacts;
}

export function tableSubject(table: TableName): Subject {
  return { name: `${table.keyspace}.${table.table}`, labels: { keyspace: table.keyspace, table: table.table } };
}

export function judgeTable(
  table: TableName,
  observation: TableObservation,
  policy: FreshnessPolicy,
  nowMs: number,
  node: NodeFacts = { tablesMayOptOut: false },
): TableVerdict {
  const { files, added, flushed, hadData } = observation;
  const newest = newestBackupMs(files);
  const newestAgeSeconds = newest === undefined ? undefined : Math.max(0, (nowMs - newest) / 1000);
  const linked = new Set(added.backups.map((f) => f.identity));
  // A file gone since it was listed (identity undefined) proves nothing either way.
  const present = added.live.filter((f) => f.identity !== undefined);
  const proven = present.filter((f) => linked.has(f.identity));
  const unlinked = present.filter((f) => !linked.has(f.identity)).map((f) => basename(f.path));
  // A flush often starts a compaction at once: the flushed SSTable is gone by the second look
  // (its link in backups/ stays, now the only name of the file), and the compaction's output is
  // never linked, since Cassandra backs up flushed and streamed SSTables only.
  const liveNames = new Set(files.liveData.map((path) => basename(path)));
  const compactedAway = added.backups.filter((f) => !liveNames.has(basename(f.path)));

  const flush = flushed ? flushFinding(hadData, proven.length + compactedAway.length, unlinked) : undefined;
  // New SSTables without links already say that no backup holds them.
  const age =
    flush?.unbacked === true ? undefined : ageFinding(newestAgeSeconds, files.liveData.length, flushed, policy);
  const findings = [flush, age].filter((f): f is Finding => f !== undefined);
  if (node.tablesMayOptOut && findings.some((f) => f.unbacked === true)) {
    findings.push({
      state: OK,
      text: `opted out WITH incremental_backups = false? then --exclude ${table.keyspace}.${table.table}`,
    });
  }

  const measured: TableFacts = {
    flushed,
    hadData,
    newSSTables: added.live.length,
    unlinked,
    backupFiles: files.backupFileCount,
    newestAgeSeconds,
  };
  return {
    table,
    subject: tableSubject(table),
    state: worst(findings.map((f) => f.state)),
    line: findings.map((f) => f.text).join('; '),
    measured,
    facts: tableFacts(measured),
    metrics: tableMetrics(measured),
  };
}

interface Finding {
  readonly state: State;
  readonly text: string;
  /** SSTables that no backup holds: what a table that opted out of incremental backup looks like. */
  readonly unbacked?: boolean;
}

function flushFinding(hadData: boolean, linked: number, unlinked: readonly string[]): Finding {
  if (!hadData) return { state: OK, text: 'nothing to flush' };
  if (linked > 0) {
    const note = unlinked.length > 0 ? ` (not linked, as compaction output never is: ${unlinked.join(', ')})` : '';
    return { state: OK, text: `flushed: ${linked} new SSTable(s) hard-linked in backups/${note}` };
  }
  if (unlinked.length > 0) {
    const some =
      unlinked.length === 1 ? `new SSTable ${unlinked[0] as string} has` : `new SSTables ${unlinked.join(', ')} have`;
    return { state: WARNING, text: `${some} no hard link in backups/`, unbacked: true };
  }
  return { state: WARNING, text: 'the flush wrote no new SSTable although the memtable held data' };
}

function ageFinding(
  ageSeconds: number | undefined,
  liveSSTables: number,
  flushed: boolean,
  policy: FreshnessPolicy,
): Finding | undefined {
  if (ageSeconds === undefined) {
    // Data on disk that was never backed up (flushed before backup was switched on, or links lost)
    // is an alarm; an empty table has nothing to back up.
    if (liveSSTables > 0)
      return { state: WARNING, text: `${liveSSTables} SSTable(s) but no backup file`, unbacked: true };
    return flushed ? undefined : { state: OK, text: 'no data on disk yet' };
  }
  const age = `newest backup ${formatDuration(ageSeconds)} old`;
  // After a flush the proof is what counts; the age of a table nobody writes to says nothing
  // about backups, so the thresholds judge the tables looked at without a flush.
  const state = flushed ? OK : thresholdState(ageSeconds, policy.age);
  return { state, text: `${age}${crossed(ageSeconds, state, policy.age, formatDuration)}` };
}

/** The tables that could be judged (a table that could not be assessed is UNKNOWN, without facts). */
function judged(results: readonly PartialResult[]): TableVerdict[] {
  return results.filter((r): r is TableVerdict => 'measured' in r);
}

/** The tables as subjects, with the words for when all of them are fine. */
export function freshnessSubjects(results: readonly PartialResult[]): Subjects {
  const verdicts = judged(results);
  const flushed = verdicts.filter((v) => v.measured.flushed);
  const counts: string[] = [];
  const written = flushed.filter((v) => v.measured.hadData && v.state === OK).length;
  const idle = flushed.filter((v) => !v.measured.hadData).length;
  if (written > 0) counts.push(`${written} flushed and hard-linked in backups/`);
  if (idle > 0) counts.push(`${idle} with nothing to flush`);
  const age = worstNewestAge(verdicts);
  const summary = [
    `${results.length} ${results.length === 1 ? 'table' : 'tables'}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`,
  ];
  if (age !== undefined) summary.push(`newest backups within ${formatDuration(age)}`);
  return { kind: 'table', plural: 'tables', results, okSummary: summary.join('; ') };
}

/** The oldest of the tables' newest backups: how far behind the most neglected table is. */
function worstNewestAge(verdicts: readonly TableVerdict[]): number | undefined {
  const ages = verdicts.map((v) => v.measured.newestAgeSeconds).filter((a): a is number => a !== undefined);
  return ages.length === 0 ? undefined : Math.max(...ages);
}

export function freshnessPerfdata(results: readonly PartialResult[], policy: FreshnessPolicy): Perfdata[] {
  const verdicts = judged(results);
  // Tables without any backup file are judged on their own (WARNING under --max-age); the age
  // here is the most neglected table that has one, U when none has.
  const worstAge = worstNewestAge(verdicts);
  return [
    {
      label: 'backup_age',
      value: worstAge === undefined ? undefined : Math.round(worstAge),
      unit: 's',
      warning: policy.age.warning,
      critical: policy.age.critical,
      min: 0,
    },
    { label: 'backup_files', value: verdicts.reduce((n, v) => n + v.measured.backupFiles, 0), min: 0 },
    { label: 'tables_flushed', value: verdicts.filter((v) => v.measured.flushed).length, min: 0 },
  ];
}

function tableMetrics(m: TableFacts): NonNullable<PartialResult['metrics']> {
  return [
    sample(BACKUPS_FILES, m.backupFiles),
    ...(m.newestAgeSeconds === undefined
      ? []
      : [
          {
            name: 'cassandra_backups_newest_file_age_seconds',
            help: "Age of the newest Data file in the table's backups/: how long since a backup was written.",
            type: 'gauge' as const,
            value: Math.round(m.newestAgeSeconds),
          },
        ]),
    ...(m.flushed
      ? [
          {
            name: 'cassandra_backup_unlinked_sstables',
            help: "New SSTables seen around the check's flush without a hard link in backups/ (compaction output is never linked).",
            type: 'gauge' as const,
            value: m.unlinked.length,
          },
        ]
      : []),
  ];
}

function tableFacts(m: TableFacts): Record<string, unknown> {
  return {
    flushed: m.flushed,
    had_data: m.flushed ? m.hadData : null,
    new_sstables: m.newSSTables,
    unlinked_sstables: m.unlinked,
    backup_files: m.backupFiles,
    newest_backup_age_seconds: m.newestAgeSeconds === undefined ? null : Math.round(m.newestAgeSeconds),
  };
}
