// Check (evaluation): the cluster audit — the cluster-wide loop of the nodetool statusbackup
// documentation (`nodetool status`, then `nodetool statusbackup` on every node) judged as one
// check. What each member answered (or why it did not) becomes a verdict about that member; the
// counts are judged against the thresholds, and each member takes the state its category earned.
// Pure: the facts come from cassandra/cluster.ts.

import type { ClusterFacts, MemberAnswer, Target } from '../cassandra/cluster.js';
import { nodetoolStatusWord } from '../cassandra/mbeans.js';
import type { RingMember } from '../cassandra/ring.js';
import type { Perfdata } from '../runtime/perfdata.js';
import { roundSeconds, type Metric, type PartialResult, type Reading, type Report } from '../runtime/result.js';
import { OK, UNKNOWN, WARNING, worst, type State } from '../runtime/state.js';
import { thresholdState, type Thresholds } from '../runtime/thresholds.js';
import type { BackupExpectation, BackupWanted } from './backup-expectation.js';
import { BACKUP_ENABLED, sample } from './metrics.js';

/** How a member stands: its backup flag as nodetool prints it, or why it could not be asked. */
export type MemberStatus =
  | 'running'
  | 'not running'
  | 'unreachable'
  | 'refused'
  | 'not-cassandra'
  | 'wrong-node'
  | 'unknown';

export interface AuditPolicy {
  /** What the members should do (--expect-backup) and how loud a difference is (--backup-state). */
  readonly backup: BackupExpectation;
  /** The backup state each data center should have (--expect-dc); the rest: `backup.expect`. */
  readonly expectByDatacenter: ReadonlyMap<string, BackupWanted>;
  /** On the number of members whose backup is off where it should be on. */
  readonly disabled: Thresholds;
  /** On the number of members that did not answer. */
  readonly unreachable: Thresholds;
}

interface Finding {
  readonly target: Target;
  readonly status: MemberStatus;
  /** Why it is in that status, in a few words (the agent's or the transport's sentence). */
  readonly reason: string | undefined;
  readonly expected: BackupWanted;
  readonly hostId: string | undefined;
  readonly releaseVersion: string | undefined;
}

export interface Counts {
  readonly members: number;
  readonly enabled: number;
  /** Members whose backup is off where it should be on: what the disabled thresholds judge. */
  readonly disabledUnexpectedly: number;
  readonly disabledAsExpected: number;
  readonly unreachable: number;
  readonly unknown: number;
}

export function classify(target: Target, reading: Reading<MemberAnswer>, policy: AuditPolicy): Finding {
  const datacenter = target.member?.datacenter;
  const expected =
    (datacenter === undefined ? undefined : policy.expectByDatacenter.get(datacenter)) ?? policy.backup.expect;
  const base = { target, expected, hostId: undefined, releaseVersion: undefined };
  if ('unreadable' in reading) return { ...base, status: 'unknown', reason: reading.unreadable };
  const answer = reading.found;
  if (answer.status !== 'answered') return { ...base, status: answer.status, reason: answer.reason };
  const found = { ...base, hostId: answer.hostId, releaseVersion: answer.releaseVersion };
  const ringHostId = target.member?.hostId;
  if (ringHostId !== undefined && answer.hostId !== undefined && ringHostId !== answer.hostId) {
    return {
      ...found,
      status: 'wrong-node',
      reason: `the agent at ${target.url} answers for host ${answer.hostId}, not ${ringHostId}: check --node-url or the override file`,
    };
  }
  return { ...found, status: nodetoolStatusWord(answer.enabled) as MemberStatus, reason: undefined };
}

export function count(findings: readonly Finding[]): Counts {
  const of = (...statuses: MemberStatus[]): number => findings.filter((f) => statuses.includes(f.status)).length;
  const disabled = (expected: BackupWanted): number =>
    findings.filter((f) => f.status === 'not running' && f.expected === expected).length;
  return {
    members: findings.length,
    enabled: of('running'),
    disabledUnexpectedly: disabled('enabled'),
    disabledAsExpected: disabled('disabled'),
    unreachable: of('unreachable'),
    unknown: of('refused', 'not-cassandra', 'wrong-node', 'unknown'),
  };
}

/** `dc1/rack2`, as the long output shows where a member is. */
function place(member: RingMember | undefined): string {
  return `${member?.datacenter ?? '?'}/${member?.rack ?? '?'}`;
}

const FAILURE_WORDS: Readonly<Record<string, string>> = {
  'not-cassandra': 'not a Cassandra node',
  refused: 'refused',
  'wrong-node': 'another node answers',
};

/** A member's state and line from its status alone. */
function judgeMember(finding: Finding, counts: Counts, policy: AuditPolicy): { state: State; line: string } {
  const { status, expected, reason, target } = finding;
  const where = place(target.member);
  if (status === 'running') {
    return expected === 'disabled'
      ? { state: policy.backup.enabledState, line: `backup enabled in ${where} (expected disabled)` }
      : { state: OK, line: `backup enabled in ${where}` };
  }
  if (status === 'not running') {
    if (expected === 'disabled') return { state: OK, line: `backup disabled in ${where}, as expected` };
    // The warning range says from how many on a disabled member is an alarm, --backup-state how loud.
    const byCount = thresholdState(counts.disabledUnexpectedly, policy.disabled);
    return { state: byCount === WARNING ? policy.backup.disabledState : byCount, line: `backup disabled in ${where}` };
  }
  if (status === 'unreachable') {
    const gossip =
      target.member?.gossip === 'down'
        ? ' (gossip says down)'
        : target.member?.gossip === 'up'
          ? ' (gossip still says up)'
          : '';
    return {
      state: thresholdState(counts.unreachable, policy.unreachable),
      line: `unreachable in ${where}${gossip}: ${reason ?? ''}`,
    };
  }
  return { state: UNKNOWN, line: `${FAILURE_WORDS[status] ?? 'could not find out'} in ${where}: ${reason ?? ''}` };
}

function verdict(finding: Finding, counts: Counts, policy: AuditPolicy, ringKnown: boolean): PartialResult {
  const { target, status } = finding;
  const member = target.member;
  let { state, line } = judgeMember(finding, counts, policy);
  if (ringKnown && member === undefined) {
    state = worst([state, WARNING]);
    line = `not in the ring; ${line}`;
  }
  const enabled = status === 'running' ? true : status === 'not running' ? false : undefined;
  return {
    subject: {
      name: target.name,
      labels: { node: member?.address ?? target.name, dc: member?.datacenter ?? '', rack: member?.rack ?? '' },
    },
    state,
    line,
    facts: {
      address: member?.address ?? null,
      host_id: finding.hostId ?? member?.hostId ?? null,
      backup_enabled: enabled ?? null,
      status,
      gossip: member?.gossip ?? null,
      expected: finding.expected,
      release_version: finding.releaseVersion ?? member?.releaseVersion ?? null,
      reason: finding.reason ?? null,
      url: target.url,
    },
    metrics: enabled === undefined ? [] : [sample(BACKUP_ENABLED, enabled ? 1 : 0)],
  };
}

/** The whole audit as a report: one subject per member, the counts as perfdata and metrics. */
export function judgeCluster(facts: ClusterFacts, policy: AuditPolicy): Report {
  const findings = facts.members.map(({ target, answer }) => classify(target, answer, policy));
  const counts = count(findings);
  const results = findings.map((f) => verdict(f, counts, policy, facts.ringKnown));
  const okParts = [
    `${counts.enabled} enabled`,
    ...(counts.disabledAsExpected > 0 ? [`${counts.disabledAsExpected} disabled as expected`] : []),
  ];
  return {
    results: [],
    subjects: {
      kind: 'node',
      plural: 'nodes',
      results,
      okSummary: `${counts.members} ${counts.members === 1 ? 'member' : 'members'}: ${okParts.join(', ')}`,
    },
    perfdata: clusterPerfdata(counts, policy, facts.seconds),
    details: [
      `ring from ${facts.contact ?? '(no contact node answered: the nodes given with --node)'}`,
      ...facts.contactFailures.map((f) => `contact not used: ${f}`),
    ],
    facts: {
      contact: facts.contact ?? null,
      members: counts.members,
      enabled: counts.enabled,
      disabled: counts.disabledUnexpectedly,
      unreachable: counts.unreachable,
      unknown: counts.unknown,
    },
    metrics: clusterMetrics(counts, facts.seconds),
  };
}

function clusterPerfdata(counts: Counts, policy: AuditPolicy, seconds: number): Perfdata[] {
  return [
    { label: 'members', value: counts.members, min: 0 },
    { label: 'enabled', value: counts.enabled, min: 0, max: counts.members },
    {
      label: 'disabled',
      value: counts.disabledUnexpectedly,
      warning: policy.disabled.warning,
      critical: policy.disabled.critical,
      min: 0,
      max: counts.members,
    },
    {
      label: 'unreachable',
      value: counts.unreachable,
      warning: policy.unreachable.warning,
      critical: policy.unreachable.critical,
      min: 0,
      max: counts.members,
    },
    { label: 'time', value: roundSeconds(seconds), unit: 's', min: 0 },
  ];
}

function clusterMetrics(counts: Counts, seconds: number): Metric[] {
  const gauge = (name: string, help: string, value: number): Metric => ({ name, help, type: 'gauge', value });
  return [
    gauge('cassandra_cluster_backup_members', 'Members of the ring audited.', counts.members),
    gauge(
      'cassandra_cluster_backup_enabled_members',
      'Audited members with incremental backup enabled.',
      counts.enabled,
    ),
    gauge(
      'cassandra_cluster_backup_disabled_members',
      'Audited members with incremental backup disabled where it should be enabled.',
      counts.disabledUnexpectedly,
    ),
    gauge(
      'cassandra_cluster_backup_unreachable_members',
      'Audited members whose Jolokia agent did not answer.',
      counts.unreachable,
    ),
    gauge(
      'cassandra_cluster_backup_duration_seconds',
      'Time the audit took, the ring and every member included.',
      roundSeconds(seconds),
    ),
  ];
}
