// Check (evaluation): check_cassandra_backup_backlog — what waits in backups/ for a shipper
// (Medusa, tablesnap, esop, rsync from cron) to copy off and delete. Cassandra never cleans it, so
// when the shipper stops, the oldest file ages and the directory grows until the disk is full.
// Judged: each table on the age of its oldest file (the shipper's lag), the total size, and each
// data directory's share of its file system. Pure: the facts come from cassandra/backlog-facts.ts.

import type { BacklogFacts } from '../cassandra/backlog-facts.js';
import type { BacklogScan, TableBacklog } from '../cassandra/backlog.js';
import { formatDuration } from '../runtime/duration.js';
import type { Perfdata } from '../runtime/perfdata.js';
import { unreadableSubject, type Metric, type PartialResult, type Report, type Result } from '../runtime/result.js';
import { formatSize } from '../runtime/size.js';
import { crossed, thresholdState, type Thresholds } from '../runtime/thresholds.js';
import { BACKUPS_FILES, sample } from './metrics.js';

export interface BacklogPolicy {
  /** On the age of a table's oldest file in backups/, seconds. */
  readonly age: Thresholds;
  /** On the bytes waiting in all of backups/. */
  readonly size: Thresholds;
  /** On each data directory's backups/ as a share of its file system, percent. */
  readonly share: Thresholds;
}

const ageOf = (table: TableBacklog, nowMs: number): number | undefined =>
  table.oldestMs === undefined ? undefined : Math.max(0, (nowMs - table.oldestMs) / 1000);

/** The backlog, with where the data directories came from when the node was asked. */
export function judgeBacklogFacts(facts: BacklogFacts, policy: BacklogPolicy, nowMs: number): Report {
  const report = judgeBacklog(facts.scan, policy, nowMs);
  const { node } = facts;
  if (node === undefined) return report;
  const backup = node.backupEnabled ? 'enabled' : 'disabled (nothing new will arrive in backups/)';
  return {
    ...report,
    details: [...report.details, `data directories from ${node.where}; incremental backup ${backup}`],
  };
}

/** The sums over every table, and the table that has waited longest. */
interface Totals {
  readonly files: number;
  readonly bytes: number;
  readonly liveShared: number;
  readonly waiting: readonly TableBacklog[];
  readonly oldest: TableBacklog | undefined;
  /** Seconds; 0 when nothing waits. */
  readonly oldestAge: number;
}

function totalsOf(scan: BacklogScan, nowMs: number): Totals {
  const waiting = scan.tables.filter((t) => t.files > 0);
  const oldest = waiting.reduce<TableBacklog | undefined>(
    (o, t) => (o === undefined || (t.oldestMs as number) < (o.oldestMs as number) ? t : o),
    undefined,
  );
  return {
    files: sum(scan.tables, (t) => t.files),
    bytes: sum(scan.tables, (t) => t.bytes),
    liveShared: sum(scan.tables, (t) => t.liveSharedBytes),
    waiting,
    oldest,
    oldestAge: oldest === undefined ? 0 : (ageOf(oldest, nowMs) as number),
  };
}

export function judgeBacklog(scan: BacklogScan, policy: BacklogPolicy, nowMs: number): Report {
  const totals = totalsOf(scan, nowMs);
  const { waiting, oldest, oldestAge } = totals;
  const unreadable = new Set(scan.unreadable.map((u) => u.name));
  const subjects: PartialResult[] = [
    ...waiting.filter((t) => !unreadable.has(`${t.keyspace}.${t.table}`)).map((t) => tableResult(t, policy, nowMs)),
    ...scan.unreadable.map(({ name, reason }) => {
      const [keyspace = name, table] = name.split('.');
      return unreadableSubject({ name, labels: table === undefined ? { keyspace } : { keyspace, table } }, reason);
    }),
  ];
  const okSummary =
    oldest === undefined
      ? `${scan.tables.length} tables`
      : `${waiting.length} ${waiting.length === 1 ? 'table' : 'tables'} waiting, oldest file ${formatDuration(oldestAge)} (${oldest.keyspace}.${oldest.table})`;
  return {
    results: backlogResults(scan, totals, policy),
    subjects: { kind: 'table', plural: 'tables', results: subjects, okSummary },
    perfdata: backlogPerfdata(scan, totals, policy),
    details: backlogDetails(scan, totals),
    facts: {
      files: totals.files,
      bytes: totals.bytes,
      live_shared_bytes: totals.liveShared,
      oldest_age_seconds: oldest === undefined ? null : Math.round(oldestAge),
      oldest_table: oldest === undefined ? null : `${oldest.keyspace}.${oldest.table}`,
      tables_with_backups: scan.tables.length,
      data_directories: scan.dataDirectories.map((d) => ({
        path: d.path,
        files: d.files,
        bytes: d.bytes,
        disk_bytes: d.diskBytes,
        filesystem_bytes: d.filesystemBytes,
        available_bytes: d.availableBytes,
        share_percent: percentOf(d.diskBytes, d.filesystemBytes),
      })),
      left_out: scan.leftOut,
    },
    metrics: directoryMetrics(scan),
  };
}

/** The total size against its ranges, and each data directory's share of its file system against theirs. */
function backlogResults(scan: BacklogScan, { files, bytes, liveShared }: Totals, policy: BacklogPolicy): Result[] {
  const sizeState = thresholdState(bytes, policy.size);
  const shared = liveShared > 0 ? ` (${formatSize(liveShared)} of it shared with live SSTables)` : '';
  return [
    files === 0
      ? {
          state: sizeState,
          summary: `nothing waiting in backups/ (${scan.tables.length} ${scan.tables.length === 1 ? 'table' : 'tables'} have one)`,
        }
      : {
          state: sizeState,
          summary: `${files} files, ${formatSize(bytes)} waiting in backups/${shared}${crossed(bytes, sizeState, policy.size, formatSize)}`,
        },
    ...scan.dataDirectories.map((d): Result => {
      const share = percentOf(d.diskBytes, d.filesystemBytes);
      const state = thresholdState(share, policy.share);
      return {
        state,
        summary: `${d.path}: ${share.toFixed(1)}% of its file system${crossed(share, state, policy.share, (n) => `${n}%`)}`,
      };
    }),
  ];
}

function backlogPerfdata(scan: BacklogScan, totals: Totals, policy: BacklogPolicy): Perfdata[] {
  const several = scan.dataDirectories.length > 1;
  return [
    {
      label: 'oldest_age',
      value: Math.round(totals.oldestAge),
      unit: 's',
      warning: policy.age.warning,
      critical: policy.age.critical,
      min: 0,
    },
    {
      label: 'bytes',
      value: totals.bytes,
      unit: 'B',
      warning: policy.size.warning,
      critical: policy.size.critical,
      min: 0,
    },
    { label: 'files', value: totals.files, min: 0 },
    { label: 'live_shared', value: totals.liveShared, unit: 'B', min: 0 },
    { label: 'tables', value: totals.waiting.length, min: 0 },
    ...scan.dataDirectories.map(
      (d, i): Perfdata => ({
        label: several ? `share_${i + 1}` : 'share',
        value: Math.round(percentOf(d.diskBytes, d.filesystemBytes) * 1000) / 1000,
        unit: '%',
        warning: policy.share.warning,
        critical: policy.share.critical,
        min: 0,
        max: 100,
      }),
    ),
  ];
}

function backlogDetails(scan: BacklogScan, { waiting }: Totals): string[] {
  const several = scan.dataDirectories.length > 1;
  const directory = (d: BacklogScan['dataDirectories'][number], i: number): string =>
    `${several ? `share_${i + 1} ` : ''}${d.path} (${d.files} files, ${formatSize(d.bytes)}, ${formatSize(d.diskBytes)} on disk; file system ${formatSize(d.filesystemBytes)}, ${formatSize(d.availableBytes)} available)`;
  return [
    `data directories: ${scan.dataDirectories.map(directory).join('; ')}`,
    `tables with a backups/: ${scan.tables.length}, of which ${waiting.length} hold files (read by ${scan.threads} ${scan.threads === 1 ? 'thread' : 'threads'})`,
    ...(scan.leftOut.length > 0 ? [`left out (--keyspace, --exclude): ${scan.leftOut.join(', ')}`] : []),
  ];
}

function directoryMetrics(scan: BacklogScan): Metric[] {
  return scan.dataDirectories.flatMap((d): Metric[] => [
    {
      name: 'cassandra_backups_filesystem_share_ratio',
      help: "What backups/ takes of the data directory's file system, in allocated blocks (0 to 1).",
      type: 'gauge',
      value: d.filesystemBytes === 0 ? 0 : d.diskBytes / d.filesystemBytes,
      labels: { data_directory: d.path },
    },
    {
      name: 'cassandra_backups_directory_bytes',
      help: 'Bytes waiting in backups/ in the data directory, each inode once.',
      type: 'gauge',
      value: d.bytes,
      labels: { data_directory: d.path },
    },
  ]);
}

function tableResult(table: TableBacklog, policy: BacklogPolicy, nowMs: number): PartialResult {
  const age = ageOf(table, nowMs) as number;
  const state = thresholdState(age, policy.age);
  const shared = table.liveSharedBytes > 0 ? `, ${formatSize(table.liveSharedBytes)} shared with live SSTables` : '';
  return {
    subject: { name: `${table.keyspace}.${table.table}`, labels: { keyspace: table.keyspace, table: table.table } },
    state,
    line: `oldest file ${formatDuration(age)} old${crossed(age, state, policy.age, formatDuration)}; ${table.files} files, ${formatSize(table.bytes)}${shared}`,
    facts: {
      files: table.files,
      bytes: table.bytes,
      live_shared_bytes: table.liveSharedBytes,
      oldest_age_seconds: Math.round(age),
      directories: table.directories,
    },
    metrics: [
      sample(BACKUPS_FILES, table.files),
      {
        name: 'cassandra_backups_bytes',
        help: "Bytes waiting in the table's backups/, each inode once.",
        type: 'gauge',
        value: table.bytes,
      },
      {
        name: 'cassandra_backups_live_shared_bytes',
        help: 'Of those bytes, the files that are also live SSTables: deleting the backup frees none of it.',
        type: 'gauge',
        value: table.liveSharedBytes,
      },
      {
        name: 'cassandra_backups_oldest_file_age_seconds',
        help: "Age of the oldest file in the table's backups/: how far behind the shipper is.",
        type: 'gauge',
        value: Math.round(age),
      },
    ],
  };
}

function percentOf(part: number, whole: number): number {
  return whole === 0 ? 0 : (part / whole) * 100;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}
