// Cassandra knowledge (acquisition): the cluster audit's facts. A contact node (the first of those
// given that answers) reports the ring; every member's own agent is then asked for its backup
// flag and host id, all at once up to --parallel, each within --node-timeout and all within -t.
// Nothing is judged here: checks/cluster-audit.ts does.

import {
  JolokiaAgentError,
  JolokiaConnectionError,
  JolokiaError,
  JolokiaHttpError,
  JolokiaTimeoutError,
} from '../jolokia/errors.js';
import type { CallLimits } from '../jolokia/transport.js';
import type { ReadRequest } from '../jolokia/types.js';
import { CheckError } from '../runtime/errors.js';
import { mapConcurrently } from '../runtime/parallel.js';
import type { Reading } from '../runtime/result.js';
import { STORAGE_SERVICE, StorageServiceAttribute as A } from './mbeans.js';
import { readRing, type RingMember } from './ring.js';
import type { AgentClient } from './source.js';
import { readReleaseVersion, withCassandraHint } from './storage-service.js';

export interface ClusterRequest {
  /** Nodes to audit instead of the ring's members (--node). */
  readonly nodes: readonly string[];
  /** `https://{host}:8778/jolokia`: where a member's agent is (--node-url). */
  readonly nodeUrl: string | undefined;
  /** Agents that are elsewhere, by address or node name (--node-url-file). */
  readonly overrides: ReadonlyMap<string, string>;
  /** Audit only the members of these data centers (--dc). */
  readonly datacenters: readonly string[];
  readonly parallel: number;
  readonly nodeTimeoutSeconds: number;
}

/** How the audit reaches the agents: the contact nodes in turn, and any member's by its URL. */
export interface ClusterAccess {
  readonly contacts: readonly { readonly url: string; readonly client: AgentClient }[];
  /** A client for the agent at this URL, with the contacts' credentials and TLS settings. */
  readonly member: (url: string) => AgentClient;
  readonly limits: CallLimits;
  /** A contact's failure in words, with what the operator can change. */
  readonly explain: (error: JolokiaError) => string;
}

/** One member to audit: a ring member, a node named with --node, or both. */
export interface Target {
  /** How lines name it: its address, or the name given with --node. */
  readonly name: string;
  /** The ring's view of it; absent for a --node that the ring does not hold (or with no ring). */
  readonly member: RingMember | undefined;
  /** Where its agent was asked. */
  readonly url: string;
}

/** What a member's agent answered, or how it failed to; could not find out at all: the Reading's `unreadable`. */
export type MemberAnswer =
  | {
      readonly status: 'answered';
      readonly enabled: boolean;
      readonly hostId: string | undefined;
      readonly releaseVersion: string | undefined;
    }
  | { readonly status: 'unreachable' | 'refused' | 'not-cassandra'; readonly reason: string };

export interface ClusterFacts {
  /** The contact whose ring was used; undefined when none answered (only --node is audited). */
  readonly contact: string | undefined;
  /** Why each contact tried before it could not be used. */
  readonly contactFailures: readonly string[];
  readonly ringKnown: boolean;
  readonly members: readonly { readonly target: Target; readonly answer: Reading<MemberAnswer> }[];
  /** Time the audit took, the ring and every member included. */
  readonly seconds: number;
}

/** A ring of thousands is a large answer (a few hundred bytes of gossip state per member). */
const RING_MAX_BYTES = 64 * 1024 * 1024;

export async function readCluster(access: ClusterAccess, request: ClusterRequest): Promise<ClusterFacts> {
  const started = process.hrtime.bigint();
  const ring = await askContacts(access, request);
  const targets = chooseTargets(request, ring, access.contacts[0]?.url as string);
  const answers = await askEveryMember(targets, request.parallel, (target) =>
    askMember(access, target, request.nodeTimeoutSeconds),
  );
  const placed = placeByHostId(targets, answers, ring.members ?? []);
  return {
    contact: ring.answered,
    contactFailures: ring.failures,
    ringKnown: ring.members !== undefined,
    members: placed.map((target, i) => ({ target, answer: answers[i] as Reading<MemberAnswer> })),
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

interface RingAnswer {
  readonly members: readonly RingMember[] | undefined;
  /** The URL of the contact that answered. */
  readonly answered: string | undefined;
  readonly failures: readonly string[];
}

/** The ring from the first contact that answers; with --node, the audit goes on without one. */
async function askContacts(access: ClusterAccess, request: ClusterRequest): Promise<RingAnswer> {
  const failures: string[] = [];
  for (const contact of access.contacts) {
    try {
      const limits = {
        ...access.limits,
        deadline: nodeDeadline(access.limits, request.nodeTimeoutSeconds),
        maxResponseBytes: RING_MAX_BYTES,
      };
      return { members: await readRing({ client: contact.client, limits }), answered: contact.url, failures };
    } catch (error) {
      if (!(error instanceof JolokiaError) || access.limits.signal?.aborted === true) throw error;
      failures.push(access.explain(error));
    }
  }
  if (request.nodes.length === 0)
    throw new CheckError(
      failures.length === 1 ? (failures[0] as string) : `No contact node answered: ${failures.join('; ')}`,
    );
  return { members: undefined, answered: undefined, failures };
}

/** The members to audit, each with the URL of its agent. */
function chooseTargets(request: ClusterRequest, ring: RingAnswer, firstContact: string): Target[] {
  const base = new URL(ring.answered ?? firstContact);
  return scopedTargets(request, ring.members).map((t) => ({
    ...t,
    url: agentUrl(t.name, t.member?.address, request, base),
  }));
}

/** The members to audit, however they are reached: --node's, else the ring's, within --dc. */
export function scopedTargets(
  request: Pick<ClusterRequest, 'nodes' | 'datacenters'>,
  members: readonly RingMember[] | undefined,
): { name: string; member: RingMember | undefined }[] {
  const inScope = (member: RingMember | undefined): boolean =>
    request.datacenters.length === 0 ||
    (member?.datacenter !== undefined && request.datacenters.includes(member.datacenter));
  const targets =
    request.nodes.length > 0
      ? request.nodes
          .map((name) => ({ name, member: members?.find((m) => m.address === name) }))
          .filter((t) => t.member === undefined || inScope(t.member))
      : (members ?? []).filter(inScope).map((member) => ({ name: member.address, member }));
  if (targets.length === 0) {
    const known = [...new Set((members ?? []).map((m) => m.datacenter ?? '?'))].join(', ');
    throw new CheckError(`No member of the ring is in ${request.datacenters.join(' or ')} (the ring has ${known})`);
  }
  return targets;
}

/** Where a member's agent listens: the override file, the template, or the contact's URL with its address. */
function agentUrl(name: string, address: string | undefined, request: ClusterRequest, base: URL): string {
  const override = request.overrides.get(name) ?? (address === undefined ? undefined : request.overrides.get(address));
  if (override !== undefined) return override;
  const host = address ?? name;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  if (request.nodeUrl !== undefined) return request.nodeUrl.replaceAll('{host}', bracketed);
  const url = new URL(base.href);
  url.hostname = bracketed;
  return url.href;
}

/**
 * Every member's answer, in the targets' order, up to `parallel` at once. Members gossip calls
 * down are asked first: if they do not answer, their wait overlaps the rest.
 */
export async function askEveryMember(
  targets: readonly Target[],
  parallel: number,
  ask: (target: Target) => Promise<Reading<MemberAnswer>>,
): Promise<Reading<MemberAnswer>[]> {
  const down = (i: number): number => Number(targets[i]?.member?.gossip === 'down');
  const order = [...targets.keys()].sort((a, b) => down(b) - down(a));
  const answers = await mapConcurrently(order, parallel, (i) => ask(targets[i] as Target));
  const inOrder: Reading<MemberAnswer>[] = [];
  for (const [k, target] of order.entries()) inOrder[target] = answers[k] as Reading<MemberAnswer>;
  return inOrder;
}

/** A node given by name (--node) is placed in the ring by the host id its agent answers with. */
export function placeByHostId(
  targets: readonly Target[],
  answers: readonly Reading<MemberAnswer>[],
  members: readonly RingMember[],
): Target[] {
  const byHostId = new Map(members.filter((m) => m.hostId !== undefined).map((m) => [m.hostId, m]));
  return targets.map((target, i) => {
    const answer = answers[i];
    const hostId =
      answer !== undefined && 'found' in answer && answer.found.status === 'answered' ? answer.found.hostId : undefined;
    return target.member === undefined && hostId !== undefined ? { ...target, member: byHostId.get(hostId) } : target;
  });
}

const read = (attribute: string): ReadRequest => ({ type: 'read', mbean: STORAGE_SERVICE, attribute });

/** One member's backup flag, and the host id its agent answers for; never throws for the member's sake. */
async function askMember(
  access: ClusterAccess,
  target: Target,
  timeoutSeconds: number,
): Promise<Reading<MemberAnswer>> {
  try {
    const client = access.member(target.url);
    const limits = { ...access.limits, deadline: nodeDeadline(access.limits, timeoutSeconds) };
    const [backup, hostId, release] = await client.bulk(
      [read(A.incrementalBackupsEnabled), read(A.localHostId), read(A.releaseVersion)] as const,
      limits,
    );
    const enabled = withCassandraHint(() => backup.boolean());
    return {
      found: {
        status: 'answered',
        enabled,
        hostId: hostId.optional((a) => a.string()),
        releaseVersion: readReleaseVersion(release),
      },
    };
  } catch (error) {
    if (!(error instanceof CheckError)) throw error;
    return memberFailure(error);
  }
}

/** Why a member did not answer, in the audit's words: the transport, the credentials, or not Cassandra. */
export function memberFailure(error: CheckError): Reading<MemberAnswer> {
  const reason = error.message;
  if (error instanceof JolokiaConnectionError || error instanceof JolokiaTimeoutError)
    return { found: { status: 'unreachable', reason } };
  if (error instanceof JolokiaHttpError && (error.status === 401 || error.status === 403))
    return { found: { status: 'refused', reason } };
  if (error instanceof JolokiaAgentError && error.status === 404) return { found: { status: 'not-cassandra', reason } };
  return { unreadable: reason };
}

export function nodeDeadline(limits: Pick<CallLimits, 'deadline'>, timeoutSeconds: number): number {
  return Math.min(limits.deadline, Date.now() + timeoutSeconds * 1000);
}
