// Cassandra knowledge (acquisition): check_cassandra_backup_backlog's facts. The data directories
// given with --data-dir, or those the node reports (over its agent or CQL); then what waits in each
// table's backups/ (backlog.ts). Nothing is judged here: checks/backup-backlog.ts does.

import { scanBacklog, type BacklogFilter, type BacklogScan } from './backlog.js';
import { requireDataDirectories } from './data-layout.js';
import type { BackupStatus } from './storage-service.js';

export interface BacklogFacts {
  readonly scan: BacklogScan;
  /** When the node was asked for its data directories: which agent, and whether backup is on. */
  readonly node?: { readonly where: string; readonly backupEnabled: boolean };
}

export interface BacklogRequest {
  /** As seen from here; undefined: ask the node (AllDataFileLocations, or data_file_directories over CQL). */
  readonly dataDirectories?: readonly string[];
  readonly filter: BacklogFilter;
}

/** The node is asked (`nodeStatus`, with its data directories) only when the request names none. */
export async function readBacklog(
  nodeStatus: () => Promise<BackupStatus>,
  request: BacklogRequest,
  deadline: number,
): Promise<BacklogFacts> {
  if (request.dataDirectories !== undefined)
    return { scan: await scanDirectories(request.dataDirectories, request.filter, deadline) };
  const status = await nodeStatus();
  const scan = await scanDirectories(status.dataFileLocations ?? [], request.filter, deadline);
  return { scan, node: { where: status.where, backupEnabled: status.incrementalBackupsEnabled } };
}

async function scanDirectories(
  dataDirectories: readonly string[],
  filter: BacklogFilter,
  deadline: number,
): Promise<BacklogScan> {
  requireDataDirectories(dataDirectories);
  return scanBacklog(dataDirectories, filter, deadline);
}
