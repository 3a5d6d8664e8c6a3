// Cassandra knowledge (acquisition): check_cassandra_snapshots' facts, from the node's agent as
// `nodetool listsnapshots` reads them, or from the snapshot folders when the check runs on the node
// (--data-dir, or where the agent cannot say). Nothing is judged here: checks/snapshots.ts does.

import { accessSync } from 'node:fs';
import { JolokiaProtocolError } from '../jolokia/errors.js';
import { requireDataDirectories } from './data-layout.js';
import { STORAGE_SERVICE, StorageServiceAttribute as A } from './mbeans.js';
import { scanSnapshotFolders, snapshotsFromDetails, type Snapshot } from './snapshots.js';
import type { JolokiaSource } from './source.js';
import { readBackupStatus } from './storage-service.js';

/** Where the snapshots came from, for the long output and for what a missing creation time means. */
export interface SnapshotSource {
  readonly description: string;
  /** Why a snapshot may have no creation time from this source, and what to do: for its line. */
  readonly noCreationTime?: string;
}

export interface SnapshotFacts {
  readonly snapshots: readonly Snapshot[];
  readonly source: SnapshotSource;
  /** Tables whose snapshot folders could not be read, and why. */
  readonly unreadable: readonly { readonly name: string; readonly reason: string }[];
}

/** The snapshot folders in these data directories, without asking the agent. */
export function readSnapshotFolders(dataDirectories: readonly string[]): SnapshotFacts {
  requireDataDirectories(dataDirectories);
  const folders = scanSnapshotFolders(dataDirectories);
  return {
    snapshots: folders.snapshots,
    source: { description: `the snapshot folders in ${dataDirectories.join(', ')}` },
    unreadable: folders.unreadable,
  };
}

/** What the node's agent says, completed from the folders where they can be read from here. */
export async function readNodeSnapshots(source: JolokiaSource): Promise<SnapshotFacts> {
  const status = await readBackupStatus(source, { dataFileLocations: true });
  const release = status.releaseVersion;
  const here = (status.dataFileLocations ?? []).filter(canRead);
  const listed = await readDetails(source, here, release);
  if (!listed.snapshots.some((s) => s.createdMs === undefined)) return listed;
  // Before 4.1 the node does not say when a snapshot was taken; its folders do, when they are here.
  if (here.length === 0) {
    return {
      ...listed,
      source: {
        ...listed.source,
        noCreationTime: `${release === undefined ? 'This Cassandra release' : `Cassandra ${release}`} does not report it: run the check on the node, where the snapshot folders can be read`,
      },
    };
  }
  const folders = scanSnapshotFolders(here);
  const created = new Map(folders.snapshots.map((s) => [s.tag, s.createdMs]));
  return {
    snapshots: listed.snapshots.map((s) => (s.createdMs === undefined ? { ...s, createdMs: created.get(s.tag) } : s)),
    source: {
      description: `${listed.source.description}; creation times from the snapshot folders in ${here.join(', ')}`,
    },
    unreadable: [...listed.unreadable, ...folders.unreadable],
  };
}

/** SnapshotDetails; the folders instead when a Jolokia 2.x agent cannot send it. */
async function readDetails(
  { client, limits }: JolokiaSource,
  here: readonly string[],
  release: string | undefined,
): Promise<SnapshotFacts> {
  try {
    const [details] = await client.bulk(
      [{ type: 'read', mbean: STORAGE_SERVICE, attribute: A.snapshotDetails }] as const,
      limits,
    );
    return {
      snapshots: snapshotsFromDetails(details),
      source: {
        description: `SnapshotDetails from ${client.where}${release === undefined ? '' : ` (Cassandra ${release})`}`,
      },
      unreadable: [],
    };
  } catch (error) {
    // Jolokia 2.x cuts its answer short at the first snapshot without a TTL (a null in the
    // table's index): the agent answered the other request, so it is this value it cannot send.
    if (!(error instanceof JolokiaProtocolError)) throw error;
    if (here.length === 0) {
      throw new JolokiaProtocolError(
        `The agent at ${client.where} sent SnapshotDetails cut short, as Jolokia 2.x agents do while a snapshot has no TTL: run the check on the node, where it reads the snapshot folders instead, or ask a Jolokia 1.x agent`,
      );
    }
    const folders = scanSnapshotFolders(here);
    return {
      snapshots: folders.snapshots,
      source: {
        description: `the snapshot folders in ${here.join(', ')} (the agent at ${client.where} could not send SnapshotDetails)`,
      },
      unreadable: folders.unreadable,
    };
  }
}

function canRead(directory: string): boolean {
  try {
    accessSync(directory);
    return true;
  } catch {
    return false;
  }
}
