// Cassandra knowledge (acquisition): what a health-check script running nodetool statusbinary,
// statusgossip and statusbackup asks, and what an operator reads beside it (OperationMode,
// Joined, Drained, Draining, Decommissioning), in one Jolokia bulk request. Judged by
// checks/node-health.ts.

import type { ReadRequest } from '../jolokia/types.js';
import { STORAGE_SERVICE, StorageServiceAttribute as A } from './mbeans.js';
import type { JolokiaSource } from './source.js';
import { readReleaseVersion, withCassandraHint } from './storage-service.js';

/** What `nodetool status*` report, and the node's mode. */
export interface NodeHealth {
  readonly binary: boolean;
  /** Undefined where the transport cannot tell (CQL on a release without system_views.gossip_info). */
  readonly gossip: boolean | undefined;
  readonly backup: boolean;
  /** STARTING, NORMAL, JOINING, LEAVING, DECOMMISSIONED, MOVING, DRAINING, DRAINED; undefined where the transport cannot tell. */
  readonly mode: string | undefined;
  readonly joined: boolean | undefined;
  readonly drained: boolean | undefined;
  readonly draining: boolean | undefined;
  /** 5.0 only. */
  readonly decommissioning: boolean | undefined;
  readonly releaseVersion: string | undefined;
  readonly roundTripSeconds: number;
  /** Where it was asked. */
  readonly where: string;
  /** How it was asked; absent: the Jolokia agent. */
  readonly transport?: 'cql';
  /** What the transport could not tell, and why, in a sentence for the long output. */
  readonly untold?: string;
}

const read = (attribute: string): ReadRequest => ({ type: 'read', mbean: STORAGE_SERVICE, attribute });

export async function readNodeHealth({ client, limits }: JolokiaSource): Promise<NodeHealth> {
  const started = process.hrtime.bigint();
  const [binary, gossip, backup, mode, joined, drained, draining, decommissioning, version] = await client.bulk(
    [
      read(A.nativeTransportRunning),
      read(A.gossipRunning),
      read(A.incrementalBackupsEnabled),
      read(A.operationMode),
      read(A.joined),
      read(A.drained),
      read(A.draining),
      read(A.decommissioning),
      read(A.releaseVersion),
    ] as const,
    limits,
  );
  const roundTripSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return withCassandraHint(() => ({
    binary: binary.boolean(),
    gossip: gossip.boolean(),
    backup: backup.boolean(),
    mode: mode.string(),
    joined: joined.optional((a) => a.boolean()),
    drained: drained.optional((a) => a.boolean()),
    draining: draining.optional((a) => a.boolean()),
    decommissioning: decommissioning.optional((a) => a.boolean()),
    releaseVersion: readReleaseVersion(version),
    roundTripSeconds,
    where: client.where,
  }));
}
