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
  const excluded = facts.snapshots.filter((s) => policy.excludeTags.some((pattern) => matches(pattern, s.tag)));
  const snapshots = facts.snapshots
    .filter((s) => !excluded.includes(s))
    .sort((a, b) => (a.createdMs ?? Infinity) - (b.createdMs ?? Infinity) || (a.tag < b.tag ? -1 : 1));
  const totals = totalsOf(snapshots, policy, nowMs);
  const sizeState = thresholdState(totals.trueSize, policy.size);
  const count = `${snapshots.length} ${snapshots.length === 1 ? 'snapshot' : 'snapshots'}`;
  const results: Result[] = [
    snapshots.length === 0
      ? { state: sizeState, summary: 'no snapshots' }
      : {
          state: sizeState,
          summary: `${count}, ${formatSize(totals.trueSize)} true size${crossed(totals.trueSize, sizeState, policy.size, formatSize)}`,
        },
    ...unreadableResults(facts.unreadable),
  ];
  const oldestSnapshot = snapshots.find((s) => s.createdMs !== undefined);
  return {
    results,
    subjects: {
      kind: 'snapshot',
      plural: 'snapshots',
      results: snapshots.map((s) => snapshotResult(s, policy, facts.source, nowMs)),
      okSummary:
        oldestSnapshot === undefined
          ? `${snapshots.length} snapshots`
          : `oldest ${formatDuration(ageSeconds(oldestSnapshot, nowMs))} (${oldestSnapshot.tag})`,
    },
    perfdata: snapshotPerfdata(snapshots.length, totals, policy),
    details: [
      `source: ${facts.source.description}`,
      `true size ${formatSize(totals.trueSize)} (what clearing them would free), ${formatSize(totals.onDisk)} on disk with what live SSTables share`,
      ...(excluded.length > 0 ? [`left out (--exclude-tag): ${excluded.map((s) => s.tag).join(', ')}`] : []),
    ],
    facts: {
      snapshot_count: snapshots.length,
      true_size_bytes: totals.trueSize,
      size_on_disk_bytes: totals.onDisk,
      oldest_age_seconds: totals.oldest === undefined ? null : Math.round(totals.oldest),
      expired_count: totals.expired,
      left_out: excluded.map((s) => s.tag),
    },
    metrics: [],
  };
}

/** The sums over the snapshots judged, the oldest age (undefined when none says), and how many are past their TTL. */
interface Totals {
  readonly trueSize: number;
  readonly onDisk: number;
  readonly oldest: number | undefined;
  readonly expired: number;
}

function totalsOf(snapshots: readonly Snapshot[], policy: SnapshotPolicy, nowMs: number): Totals {
  const ages = snapshots.filter((s) => s.createdMs !== undefined).map((s) => ageSeconds(s, nowMs));
  return {
    trueSize: snapshots.reduce((n, s) => n + s.trueSizeBytes, 0),
    onDisk: snapshots.reduce((n, s) => n + s.sizeOnDiskBytes, 0),
    oldest: ages.length > 0 ? Math.max(...ages) : undefined,
    expired: snapshots.filter((s) => isExpired(s, policy, nowMs)).length,
  };
}

function snapshotPerfdata(count: number, totals: Totals, policy: SnapshotPolicy): Perfdata[] {
  // No snapshot is age 0; snapshots none of which says when it was taken are U.
  const oldest = totals.oldest === undefined ? (count === 0 ? 0 : undefined) : Math.round(totals.oldest);
  return [
    {
      label: 'oldest_age',
      value: oldest,
      unit: 's',
      warning: policy.age.warning,
      critical: policy.age.critical,
      min: 0,
    },
    {
      label: 'true_size',
      value: totals.trueSize,
      unit: 'B',
      warning: policy.size.warning,
      critical: policy.size.critical,
      min: 0,
    },
    { label: 'size_on_disk', value: totals.onDisk, unit: 'B', min: 0 },
    { label: 'snapshots', value: count, min: 0 },
    { label: 'expired', value: totals.expired, min: 0 },
  ];
}

/** One snapshot: its age against the ranges, its size, its TTL, as a partial result. */
function snapshotResult(s: Snapshot, policy: SnapshotPolicy, source: SnapshotSource, nowMs: number): PartialResult {
  const findings = [ageFinding(s, policy, source, nowMs), ...ttlFindings(s, policy, nowMs)];
  const size = `${s.tables.length} ${s.tables.length === 1 ? 'table' : 'tables'}, true size ${formatSize(s.trueSizeBytes)} (${formatSize(s.sizeOnDiskBytes)} on disk)`;
  const parts = [
    findings[0]?.text ?? '',
    size,
    ...findings.slice(1).map((f) => f.text),
    ...(s.ephemeral ? ["ephemeral (a repair's)"] : []),
  ];
  const age = s.createdMs === undefined ? undefined : Math.round(ageSeconds(s, nowMs));
  return {
    subject: { name: s.tag, labels: { snapshot: s.tag } },
    state: worst([OK, ...findings.map((f) => f.state)]),
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
    metrics: snapshotMetrics(s, age),
  };
}

interface Finding {
  readonly state: State;
  readonly text: string;
}

/** Its age against the ranges; unknown (UNKNOWN only when an age was asked for) when the source does not say. */
function ageFinding(s: Snapshot, policy: SnapshotPolicy, source: SnapshotSource, nowMs: number): Finding {
  if (s.createdMs === undefined) {
    const wanted = policy.age.warning !== undefined || policy.age.critical !== undefined;
    return { state: wanted ? UNKNOWN : OK, text: `age unknown (${source.noCreationTime ?? 'not reported'})` };
  }
  const age = ageSeconds(s, nowMs);
  const state = thresholdState(age, policy.age);
  return { state, text: `${formatDuration(age)} old${crossed(age, state, policy.age, formatDuration)}` };
}

/** When its TTL runs out, or that it has and the snapshot is still there past the grace. */
function ttlFindings(s: Snapshot, policy: SnapshotPolicy, nowMs: number): Finding[] {
  if (s.expiresMs === undefined) return [];
  const left = (s.expiresMs - nowMs) / 1000;
  if (isExpired(s, policy, nowMs)) {
    const text = `expired ${formatDuration(-left)} ago and still there (Cassandra removes a snapshot once its TTL runs out)`;
    return [{ state: policy.expired.state, text }];
  }
  return [
    { state: OK, text: left >= 0 ? `expires in ${formatDuration(left)}` : `expired ${formatDuration(-left)} ago` },
  ];
}

function snapshotMetrics(s: Snapshot, age: number | undefined): NonNullable<PartialResult['metrics']> {
  const gauge = (name: string, help: string, value: number) => ({ name, help, type: 'gauge' as const, value });
  return [
    gauge(
      'cassandra_snapshot_true_size_bytes',
      'Bytes of the snapshot that no live SSTable shares: what clearing it would free.',
      s.trueSizeBytes,
    ),
    gauge(
      'cassandra_snapshot_size_on_disk_bytes',
      'Bytes of every file of the snapshot, shared with live SSTables or not.',
      s.sizeOnDiskBytes,
    ),
    gauge('cassandra_snapshot_tables', 'Tables in the snapshot.', s.tables.length),
    ...(age === undefined
      ? []
      : [gauge('cassandra_snapshot_age_seconds', 'Seconds since the snapshot was taken.', age)]),
    ...(s.expiresMs === undefined
      ? []
      : [
          gauge(
            'cassandra_snapshot_expires_timestamp_seconds',
            'When Cassandra is to remove the snapshot (its TTL), Unix time.',
            Math.round(s.expiresMs / 1000),
          ),
        ]),
  ];
}

const ageSeconds = (s: Snapshot, nowMs: number): number => Math.max(0, (nowMs - (s.createdMs as number)) / 1000);

function isExpired(s: Snapshot, policy: SnapshotPolicy, nowMs: number): boolean {
  return s.expiresMs !== undefined && nowMs - s.expiresMs > policy.expired.graceSeconds * 1000;
}

function matches(pattern: string, tag: string): boolean {
  return pattern.endsWith('*') ? tag.startsWith(pattern.slice(0, -1)) : tag === pattern;
}
