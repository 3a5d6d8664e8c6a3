// Check (evaluation): the seed's cluster audit. What each member's agent answered (or why it did
// not) becomes a verdict about that member; the counts are judged against the thresholds, and each
// member takes the state its category earned. Pure values in, a Report out: asking the members is
// checks/cluster-backup.ts's job.

import type { RingMember } from '../cassandra/ring.js';
import { JolokiaAgentError, JolokiaConnectionError, JolokiaHttpError, JolokiaTimeoutError } from '../jolokia/errors.js';
import type { Perfdata } from '../runtime/perfdata.js';
import type { Range } from '../runtime/range.js';
import type { Metric, PartialResult, Report } from '../runtime/result.js';
import { CRITICAL, OK, UNKNOWN, WARNING, type State } from '../runtime/state.js';

/** One member to audit: a ring member, a node named with --node, or both. */
export interface Target {
  /** How lines name it: its address, or the name given with --node. */
  readonly name: string;
  /** The ring's view of it; absent for a --node that the ring does not hold (or with no ring). */
  readonly member: RingMember | undefined;
  /** Where its agent was asked. */
  readonly url: string;
}

/** What its agent answered, or why it did not. */
export type Outcome =
  | { readonly answered: true; readonly enabled: boolean; readonly hostId: string | undefined; readonly releaseVersion: string | undefined }
  | { readonly answered: false; readonly error: unknown };

export type NodeStatus = 'enabled' | 'disabled' | 'unreachable' | 'refused' | 'not-cassandra' | 'wrong-node' | 'unknown';

export interface AuditPolicy {
  /** The backup state each data center should have; the rest: `expect`. */
  readonly expectByDatacenter: ReadonlyMap<string, 'enabled' | 'disabled'>;
  readonly expect: 'enabled' | 'disabled';
  /** State of a member whose backup is on where it should be off. */
  readonly enabledState: State;
  /** On the number of members whose backup is off where it should be on. */
  readonly warningDisabled: Range | undefined;
  readonly criticalDisabled: Range | undefined;
  /** On the number of members that did not answer. */
  readonly warningUnreachable: Range | undefined;
  readonly criticalUnreachable: Range | undefined;
  /** With an explicit list: a listed node the ring does not hold is worth a WARNING. */
  readonly ringKnown: boolean;
}

interface Finding {
  readonly target: Target;
  readonly status: NodeStatus;
  /** Why it is in that status, in a few words (the agent's or the transport's sentence). */
  readonly reason: string | undefined;
  readonly expected: 'enabled' | 'disabled';
  readonly hostId: string | undefined;
  readonly releaseVersion: string | undefined;
}

export interface Counts {
  readonly members: number;
  readonly enabled: number;
  readonly disabled: number;
  /** Members whose backup is off where it should be on: what the disabled thresholds judge. */
  readonly missing: number;
  readonly unreachable: number;
  readonly unknown: number;
}

export function classify(target: Target, outcome: Outcome, policy: AuditPolicy): Finding {
  const datacenter = target.member?.datacenter;
  const expected = (datacenter === undefined ? undefined : policy.expectByDatacenter.get(datacenter)) ?? policy.expect;
  const base = { target, expected, hostId: undefined, releaseVersion: undefined };
  if (!outcome.answered) {
    const { error } = outcome;
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof JolokiaConnectionError || error instanceof JolokiaTimeoutError) return { ...base, status: 'unreachable', reason };
    if (error instanceof JolokiaHttpError && (error.status === 401 || error.status === 403)) return { ...base, status: 'refused', reason };
    if (error instanceof JolokiaAgentError && error.status === 404) return { ...base, status: 'not-cassandra', reason };
    return { ...base, status: 'unknown', reason };
  }
  const found = { ...base, hostId: outcome.hostId, releaseVersion: outcome.releaseVersion };
  const ringHostId = target.member?.hostId;
  if (ringHostId !== undefined && outcome.hostId !== undefined && ringHostId !== outcome.hostId) {
    return { ...found, status: 'wrong-node', reason: `the agent at ${target.url} answers for host ${outcome.hostId}, not ${ringHostId}: check --node-url or the override file` };
  }
  return { ...found, status: outcome.enabled ? 'enabled' : 'disabled', reason: undefined };
}

export function count(findings: readonly Finding[]): Counts {
  const of = (...statuses: NodeStatus[]): number => findings.filter((f) => statuses.includes(f.status)).length;
  return {
    members: findings.length,
    enabled: of('enabled'),
    disabled: of('disabled'),
    missing: findings.filter((f) => f.status === 'disabled' && f.expected === 'enabled').length,
    unreachable: of('unreachable'),
    unknown: of('refused', 'not-cassandra', 'wrong-node', 'unknown'),
  };
}

/** The state a count earns: CRITICAL outside its critical range, WARNING outside its warning range. */
function byRanges(value: number, warning: Range | undefined, critical: Range | undefined): State {
  if (critical?.accepts(value) === false) return CRITICAL;
  if (warning?.accepts(value) === false) return WARNING;
  return OK;
}

/** `dc1/rack2`, as the long output shows where a member is. */
function place(member: RingMember | undefined): string {
  return `${member?.datacenter ?? '?'}/${member?.rack ?? '?'}`;
}

function verdict(finding: Finding, counts: Counts, policy: AuditPolicy): PartialResult {
  const { target, status, expected, reason } = finding;
  const member = target.member;
  const where = place(member);
  const notInRing = policy.ringKnown && member === undefined;
  let state: State;
  let line: string;
  switch (status) {
    case 'enabled':
      state = expected === 'disabled' ? policy.enabledState : OK;
      line = expected === 'disabled' ? `backup enabled in ${where} (expected disabled)` : `backup enabled in ${where}`;
      break;
    case 'disabled':
      state = expected === 'enabled' ? byRanges(counts.missing, policy.warningDisabled, policy.criticalDisabled) : OK;
      line = expected === 'enabled' ? `backup disabled in ${where}` : `backup disabled in ${where}, as expected`;
      break;
    case 'unreachable':
      state = byRanges(counts.unreachable, policy.warningUnreachable, policy.criticalUnreachable);
      line = `unreachable in ${where}${member?.gossip === 'down' ? ' (gossip says down)' : member?.gossip === 'up' ? ' (gossip still says up)' : ''}: ${reason ?? ''}`;
      break;
    default:
      state = UNKNOWN;
      line = `${status === 'not-cassandra' ? 'not a Cassandra node' : status === 'refused' ? 'refused' : status === 'wrong-node' ? 'another node answers' : 'could not find out'} in ${where}: ${reason ?? ''}`;
  }
  if (notInRing) {
    state = worse(state, WARNING);
    line = `not in the ring; ${line}`;
  }
  const enabled = status === 'enabled' ? 1 : status === 'disabled' ? 0 : undefined;
  return {
    subject: { name: target.name, labels: { node: member?.address ?? target.name, dc: member?.datacenter ?? '', rack: member?.rack ?? '' } },
    state,
    line,
    facts: {
      address: member?.address ?? null,
      host_id: finding.hostId ?? member?.hostId ?? null,
      status,
      gossip: member?.gossip ?? null,
      expected,
      release_version: finding.releaseVersion ?? member?.releaseVersion ?? null,
      reason: reason ?? null,
      url: target.url,
    },
    metrics:
      enabled === undefined
        ? []
        : [{ name: 'cassandra_incremental_backup_enabled', help: 'Whether incremental backup is enabled on the node (1) or not (0), as nodetool statusbackup reports it.', type: 'gauge', value: enabled }],
  };
}

function worse(a: State, b: State): State {
  return a.rank >= b.rank ? a : b;
}

export interface Audit {
  readonly findings: readonly Finding[];
  readonly counts: Counts;
  readonly report: Report;
}

/** The whole audit as a report: one subject per member, the counts as perfdata and metrics. */
export function audit(targets: readonly Target[], outcomes: readonly Outcome[], policy: AuditPolicy, context: { contact: string | undefined; seconds: number }): Audit {
  const findings = targets.map((target, i) => classify(target, outcomes[i] as Outcome, policy));
  const counts = count(findings);
  const results = findings.map((f) => verdict(f, counts, policy));
  const okParts = [`${counts.enabled} enabled`];
  const asExpected = findings.filter((f) => f.status === 'disabled' && f.expected === 'disabled').length;
  if (asExpected > 0) okParts.push(`${asExpected} disabled as expected`);
  const perfdata: Perfdata[] = [
    { label: 'members', value: counts.members, min: 0 },
    { label: 'enabled', value: counts.enabled, min: 0, max: counts.members },
    { label: 'disabled', value: counts.missing, warning: policy.warningDisabled, critical: policy.criticalDisabled, min: 0, max: counts.members },
    { label: 'unreachable', value: counts.unreachable, warning: policy.warningUnreachable, critical: policy.criticalUnreachable, min: 0, max: counts.members },
    { label: 'time', value: Math.round(context.seconds * 1e6) / 1e6, unit: 's', min: 0 },
  ];
  const gauge = (name: string, help: string, value: number): Metric => ({ name, help, type: 'gauge', value });
  const metrics = [
    gauge('cassandra_cluster_backup_members', 'Members of the ring audited.', counts.members),
    gauge('cassandra_cluster_backup_enabled_members', 'Audited members with incremental backup enabled.', counts.enabled),
    gauge('cassandra_cluster_backup_disabled_members', 'Audited members with incremental backup disabled where it should be enabled.', counts.missing),
    gauge('cassandra_cluster_backup_unreachable_members', 'Audited members whose Jolokia agent did not answer.', counts.unreachable),
    gauge('cassandra_cluster_backup_duration_seconds', 'Time the audit took, the ring and every member included.', Math.round(context.seconds * 1e6) / 1e6),
  ];
  return {
    findings,
    counts,
    report: {
      results: [],
      subjects: { kind: 'node', plural: 'nodes', results, okSummary: `${counts.members} ${counts.members === 1 ? 'member' : 'members'}: ${okParts.join(', ')}` },
      perfdata,
      details: [`ring from ${context.contact ?? '(no contact node answered: the nodes given with --node)'}`],
      facts: {
        contact: context.contact ?? null,
        members: counts.members,
        enabled: counts.enabled,
        disabled: counts.missing,
        unreachable: counts.unreachable,
        unknown: counts.unknown,
      },
      metrics,
    },
  };
}
