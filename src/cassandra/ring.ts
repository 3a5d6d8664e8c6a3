// Cassandra knowledge: who is in the cluster, as one node sees it, read over Jolokia in one bulk
// request. What `nodetool status` shows, from the same sources:
//
//   StorageService EndpointWithPortToHostId   token metadata: who should exist (4.0+; EndpointToHostId before)
//   StorageService LiveNodesWithPort          gossip: who is up (LiveNodes before 4.0)
//   StorageService UnreachableNodesWithPort   gossip: who is down (UnreachableNodes before 4.0)
//   FailureDetector AllEndpointStatesWithPort each endpoint's gossip state: DC, RACK, HOST_ID, STATUS…
//
// Endpoints are internode (broadcast) addresses, `127.0.0.2:7000` from 4.0 on, `127.0.0.2` before.
// Nothing in gossip says where a node's Jolokia agent listens: see checks/cluster-backup.ts.

import type { Answer } from '../jolokia/answer.js';
import type { ReadRequest } from '../jolokia/types.js';
import { FAILURE_DETECTOR, STORAGE_SERVICE } from './mbeans.js';
import type { JolokiaSource } from './source.js';
import { withCassandraHint } from './storage-service.js';

export interface RingMember {
  /** The broadcast address, without port: `127.0.0.2`, `2001:db8::1`. */
  readonly address: string;
  /** As gossip names it: `127.0.0.2:7000` (4.0+) or `127.0.0.2`. */
  readonly endpoint: string;
  readonly hostId: string | undefined;
  readonly datacenter: string | undefined;
  readonly rack: string | undefined;
  /** Gossip's view: `up` (live), `down` (unreachable), or neither yet. */
  readonly gossip: 'up' | 'down' | 'unknown';
  /** The gossip STATUS without its tokens: NORMAL, JOINING, LEAVING, LEFT, MOVING… */
  readonly status: string | undefined;
  readonly releaseVersion: string | undefined;
}

const read = (mbean: string, attribute: string): ReadRequest => ({ type: 'read', mbean, attribute });

/** The ring as the node behind `client` sees it, from one bulk request (both the 4.0+ and the older attribute names). */
export async function readRing({ client, limits }: JolokiaSource): Promise<RingMember[]> {
  const [hostIds, live, unreachable, oldHostIds, oldLive, oldUnreachable, states, oldStates] = await client.bulk(
    [
      read(STORAGE_SERVICE, 'EndpointWithPortToHostId'),
      read(STORAGE_SERVICE, 'LiveNodesWithPort'),
      read(STORAGE_SERVICE, 'UnreachableNodesWithPort'),
      read(STORAGE_SERVICE, 'EndpointToHostId'),
      read(STORAGE_SERVICE, 'LiveNodes'),
      read(STORAGE_SERVICE, 'UnreachableNodes'),
      read(FAILURE_DETECTOR, 'AllEndpointStatesWithPort'),
      read(FAILURE_DETECTOR, 'AllEndpointStates'),
    ] as const,
    limits,
  );
  // 4.0+ has both spellings; the ones with ports tell two nodes on one address apart.
  const withPort = hostIds.ok;
  const map = withCassandraHint(() => (withPort ? hostIds : oldHostIds).map());
  const up = new Set((withPort ? live : oldLive).strings());
  const down = new Set((withPort ? unreachable : oldUnreachable).strings());
  const gossip = parseEndpointStates(optionalText(withPort ? states : oldStates));
  const endpoints = [...new Set([...Object.keys(map), ...up, ...down])].sort(compareEndpoints);
  return endpoints.map((endpoint) => {
    const state = gossip.get(endpoint) ?? {};
    const hostId = map[endpoint];
    return {
      address: addressOf(endpoint),
      endpoint,
      hostId: typeof hostId === 'string' ? hostId : state['HOST_ID'],
      datacenter: state['DC'],
      rack: state['RACK'],
      gossip: up.has(endpoint) ? 'up' : down.has(endpoint) ? 'down' : 'unknown',
      status: (state['STATUS_WITH_PORT'] ?? state['STATUS'])?.split(',')[0],
      releaseVersion: state['RELEASE_VERSION'],
    };
  });
}

/** The gossip states, when the agent's policy lets us read them: DC and rack are only informative. */
function optionalText(answer: Answer): string {
  return answer.optional((a) => a.string()) ?? '';
}

/**
 * `AllEndpointStatesWithPort` as a map: one block per endpoint, a line `/127.0.0.2:7000` (or
 * `hostname/127.0.0.2:7000`) then indented `KEY:version:value` lines (`generation:` and
 * `heartbeat:` have no version). Values may hold colons (`INTERNAL_ADDRESS_AND_PORT:8:127.0.0.2:7000`).
 */
export function parseEndpointStates(text: string): Map<string, Record<string, string>> {
  const states = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      current = {};
      states.set(line.slice(line.lastIndexOf('/') + 1).trim(), current);
      continue;
    }
    if (current === undefined) continue;
    const [key = '', ...rest] = line.trim().split(':');
    current[key] = key === 'generation' || key === 'heartbeat' ? rest.join(':') : rest.slice(1).join(':');
  }
  return states;
}

/** `127.0.0.2:7000` → `127.0.0.2`; `[2001:db8::1]:7000` → `2001:db8::1`; an address without port as it is. */
export function addressOf(endpoint: string): string {
  if (endpoint.startsWith('[')) return endpoint.slice(1, endpoint.indexOf(']'));
  const colons = endpoint.split(':').length - 1;
  return colons === 1 ? endpoint.slice(0, endpoint.indexOf(':')) : endpoint;
}

/** Endpoints in address order, IPv4 numerically, so 127.0.0.10 comes after 127.0.0.9. */
export function compareEndpoints(a: string, b: string): number {
  const key = (endpoint: string): string =>
    addressOf(endpoint)
      .split('.')
      .map((part) => (/^\d+$/.test(part) ? part.padStart(3, '0') : part))
      .join('.');
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a < b ? -1 : a > b ? 1 : 0;
}
