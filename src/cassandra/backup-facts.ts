// Cassandra knowledge (acquisition): what check_cassandra_backup needs to know about a node. Its
// backup flag (what nodetool statusbackup prints); with --find-config or --config, what the next
// restart will read; with --flush or --keyspace, what its tables' backups/ show (freshness.ts).
// Nothing is judged here: checks/backup.ts does.

import { readConfigFacts, readPersistedSetting, type NodeConfigFacts } from './config-file.js';
import { jolokiaCatalogue, readFreshness, type FreshnessFacts, type FreshnessRequest } from './freshness.js';
import type { JolokiaSource } from './source.js';
import { readBackupStatus, type BackupStatus } from './storage-service.js';
import { attemptAsync, type Reading } from '../runtime/result.js';

export interface BackupRequest {
  readonly freshness?: FreshnessRequest;
  /** Compare with the configuration: the file named by --config, or the one the node loaded (--find-config). */
  readonly configuration?: { readonly file?: string };
}

/** What the next restart will read, as far as it could be found and read. */
export interface ConfigurationFacts {
  /** The node's own view: how its file was found, a loader, the 4.1+ override. */
  readonly node: NodeConfigFacts;
  /** The file compared: --config's, else the one found; undefined when none was found. */
  readonly file: string | undefined;
  readonly named: boolean;
  /** Its incremental_backups; undefined when there is no file to read. */
  readonly value: Reading<boolean> | undefined;
}

export interface BackupFacts {
  readonly status: BackupStatus;
  readonly configuration?: ConfigurationFacts;
  /** Undefined when not asked for, or when backup is off: then nothing is flushed or read. */
  readonly freshness?: FreshnessFacts;
}

export async function readBackupFacts(source: JolokiaSource, request: BackupRequest): Promise<BackupFacts> {
  const { freshness } = request;
  const status = await readBackupStatus(source, {
    dataFileLocations: freshness !== undefined && freshness.dataDirectories === undefined,
  });
  const configuration =
    request.configuration === undefined
      ? undefined
      : await readConfiguration(source, request.configuration.file, status);
  const tables =
    freshness === undefined || !status.incrementalBackupsEnabled
      ? undefined
      : await readFreshness(
          jolokiaCatalogue(source),
          freshness,
          freshness.dataDirectories ?? status.dataFileLocations ?? [],
        );
  return {
    status,
    ...(configuration === undefined ? {} : { configuration }),
    ...(tables === undefined ? {} : { freshness: tables }),
  };
}

async function readConfiguration(
  source: JolokiaSource,
  named: string | undefined,
  status: BackupStatus,
): Promise<ConfigurationFacts> {
  const node = await readConfigFacts(source, status.releaseVersion);
  const file = named ?? node.file;
  const value =
    file === undefined
      ? undefined
      : await attemptAsync(() => readPersistedSetting(file, named === undefined ? 'found' : 'by --config'));
  return { node, file, named: named !== undefined, value };
}
