// Cassandra knowledge over CQL: the cluster audit's facts. A contact node (the first of those
// given that answers) reports the ring (ring.ts); every member is then asked on its own native
// port, over a session of its own (the contact over the one that read the ring), for its backup
// flag and host id: all at once up to --parallel, each within --node-timeout and all within -t.
// The same facts as over Jolokia, for the same judge (checks/cluster-audit.ts).

import { CqlError } from '../../cql/errors.js';
import { openSession, type CqlEndpoint, type CqlLimits } from '../../cql/session.js';
import { CheckError } from '../../runtime/errors.js';
import type { Reading } from '../../runtime/result.js';
import {
  askEveryMember,
  nodeDeadline,
  placeByHostId,
  scopedTargets,
  type ClusterFacts,
  type ClusterRequest,
  type MemberAnswer,
  type Target,
} from '../cluster.js';
import { SETTING } from '../config-file.js';
import { booleanSetting, observed, readSettings, releaseText, select, withNode, type CqlNode } from './node.js';
import { readCqlRing, type CqlRingMember } from './ring.js';

/** The contact nodes, in turn; every member is reached with the first one's credentials and TLS. */
export async function readCluster(
  contacts: readonly CqlEndpoint[],
  request: ClusterRequest,
  limits: CqlLimits,
): Promise<ClusterFacts> {
  const started = process.hrtime.bigint();
  const ring = await askContacts(contacts, request, limits);
  try {
    const first = contacts[0] as CqlEndpoint;
    const targets = scopedTargets(request, ring.members).map((t): Target => {
      const { host, port } = memberEndpoint(t, first);
      return { ...t, url: `${host.includes(':') ? `[${host}]` : host}:${port}` };
    });
    const answers = await askEveryMember(targets, request.parallel, (target) => {
      const endpoint = memberEndpoint(target, first);
      // The contact is a member too: asked over the session that read the ring, one login fewer.
      const contact = ring.node;
      if (contact !== undefined && contact.endpoint.host === endpoint.host && contact.endpoint.port === endpoint.port)
        return askMember(() => memberFacts(contact));
      const memberLimits = { ...limits, deadline: nodeDeadline(limits, request.nodeTimeoutSeconds) };
      return askMember(() => withNode(endpoint, memberLimits, memberFacts));
    });
    const placed = placeByHostId(targets, answers, ring.members ?? []);
    return {
      contact: ring.node === undefined ? undefined : `${ring.node.endpoint.host}:${ring.node.endpoint.port}`,
      contactFailures: ring.failures,
      ringKnown: ring.members !== undefined,
      members: placed.map((target, i) => ({ target, answer: answers[i] as Reading<MemberAnswer> })),
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } finally {
    ring.node?.session.close();
  }
}

/** Where a member is asked: its native address and port as the ring reports them, with the first contact's credentials and TLS. */
function memberEndpoint(target: Pick<Target, 'name' | 'member'>, first: CqlEndpoint): CqlEndpoint {
  const member = target.member as CqlRingMember | undefined;
  return {
    ...first,
    host: member?.nativeHost ?? member?.address ?? target.name,
    port: member?.nativePort ?? first.port,
  };
}

/** The first contact that reports the ring, with its session still open (the caller closes it). */
async function askContacts(
  contacts: readonly CqlEndpoint[],
  request: ClusterRequest,
  limits: CqlLimits,
): Promise<{ members: CqlRingMember[] | undefined; node: CqlNode | undefined; failures: string[] }> {
  const failures: string[] = [];
  for (const contact of contacts) {
    let node: CqlNode | undefined;
    try {
      const contactLimits = { ...limits, deadline: nodeDeadline(limits, request.nodeTimeoutSeconds) };
      node = { session: await openSession(contact, contactLimits), endpoint: contact };
      return { members: await readCqlRing(node), node, failures };
    } catch (error) {
      node?.session.close();
      if (!(error instanceof CqlError) || limits.signal?.aborted === true) throw error;
      failures.push(error.message);
    }
  }
  if (request.nodes.length === 0)
    throw new CheckError(
      failures.length === 1 ? (failures[0] as string) : `No contact node answered: ${failures.join('; ')}`,
    );
  return { members: undefined, node: undefined, failures };
}

/** One member's answer, or why it gave none; never throws for the member's sake. */
async function askMember(ask: () => Promise<MemberAnswer>): Promise<Reading<MemberAnswer>> {
  try {
    return { found: await ask() };
  } catch (error) {
    if (!(error instanceof CqlError)) throw error;
    return memberFailure(error);
  }
}

/** A member's backup flag, host id and release, from its own tables. */
async function memberFacts(node: CqlNode): Promise<MemberAnswer> {
  const local = select(node, 'system.local', 'SELECT host_id, release_version FROM system.local', {});
  const release = observed(local.then(([row]) => releaseText(row?.release_version)));
  const [[row], settings] = await Promise.all([local, readSettings(node, [SETTING], release)]);
  return {
    status: 'answered',
    enabled: booleanSetting(settings, SETTING, node.session.where),
    hostId: typeof row?.host_id === 'string' ? row.host_id : undefined,
    releaseVersion: releaseText(row?.release_version),
  };
}

/** Why a member did not answer, in the audit's words. */
function memberFailure(error: CqlError): Reading<MemberAnswer> {
  const reason = error.message;
  switch (error.kind) {
    case 'connection':
    case 'timeout':
      return { found: { status: 'unreachable', reason } };
    case 'login-required':
    case 'login-refused':
    case 'permission':
    case 'trust':
    case 'tls-files':
      return { found: { status: 'refused', reason } };
    case 'not-cql':
      return { found: { status: 'not-cassandra', reason } };
    default:
      return { unreadable: reason };
  }
}
