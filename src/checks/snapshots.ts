// Check (evaluation): check_cassandra_snapshots — what `nodetool listsnapshots` lists, judged.
// Snapshots stay until someone clears them (or their TTL, 4.1+, runs out), and each keeps every
// SSTable it holds on disk after compaction has replaced it. Judged: each snapshot on its age, the
// total true size (what clearing them all would free), and snapshots still there past their TTL.
// Pure: the facts come from cassandra/snapshot-facts.ts.

import type { SnapshotFacts, SnapshotSource } from '../cassandra/snapshot-facts.js';
import type { Snapshot } from '../cassandra/snapshots.js';
import { formatDuration } from '../runtime/duration.js';
import type { Perfdata } from '../runtime/perfdata.js';
import { unreadableResults, type PartialResult, type Report, type Result } from '../runtime/result.js';
import { formatSize } from '../runtime/size.js';
import { OK, UNKNOWN, worst, type State } from '../runtime/state.js';
import { crossed, thresholdState, type Thresholds } from '../runtime/thresholds.js';

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

export function judgeSnapshots(facts: SnapshotFacts, policy: SnapshotPolicy, nowMs: number): Report {
  const { snapshots: all, source } = facts;
  const excluded = all.filter((s) => policy.excludeTags.some((pattern) => matches(pattern, s.tag)));
  const snapshots = all
    .filter((s) => !excluded.includes(s))
    .sort((a, b) => (a.createdMs ?? Infinity) - (b.createdMs ?? Infinity) || (a.tag < b.tag ? -1 : 1));
  const subjects = snapshots.map((s) => snapshotResult(s, policy, source, nowMs));
  const trueSize = snapshots.reduce((n, s) => n + s.trueSizeBytes, 0);
  const onDisk = snapshots.reduce((n, s) => n + s.sizeOnDiskBytes, 0);
  const ages = snapshots.filter((s) => s.createdMs !== undefined).map((s) => ageSeconds(s, nowMs));
  const oldest = ages.length > 0 ? Math.max(...ages) : undefined;
  const expired = snapshots.filter((s) => isExpired(s, policy, nowMs)).length;
  const sizeState = thresholdState(trueSize, policy.size);
  const results: Result[] = [
    snapshots.length === 0
      ? { state: sizeState, summary: 'no snapshots' }
      : {
          state: sizeState,
          summary: `${snapshots.length} ${snapshots.length === 1 ? 'snapshot' : 'snapshots'}, ${formatSize(trueSize)} true size${crossed(trueSize, sizeState, policy.size, formatSize)}`,
        },
    ...unreadableResults(facts.unreadable),
  ];
  const perfdata: Perfdata[] = [
    {
      label: 'oldest_age',
      value: oldest === undefined ? (snapshots.length === 0 ? 0 : undefined) : Math.round(oldest),
      unit: 's',
      warning: policy.age.warning,
      critical: policy.age.critical,
      min: 0,
    },
    {
      label: 'true_size',
      value: trueSize,
      unit: 'B',
      warning: policy.size.warning,
      critical: policy.size.critical,
      min: 0,
    },
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
      okSummary:
        oldestSnapshot === undefined
          ? `${snapshots.length} snapshots`
          : `oldest ${formatDuration(ageSeconds(oldestSnapshot, nowMs))} (${oldestSnapshot.tag})`,
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
    const state = thresholdState(age, policy.age);
    states.push(state);
    parts.push(`${formatDuration(age)} old${crossed(age, state, policy.age, formatDuration)}`);
  }
  parts.push(
    `${s.tables.length} ${s.tables.length === 1 ? 'table' : 'tables'}, true size ${formatSize(s.trueSizeBytes)} (${formatSize(s.sizeOnDiskBytes)} on disk)`,
  );
  if (s.expiresMs !== undefined) {
    const left = (s.expiresMs - nowMs) / 1000;
    if (isExpired(s, policy, nowMs)) {
      states.push(policy.expired.state);
      parts.push(
        `expired ${formatDuration(-left)} ago and still there (Cassandra removes a snapshot once its TTL runs out)`,
      );
    } else {
      parts.push(left >= 0 ? `expires in ${formatDuration(left)}` : `expired ${formatDuration(-left)} ago`);
    }
  }
  if (s.ephemeral) parts.push("ephemeral (a repair's)");
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
      {
        name: 'cassandra_snapshot_true_size_bytes',
        help: 'Bytes of the snapshot that no live SSTable shares: what clearing it would free.',
        type: 'gauge',
        value: s.trueSizeBytes,
      },
      {
        name: 'cassandra_snapshot_size_on_disk_bytes',
        help: 'Bytes of every file of the snapshot, shared with live SSTables or not.',
        type: 'gauge',
        value: s.sizeOnDiskBytes,
      },
      { name: 'cassandra_snapshot_tables', help: 'Tables in the snapshot.', type: 'gauge', value: s.tables.length },
      ...(age === undefined
        ? []
        : [
            {
              name: 'cassandra_snapshot_age_seconds',
              help: 'Seconds since the snapshot was taken.',
              type: 'gauge' as const,
              value: age,
            },
          ]),
      ...(s.expiresMs === undefined
        ? []
        : [
            {
              name: 'cassandra_snapshot_expires_timestamp_seconds',
              help: 'When Cassandra is to remove the snapshot (its TTL), Unix time.',
              type: 'gauge' as const,
              value: Math.round(s.expiresMs / 1000),
            },
          ]),
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
