// Cassandra knowledge: reading StorageService through Jolokia, and making sure the answer is what
// Cassandra would say, not whatever the agent happened to send.

import type { Answer } from '../jolokia/answer.js';
import { JolokiaAgentError } from '../jolokia/errors.js';
import type { ReadRequest } from '../jolokia/types.js';
import { STORAGE_SERVICE, StorageServiceAttribute } from './mbeans.js';
import type { JolokiaSource } from './source.js';

export interface BackupStatus {
  /** Where it was asked, as the long output names the agent (or the node's native port). */
  readonly where: string;
  /** How it was asked; absent: the Jolokia agent. */
  readonly transport?: 'cql';
  readonly incrementalBackupsEnabled: boolean;
  /** Absent when the agent's policy does not allow reading it: it is only informative. */
  readonly releaseVersion?: string;
  /** The node's data directories, when asked for. */
  readonly dataFileLocations?: readonly string[];
  /** Round trip of the Jolokia request, in seconds. */
  readonly roundTripSeconds: number;
}

const read = (attribute: string): ReadRequest => ({ type: 'read', mbean: STORAGE_SERVICE, attribute });

/**
 * One bulk request: the backup flag, the release version for the long output, and, for the
 * freshness check, the data directories.
 */
export async function readBackupStatus(
  { client, limits }: JolokiaSource,
  options: { dataFileLocations?: boolean } = {},
): Promise<BackupStatus> {
  const started = process.hrtime.bigint();
  const status = [
    read(StorageServiceAttribute.incrementalBackupsEnabled),
    read(StorageServiceAttribute.releaseVersion),
  ] as const;
  const [backup, version, locations] = options.dataFileLocations
    ? await client.bulk([...status, read(StorageServiceAttribute.allDataFileLocations)], limits)
    : await client.bulk(status, limits);
  const roundTripSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const incrementalBackupsEnabled = withCassandraHint(() => backup.boolean());
  const dataFileLocations = locations?.strings();
  const releaseVersion = readReleaseVersion(version);
  return {
    where: client.where,
    incrementalBackupsEnabled,
    ...(dataFileLocations === undefined ? {} : { dataFileLocations }),
    ...(releaseVersion === undefined ? {} : { releaseVersion }),
    roundTripSeconds,
  };
}

/** Only informative, and printed: a release number, or nothing (not whatever the agent sent). */
export function readReleaseVersion(answer: Answer): string | undefined {
  const release = answer.optional((a) => a.string());
  return release !== undefined && /^[0-9A-Za-z.+~-]{1,40}$/.test(release) ? release : undefined;
}

/** A missing StorageService means the JVM behind the agent is not (yet) a Cassandra node. */
export function withCassandraHint<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof JolokiaAgentError && error.status === 404) {
      throw new JolokiaAgentError(
        error.status,
        error.errorType,
        `${error.message} (is this a Cassandra node, and has it finished starting?)`,
      );
    }
    throw error;
  }
}
