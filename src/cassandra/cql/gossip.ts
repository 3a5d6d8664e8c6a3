// Cassandra knowledge over CQL: gossip as a node sees it, from system_views.gossip_info (one row
// per member, the node itself included; not in every release). A member's STATUS is its mode as
// the others see it; a node whose gossip was stopped (nodetool disablegossip) announces
// `shutdown` as its own status, and its heartbeat stops: seen on a real 5.0.9 node.

import { CqlError } from '../../cql/errors.js';
import type { Row } from '../../cql/protocol.js';
import { select, type CqlNode } from './node.js';

export interface GossipRow {
  readonly address: string;
  readonly hostId: string | undefined;
  readonly datacenter: string | undefined;
  readonly rack: string | undefined;
  /** The STATUS without its tokens: NORMAL, LEAVING, shutdown… */
  readonly status: string | undefined;
  /** Whether the member serves CQL, as it gossips it. */
  readonly rpcReady: boolean | undefined;
  readonly releaseVersion: string | undefined;
}

/** The gossip_info rows; undefined on a release without the table. */
export async function readGossip(
  node: CqlNode,
  releaseVersion: string | undefined | Promise<string | undefined>,
): Promise<GossipRow[] | undefined> {
  try {
    const rows = await select(
      node,
      'system_views.gossip_info',
      'SELECT address, host_id, dc, rack, status, rpc_ready, release_version FROM system_views.gossip_info',
      { releaseVersion },
    );
    return rows.map(gossipRow);
  } catch (error) {
    if (error instanceof CqlError && error.kind === 'no-such-table') return undefined;
    throw error;
  }
}

function gossipRow(row: Row): GossipRow {
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const ready = text(row.rpc_ready);
  return {
    address: String(row.address),
    hostId: text(row.host_id),
    datacenter: text(row.dc),
    rack: text(row.rack),
    status: text(row.status)?.split(',')[0],
    rpcReady: ready === undefined ? undefined : ready === 'true',
    releaseVersion: text(row.release_version),
  };
}

/**
 * The OperationMode a gossip STATUS stands for, where it says one: BOOT and BOOT_REPLACE are a
 * node JOINING, LEFT one DECOMMISSIONED; `shutdown` says only that gossip stopped.
 */
export function modeOfStatus(status: string | undefined): string | undefined {
  switch (status) {
    case 'NORMAL':
    case 'LEAVING':
    case 'MOVING':
      return status;
    case 'BOOT':
    case 'BOOT_REPLACE':
      return 'JOINING';
    case 'LEFT':
      return 'DECOMMISSIONED';
    default:
      return undefined;
  }
}
