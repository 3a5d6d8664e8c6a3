// Cassandra knowledge over CQL: the cluster audit's facts. A contact node (the first of those
// given that answers) reports the ring (ring.ts); every member is then asked on its own native
// port, over a session of its own, for its backup flag and host id: all at once up to --parallel,
// each within --node-timeout and all within -t. The same facts as over Jolokia, for the same
// judge (checks/cluster-audit.ts).

import { CqlError } from '../../cql/errors.js';
import type { CqlEndpoint, CqlLimits } from '../../cql/session.js';
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
import { booleanSetting, observed, readSettings, releaseText, select, withNode } from './node.js';
import { readCqlRing, type CqlRingMember } from './ring.js';

/** The contact nodes, in turn; every member is reached with the first one's credentials and TLS. */
export async function readCluster(
  contacts: readonly CqlEndpoint[],
  request: ClusterRequest,
  limits: CqlLimits,
): Promise<ClusterFacts> {
  const started = process.hrtime.bigint();
  const ring = await askContacts(contacts, request, limits);
  const first = contacts[0] as CqlEndpoint;
  const targets = scopedTargets(request, ring.members).map((t): Target => {
    const member = t.member as CqlRingMember | undefined;
    const host = member?.nativeHost ?? member?.address ?? t.name;
    const port = member?.nativePort ?? first.port;
    return { ...t, url: `${host.includes(':') ? `[${host}]` : host}:${port}` };
  });
  const answers = await askEveryMember(targets, request.parallel, (target) => {
    const member = target.member as CqlRingMember | undefined;
    const endpoint = {
      ...first,
      host: member?.nativeHost ?? member?.address ?? target.name,
      port: member?.nativePort ?? first.port,
    };
    return askMember(endpoint, { ...limits, deadline: nodeDeadline(limits, request.nodeTimeoutSeconds) });
  });
  const placed = placeByHostId(targets, answers, ring.members ?? []);
  return {
    contact: ring.answered,
    contactFailures: ring.failures,
    ringKnown: ring.members !== undefined,
    members: placed.map((target, i) => ({ target, answer: answers[i] as Reading<MemberAnswer> })),
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

async function askContacts(
  contacts: readonly CqlEndpoint[],
  request: ClusterRequest,
  limits: CqlLimits,
): Promise<{ members: CqlRingMember[] | undefined; answered: string | undefined; failures: string[] }> {
  const failures: string[] = [];
  for (const contact of contacts) {
    try {
      const contactLimits = { ...limits, deadline: nodeDeadline(limits, request.nodeTimeoutSeconds) };
      const members = await withNode(contact, contactLimits, readCqlRing);
      return { members, answered: `${contact.host}:${contact.port}`, failures };
    } catch (error) {
      if (!(error instanceof CqlError) || limits.signal?.aborted === true) throw error;
      failures.push(error.message);
    }
  }
  if (request.nodes.length === 0)
    throw new CheckError(
      failures.length === 1 ? (failures[0] as string) : `No contact node answered: ${failures.join('; ')}`,
    );
  return { members: undefined, answered: undefined, failures };
}

/** One member's backup flag and host id, over its own session; never throws for the member's sake. */
async function askMember(endpoint: CqlEndpoint, limits: CqlLimits): Promise<Reading<MemberAnswer>> {
  try {
    return await withNode(endpoint, limits, async (node) => {
      const local = select(node, 'system.local', 'SELECT host_id, release_version FROM system.local', {});
      const release = observed(local.then(([row]) => releaseText(row?.release_version)));
      const [[row], settings] = await Promise.all([local, readSettings(node, [SETTING], release)]);
      return {
        found: {
          status: 'answered',
          enabled: booleanSetting(settings, SETTING, node.session.where),
          hostId: typeof row?.host_id === 'string' ? row.host_id : undefined,
          releaseVersion: releaseText(row?.release_version),
        },
      };
    });
  } catch (error) {
    if (!(error instanceof CqlError)) throw error;
    return memberFailure(error);
  }
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
