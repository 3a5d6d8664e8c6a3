// Check: check_cassandra_snapshots — what `nodetool listsnapshots` lists, judged. Snapshots stay
// until someone clears them (or their TTL, 4.1+, runs out), and each keeps every SSTable it
// holds on disk after compaction has replaced it. Judged: each snapshot on its age, the total true
// size (what clearing them all would free), and snapshots still there past their TTL. From the
// agent by default (remote, as listsnapshots); from the node's folders with --data-dir.

import { accessSync } from 'node:fs';
import { requireDataDirectories } from '../cassandra/data-layout.js';
import { readBackupStatus } from '../cassandra/storage-service.js';
import { scanSnapshotFolders, snapshotsFromDetails, type Snapshot } from '../cassandra/snapshots.js';
import { STORAGE_SERVICE } from '../cassandra/mbeans.js';
import { callLimits, connectionHint, describeConnection, jolokiaClient, readConnection, type ConnectionSettings } from '../cli/connection.js';
import { JolokiaError, JolokiaProtocolError } from '../jolokia/errors.js';
import { formatDuration, parseDuration } from '../runtime/duration.js';
import { UsageError } from '../runtime/errors.js';
import type { ParsedOptions } from '../runtime/options.js';
import type { Perfdata } from '../runtime/perfdata.js';
import { parseStateOption, type Check } from '../runtime/plugin.js';
import type { PartialResult, Report, Result } from '../runtime/result.js';
import { formatSize, parseSize } from '../runtime/size.js';
import { OK, UNKNOWN, worst, type State } from '../runtime/state.js';
import { crossed, judge, readThresholds, type Thresholds } from '../runtime/thresholds.js';

export interface SnapshotPolicy {
  /** On each snapshot's age, seconds. */
  readonly age: Thresholds;
  /** On the true size of all snapshots together, bytes. */
  readonly size: Thresholds;
  /** State of a snapshot still there this long (seconds) after its TTL ran out. */
  readonly expired: { readonly state: State; readonly graceSeconds: number };
  /** Tags to leave out: exact, or a prefix ending in `*`. */
  readonly excludeTags: readonly string[];
}

export interface SnapshotsConfig {
  readonly connection: ConnectionSettings;
  /** Read the node's folders instead of asking the agent. */
  readonly dataDirectories?: readonly string[];
  readonly policy: SnapshotPolicy;
}

/** Where the snapshots came from, for the long output and for what a missing creation time means. */
export interface SnapshotSource {
  readonly description: string;
  /** Why a snapshot may have no creation time from this source, and what to do: for its line. */
  readonly noCreationTime?: string;
}

export function judgeSnapshots(all: readonly Snapshot[], policy: SnapshotPolicy, source: SnapshotSource, nowMs: number): Report {
  const excluded = all.filter((s) => policy.excludeTags.some((pattern) => matches(pattern, s.tag)));
  const snapshots = all.filter((s) => !excluded.includes(s)).sort((a, b) => (a.createdMs ?? Infinity) - (b.createdMs ?? Infinity) || (a.tag < b.tag ? -1 : 1));
  const subjects = snapshots.map((s) => snapshotResult(s, policy, source, nowMs));
  const trueSize = snapshots.reduce((n, s) => n + s.trueSizeBytes, 0);
  const onDisk = snapshots.reduce((n, s) => n + s.sizeOnDiskBytes, 0);
  const ages = snapshots.filter((s) => s.createdMs !== undefined).map((s) => ageSeconds(s, nowMs));
  const oldest = ages.length > 0 ? Math.max(...ages) : undefined;
  const expired = snapshots.filter((s) => isExpired(s, policy, nowMs)).length;
  const sizeState = judge(trueSize, policy.size);
  const results: Result[] = [
    snapshots.length === 0
      ? { state: sizeState, summary: 'no snapshots' }
      : { state: sizeState, summary: `${snapshots.length} ${snapshots.length === 1 ? 'snapshot' : 'snapshots'}, ${formatSize(trueSize)} true size${crossed(sizeState, policy.size, formatSize)}` },
  ];
  const perfdata: Perfdata[] = [
    { label: 'oldest_age', value: oldest === undefined ? (snapshots.length === 0 ? 0 : undefined) : Math.round(oldest), unit: 's', warning: policy.age.warning, critical: policy.age.critical, min: 0 },
    { label: 'true_size', value: trueSize, unit: 'B', warning: policy.size.warning, critical: policy.size.critical, min: 0 },
    { label: 'size_on_disk', value: onDisk, unit: 'B', min: 0 },
    { label: 'snapshots', value: snapshots.length, min: 0 },
    { label: 'expired', value: expired, min: 0 },
  ];
  const oldestSnapshot = snapshots.find((s) => s.createdMs !== undefined);
  return {
    results,
    subjects: {
      kind: 'snapshot',
      plural: 'snapshots',
      results: subjects,
      okSummary: oldestSnapshot === undefined ? `${snapshots.length} snapshots` : `oldest ${formatDuration(ageSeconds(oldestSnapshot, nowMs))} (${oldestSnapshot.tag})`,
    },
    perfdata,
    details: [
      `source: ${source.description}`,
      `true size ${formatSize(trueSize)} (what clearing them would free), ${formatSize(onDisk)} on disk with what live SSTables share`,
      ...(excluded.length > 0 ? [`left out (--exclude-tag): ${excluded.map((s) => s.tag).join(', ')}`] : []),
    ],
    facts: {
      snapshot_count: snapshots.length,
      true_size_bytes: trueSize,
      size_on_disk_bytes: onDisk,
      oldest_age_seconds: oldest === undefined ? null : Math.round(oldest),
      expired_count: expired,
      left_out: excluded.map((s) => s.tag),
    },
    metrics: [],
  };
}

function snapshotResult(s: Snapshot, policy: SnapshotPolicy, source: SnapshotSource, nowMs: number): PartialResult {
  const parts: string[] = [];
  const states: State[] = [OK];
  if (s.createdMs === undefined) {
    const wanted = policy.age.warning !== undefined || policy.age.critical !== undefined;
    states.push(wanted ? UNKNOWN : OK);
    parts.push(`age unknown (${source.noCreationTime ?? 'not reported'})`);
  } else {
    const age = ageSeconds(s, nowMs);
    const state = judge(age, policy.age);
    states.push(state);
    parts.push(`${formatDuration(age)} old${crossed(state, policy.age, formatDuration)}`);
  }
  parts.push(`${s.tables.length} ${s.tables.length === 1 ? 'table' : 'tables'}, true size ${formatSize(s.trueSizeBytes)} (${formatSize(s.sizeOnDiskBytes)} on disk)`);
  if (s.expiresMs !== undefined) {
    const left = (s.expiresMs - nowMs) / 1000;
    if (isExpired(s, policy, nowMs)) {
      states.push(policy.expired.state);
      parts.push(`expired ${formatDuration(-left)} ago and still there (Cassandra removes a snapshot once its TTL runs out)`);
    } else {
      parts.push(left >= 0 ? `expires in ${formatDuration(left)}` : `expired ${formatDuration(-left)} ago`);
    }
  }
  if (s.ephemeral) parts.push('ephemeral (a repair\'s)');
  const age = s.createdMs === undefined ? undefined : Math.round(ageSeconds(s, nowMs));
  return {
    subject: { name: s.tag, labels: { snapshot: s.tag } },
    state: worst(states),
    line: parts.join('; '),
    facts: {
      tables: s.tables,
      true_size_bytes: s.trueSizeBytes,
      size_on_disk_bytes: s.sizeOnDiskBytes,
      created: s.createdMs === undefined ? null : new Date(s.createdMs).toISOString(),
      expires: s.expiresMs === undefined ? null : new Date(s.expiresMs).toISOString(),
      age_seconds: age ?? null,
      ephemeral: s.ephemeral,
    },
    metrics: [
      { name: 'cassandra_snapshot_true_size_bytes', help: 'Bytes of the snapshot that no live SSTable shares: what clearing it would free.', type: 'gauge', value: s.trueSizeBytes },
      { name: 'cassandra_snapshot_size_on_disk_bytes', help: 'Bytes of every file of the snapshot, shared with live SSTables or not.', type: 'gauge', value: s.sizeOnDiskBytes },
      { name: 'cassandra_snapshot_tables', help: 'Tables in the snapshot.', type: 'gauge', value: s.tables.length },
      ...(age === undefined ? [] : [{ name: 'cassandra_snapshot_age_seconds', help: 'Seconds since the snapshot was taken.', type: 'gauge' as const, value: age }]),
      ...(s.expiresMs === undefined ? [] : [{ name: 'cassandra_snapshot_expires_timestamp_seconds', help: 'When Cassandra is to remove the snapshot (its TTL), Unix time.', type: 'gauge' as const, value: Math.round(s.expiresMs / 1000) }]),
    ],
  };
}

const ageSeconds = (s: Snapshot, nowMs: number): number => Math.max(0, (nowMs - (s.createdMs as number)) / 1000);

function isExpired(s: Snapshot, policy: SnapshotPolicy, nowMs: number): boolean {
  return s.expiresMs !== undefined && nowMs - s.expiresMs > policy.expired.graceSeconds * 1000;
}

function matches(pattern: string, tag: string): boolean {
  return pattern.endsWith('*') ? tag.startsWith(pattern.slice(0, -1)) : tag === pattern;
}

export const snapshotsCheck: Check<SnapshotsConfig> = {
  configure(options, env) {
    const dataDirectories = options.list('data-dir');
    return {
      connection: readConnection(options, env, 'check_cassandra_snapshots'),
      ...(dataDirectories.length > 0 ? { dataDirectories } : {}),
      policy: {
        age: readThresholds(options, 'age', parseDuration),
        size: readThresholds(options, 'size', parseSize),
        expired: { state: parseStateOption('expired-state', options.value('expired-state') ?? 'warning'), graceSeconds: grace(options) },
        excludeTags: options.list('exclude-tag').flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== ''),
      },
    };
  },

  describe(config) {
    const show = (t: Thresholds): string => `warning ${t.warning?.toString() ?? '-'}, critical ${t.critical?.toString() ?? '-'}`;
    return [
      ...(config.dataDirectories === undefined ? describeConnection(config.connection) : [`data directories: ${config.dataDirectories.join(', ')} (no agent asked)`]),
      `age (s): ${show(config.policy.age)}; true size (B): ${show(config.policy.size)}; past TTL by ${config.policy.expired.graceSeconds} s: ${config.policy.expired.state.name}`,
      `left out: ${config.policy.excludeTags.join(', ') || '(none)'}`,
    ];
  },

  async run(config, context) {
    if (config.dataDirectories !== undefined) {
      requireDataDirectories(config.dataDirectories);
      const folders = scanSnapshotFolders(config.dataDirectories);
      const report = judgeSnapshots(folders.snapshots, config.policy, { description: `the snapshot folders in ${config.dataDirectories.join(', ')}` }, Date.now());
      return withUnreadable(report, folders.unreadable);
    }
    const client = jolokiaClient(config.connection);
    const limits = callLimits(context);
    const status = await readBackupStatus(client, limits, { dataFileLocations: true });
    const version = status.releaseVersion ?? 'this release';
    const here = (status.dataFileLocations ?? []).filter((d) => canRead(d));
    let snapshots: Snapshot[];
    let description: string;
    let noCreationTime: string | undefined;
    const unreadable: { name: string; reason: string }[] = [];
    try {
      const [details] = await client.bulk([{ type: 'read', mbean: STORAGE_SERVICE, attribute: 'SnapshotDetails' }] as const, limits);
      snapshots = snapshotsFromDetails(details);
      description = `SnapshotDetails from ${client.where} (Cassandra ${version})`;
    } catch (error) {
      // Jolokia 2.x cuts its answer short at the first snapshot without a TTL (a null in the
      // table's index): the agent answered the other request, so it is this value it cannot send.
      if (!(error instanceof JolokiaProtocolError)) throw error;
      if (here.length === 0) {
        throw new JolokiaProtocolError(`The agent at ${client.where} sent SnapshotDetails cut short, as Jolokia 2.x agents do while a snapshot has no TTL: run the check on the node, where it reads the snapshot folders instead, or ask a Jolokia 1.x agent`);
      }
      const folders = scanSnapshotFolders(here);
      snapshots = [...folders.snapshots];
      unreadable.push(...folders.unreadable);
      description = `the snapshot folders in ${here.join(', ')} (the agent at ${client.where} could not send SnapshotDetails)`;
    }
    if (snapshots.some((s) => s.createdMs === undefined)) {
      // Before 4.1 the node does not say when a snapshot was taken; its folders do, when they are here.
      if (here.length > 0) {
        const folders = scanSnapshotFolders(here);
        const created = new Map(folders.snapshots.map((s) => [s.tag, s.createdMs]));
        snapshots = snapshots.map((s) => (s.createdMs === undefined ? { ...s, createdMs: created.get(s.tag) } : s));
        unreadable.push(...folders.unreadable);
        description += `; creation times from the snapshot folders in ${here.join(', ')}`;
      } else {
        noCreationTime = `Cassandra ${version} does not report it: run the check on the node, where the snapshot folders can be read`;
      }
    }
    const report = judgeSnapshots(snapshots, config.policy, { description, ...(noCreationTime === undefined ? {} : { noCreationTime }) }, Date.now());
    return withUnreadable({ ...report, details: [...report.details, ...config.connection.warnings.map((w) => `warning: ${w}`)] }, unreadable);
  },

  factsWhenUnknown: { snapshot_count: null, true_size_bytes: null, oldest_age_seconds: null },
  hint: (error) => (error instanceof JolokiaError ? [connectionHint(error), 'or give --data-dir on the node, which needs no agent'].filter((h) => h !== undefined).join(', ') : undefined),
};

/** A table whose snapshot folders could not be read: UNKNOWN beside the rest. */
function withUnreadable(report: Report, unreadable: readonly { name: string; reason: string }[]): Report {
  if (unreadable.length === 0) return report;
  return { ...report, results: [...report.results, ...unreadable.map((u) => ({ state: UNKNOWN, summary: `${u.name}: ${u.reason}` }))] };
}

function canRead(directory: string): boolean {
  try {
    accessSync(directory);
    return true;
  } catch {
    return false;
  }
}

function grace(options: ParsedOptions): number {
  const text = options.value('expired-grace') ?? '10m';
  const seconds = parseDuration(text, '--expired-grace');
  if (seconds < 0) throw new UsageError(`--expired-grace: '${text}' is negative`);
  return seconds;
}
