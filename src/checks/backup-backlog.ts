// Check: check_cassandra_backup_backlog — what waits in backups/ for a shipper (Medusa,
// tablesnap, esop, rsync from cron) to copy off and delete. Cassandra never cleans it, so when the
// shipper stops, the oldest file ages and the directory grows until the disk is full. Judged: each
// table on the age of its oldest file (the shipper's lag), the total size, and each data
// directory's share of its file system. Measuring is cassandra/backlog.ts's job.

import { scanBacklog, type BacklogFilter, type BacklogScan, type TableBacklog } from '../cassandra/backlog.js';
import { requireDataDirectories } from '../cassandra/data-layout.js';
import { parseTableSelector, type TableSelector } from '../cassandra/identifiers.js';
import { readBackupStatus } from '../cassandra/storage-service.js';
import { callLimits, connectionHint, describeConnection, jolokiaClient, readConnection, type ConnectionSettings } from '../cli/connection.js';
import { formatDuration, parseDuration } from '../runtime/duration.js';
import type { ParsedOptions } from '../runtime/options.js';
import type { Perfdata } from '../runtime/perfdata.js';
import type { Check } from '../runtime/plugin.js';
import { assess, type Metric, type PartialResult, type Report, type Result } from '../runtime/result.js';
import { formatSize, parseSize } from '../runtime/size.js';
import { crossed, judge, readThresholds, type Thresholds } from '../runtime/thresholds.js';
import { CheckError } from '../runtime/errors.js';
import { JolokiaError } from '../jolokia/errors.js';

export interface BacklogPolicy {
  /** On the age of a table's oldest file in backups/, seconds. */
  readonly age: Thresholds;
  /** On the bytes waiting in all of backups/. */
  readonly size: Thresholds;
  /** On each data directory's backups/ as a share of its file system, percent. */
  readonly share: Thresholds;
}

export interface BacklogConfig {
  readonly connection: ConnectionSettings;
  /** As seen from here; default: what the node reports (AllDataFileLocations). */
  readonly dataDirectories?: readonly string[];
  readonly filter: BacklogFilter;
  readonly policy: BacklogPolicy;
}

const ageOf = (table: TableBacklog, nowMs: number): number | undefined => (table.oldestMs === undefined ? undefined : Math.max(0, (nowMs - table.oldestMs) / 1000));

export function judgeBacklog(scan: BacklogScan, policy: BacklogPolicy, nowMs: number): Report {
  const waiting = scan.tables.filter((t) => t.files > 0);
  const unreadable = new Map(scan.unreadable.map((u) => [u.name, u.reason]));
  const subjects: PartialResult[] = [
    ...waiting.filter((t) => !unreadable.has(`${t.keyspace}.${t.table}`)).map((t) => tableResult(t, policy, nowMs)),
    ...scan.unreadable.map(({ name, reason }) => {
      const [keyspace = name, table] = name.split('.');
      return assess({ name, labels: table === undefined ? { keyspace } : { keyspace, table } }, () => {
        throw new CheckError(reason);
      });
    }),
  ];

  const files = sum(scan.tables, (t) => t.files);
  const bytes = sum(scan.tables, (t) => t.bytes);
  const liveShared = sum(scan.tables, (t) => t.liveSharedBytes);
  const oldest = waiting.reduce<TableBacklog | undefined>((o, t) => (o === undefined || (t.oldestMs as number) < (o.oldestMs as number) ? t : o), undefined);
  const oldestAge = oldest === undefined ? 0 : (ageOf(oldest, nowMs) as number);

  const sizeState = judge(bytes, policy.size);
  const shared = liveShared > 0 ? ` (${formatSize(liveShared)} of it shared with live SSTables)` : '';
  const results: Result[] = [
    files === 0
      ? { state: sizeState, summary: `nothing waiting in backups/ (${scan.tables.length} ${scan.tables.length === 1 ? 'table' : 'tables'} have one)` }
      : { state: sizeState, summary: `${files} files, ${formatSize(bytes)} waiting in backups/${shared}${crossed(sizeState, policy.size, formatSize)}` },
    ...scan.dataDirectories.map((d): Result => {
      const share = percentOf(d.diskBytes, d.filesystemBytes);
      const state = judge(share, policy.share);
      return { state, summary: `${d.path}: ${share.toFixed(1)}% of its file system${crossed(state, policy.share, (n) => `${n}%`)}` };
    }),
  ];
  const several = scan.dataDirectories.length > 1;
  const perfdata: Perfdata[] = [
    { label: 'oldest_age', value: Math.round(oldestAge), unit: 's', warning: policy.age.warning, critical: policy.age.critical, min: 0 },
    { label: 'bytes', value: bytes, unit: 'B', warning: policy.size.warning, critical: policy.size.critical, min: 0 },
    { label: 'files', value: files, min: 0 },
    { label: 'live_shared', value: liveShared, unit: 'B', min: 0 },
    { label: 'tables', value: waiting.length, min: 0 },
    ...scan.dataDirectories.map((d, i): Perfdata => ({
      label: several ? `share_${i + 1}` : 'share',
      value: Math.round(percentOf(d.diskBytes, d.filesystemBytes) * 1000) / 1000,
      unit: '%',
      warning: policy.share.warning,
      critical: policy.share.critical,
      min: 0,
      max: 100,
    })),
  ];
  const metrics: Metric[] = scan.dataDirectories.flatMap((d): Metric[] => [
    { name: 'cassandra_backups_filesystem_share_ratio', help: "What backups/ takes of the data directory's file system, in allocated blocks (0 to 1).", type: 'gauge', value: d.filesystemBytes === 0 ? 0 : d.diskBytes / d.filesystemBytes, labels: { data_directory: d.path } },
    { name: 'cassandra_backups_directory_bytes', help: 'Bytes waiting in backups/ in the data directory, each inode once.', type: 'gauge', value: d.bytes, labels: { data_directory: d.path } },
  ]);
  const okSummary =
    oldest === undefined
      ? `${scan.tables.length} tables`
      : `${waiting.length} ${waiting.length === 1 ? 'table' : 'tables'} waiting, oldest file ${formatDuration(oldestAge)} (${oldest.keyspace}.${oldest.table})`;
  return {
    results,
    subjects: { kind: 'table', plural: 'tables', results: subjects, okSummary },
    perfdata,
    details: [
      `data directories: ${scan.dataDirectories.map((d, i) => `${several ? `share_${i + 1} ` : ''}${d.path} (${d.files} files, ${formatSize(d.bytes)}, ${formatSize(d.diskBytes)} on disk; file system ${formatSize(d.filesystemBytes)}, ${formatSize(d.availableBytes)} available)`).join('; ')}`,
      `tables with a backups/: ${scan.tables.length}, of which ${waiting.length} hold files (read by ${scan.threads} ${scan.threads === 1 ? 'thread' : 'threads'})`,
      ...(scan.leftOut.length > 0 ? [`left out (--keyspace, --exclude): ${scan.leftOut.join(', ')}`] : []),
    ],
    facts: {
      files,
      bytes,
      live_shared_bytes: liveShared,
      oldest_age_seconds: oldest === undefined ? null : Math.round(oldestAge),
      oldest_table: oldest === undefined ? null : `${oldest.keyspace}.${oldest.table}`,
      tables_with_backups: scan.tables.length,
      data_directories: scan.dataDirectories.map((d) => ({ path: d.path, files: d.files, bytes: d.bytes, disk_bytes: d.diskBytes, filesystem_bytes: d.filesystemBytes, available_bytes: d.availableBytes, share_percent: percentOf(d.diskBytes, d.filesystemBytes) })),
      left_out: scan.leftOut,
    },
    metrics,
  };
}

function tableResult(table: TableBacklog, policy: BacklogPolicy, nowMs: number): PartialResult {
  const age = ageOf(table, nowMs) as number;
  const state = judge(age, policy.age);
  const shared = table.liveSharedBytes > 0 ? `, ${formatSize(table.liveSharedBytes)} shared with live SSTables` : '';
  return {
    subject: { name: `${table.keyspace}.${table.table}`, labels: { keyspace: table.keyspace, table: table.table } },
    state,
    line: `oldest file ${formatDuration(age)} old${crossed(state, policy.age, formatDuration)}; ${table.files} files, ${formatSize(table.bytes)}${shared}`,
    facts: { files: table.files, bytes: table.bytes, live_shared_bytes: table.liveSharedBytes, oldest_age_seconds: Math.round(age), directories: table.directories },
    metrics: [
      { name: 'cassandra_backups_files', help: "Files waiting in the table's backups/ (every component, index SSTables included).", type: 'gauge', value: table.files },
      { name: 'cassandra_backups_bytes', help: "Bytes waiting in the table's backups/, each inode once.", type: 'gauge', value: table.bytes },
      { name: 'cassandra_backups_live_shared_bytes', help: 'Of those bytes, the files that are also live SSTables: deleting the backup frees none of it.', type: 'gauge', value: table.liveSharedBytes },
      { name: 'cassandra_backups_oldest_file_age_seconds', help: "Age of the oldest file in the table's backups/: how far behind the shipper is.", type: 'gauge', value: Math.round(age) },
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

export const backlogCheck: Check<BacklogConfig> = {
  configure(options, env) {
    const dataDirectories = options.list('data-dir');
    return {
      connection: readConnection(options, env, 'check_cassandra_backup_backlog'),
      ...(dataDirectories.length > 0 ? { dataDirectories } : {}),
      filter: { only: selectors(options, 'keyspace'), exclude: selectors(options, 'exclude') },
      policy: {
        age: readThresholds(options, 'age', parseDuration),
        size: readThresholds(options, 'size', parseSize),
        share: readThresholds(options, 'share'),
      },
    };
  },

  describe(config) {
    const show = (t: Thresholds): string => `warning ${t.warning?.toString() ?? '-'}, critical ${t.critical?.toString() ?? '-'}`;
    const list = (s: readonly TableSelector[]): string => s.map((x) => (x.table === undefined ? x.keyspace : `${x.keyspace}.${x.table}`)).join(', ') || '(all)';
    return [
      ...(config.dataDirectories === undefined ? describeConnection(config.connection) : []),
      `data directories: ${config.dataDirectories?.join(', ') ?? 'as the node reports them (AllDataFileLocations)'}`,
      `keyspaces: ${list(config.filter.only)}; left out: ${config.filter.exclude.length === 0 ? '(none)' : list(config.filter.exclude)}`,
      `oldest age (s): ${show(config.policy.age)}; size (B): ${show(config.policy.size)}; share (%): ${show(config.policy.share)}`,
    ];
  },

  async run(config, context) {
    let dataDirectories = config.dataDirectories;
    const details: string[] = [];
    if (dataDirectories === undefined) {
      const client = jolokiaClient(config.connection);
      const status = await readBackupStatus(client, callLimits(context), { dataFileLocations: true });
      dataDirectories = status.dataFileLocations ?? [];
      details.push(`data directories from ${client.where}; incremental backup ${status.incrementalBackupsEnabled ? 'enabled' : 'disabled (nothing new will arrive in backups/)'}`);
      details.push(...config.connection.warnings.map((w) => `warning: ${w}`));
    }
    requireDataDirectories(dataDirectories);
    const report = judgeBacklog(await scanBacklog(dataDirectories, config.filter, context.deadline), config.policy, Date.now());
    return { ...report, details: [...report.details, ...details] };
  },

  factsWhenUnknown: { files: null, bytes: null, oldest_age_seconds: null },
  // Only the data directories' paths come from the node: with --data-dir the agent is not needed.
  hint: (error) => (error instanceof JolokiaError ? [connectionHint(error), 'or give --data-dir, which needs no agent'].filter((h) => h !== undefined).join(', ') : undefined),
};

function selectors(options: ParsedOptions, name: string): TableSelector[] {
  return options.list(name).flatMap((v) => v.split(',')).map((v) => parseTableSelector(v.trim(), `--${name}`));
}
