// Cassandra knowledge over CQL: the ring as a contact node sees it. system.local and
// system.peers_v2 (readable by any role) give each member's broadcast address, host id, data
// center, rack, release, and where it serves CQL; system_views.gossip_info, where the release has
// it, each member's STATUS. Up and down are the failure detector's, which CQL does not show: a
// member that announced its shutdown is down, any other is not known to be up or down.

import { compareEndpoints, type RingMember } from '../ring.js';
import { readGossip, type GossipRow } from './gossip.js';
import { observed, releaseText, select, type CqlNode } from './node.js';

/** A ring member, and where it serves CQL. */
export interface CqlRingMember extends RingMember {
  readonly nativeHost: string | undefined;
  readonly nativePort: number | undefined;
}

export async function readCqlRing(node: CqlNode): Promise<CqlRingMember[]> {
  const local = select(
    node,
    'system.local',
    'SELECT host_id, data_center, rack, release_version, broadcast_address, broadcast_port, rpc_address, rpc_port FROM system.local',
    {},
  );
  const release = observed(local.then(([row]) => releaseText(row?.release_version)));
  const [localRows, peerRows, gossip] = await Promise.all([
    local,
    select(
      node,
      'system.peers_v2',
      'SELECT peer, peer_port, host_id, data_center, rack, release_version, native_address, native_port FROM system.peers_v2',
      { releaseVersion: release },
    ),
    readGossip(node, release),
  ]);
  const statusOf = gossipStatus(gossip);
  const member = (
    address: unknown,
    port: unknown,
    row: Record<string, unknown>,
    nativeHost: unknown,
    nativePort: unknown,
  ): CqlRingMember => {
    const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const hostId = text(row.host_id);
    const status = statusOf(hostId);
    return {
      address: String(address),
      endpoint: typeof port === 'number' ? `${String(address)}:${port}` : String(address),
      hostId,
      datacenter: text(row.data_center),
      rack: text(row.rack),
      gossip: status === 'shutdown' ? 'down' : 'unknown',
      status: status === 'shutdown' ? 'shutdown' : status,
      releaseVersion: releaseText(row.release_version),
      nativeHost: text(nativeHost),
      nativePort: typeof nativePort === 'number' ? nativePort : undefined,
    };
  };
  // In the order the ring has over Jolokia (and nodetool status): by address.
  return [
    ...localRows.map((r) => member(r.broadcast_address, r.broadcast_port, r, r.rpc_address, r.rpc_port)),
    ...peerRows.map((r) => member(r.peer, r.peer_port, r, r.native_address, r.native_port)),
  ].sort((a, b) => compareEndpoints(a.endpoint, b.endpoint));
}

function gossipStatus(rows: readonly GossipRow[] | undefined): (hostId: string | undefined) => string | undefined {
  const byHostId = new Map((rows ?? []).map((row) => [row.hostId, row.status]));
  return (hostId) => (hostId === undefined ? undefined : byHostId.get(hostId));
}
