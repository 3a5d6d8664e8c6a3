// Cassandra knowledge: reading StorageService through Jolokia and making sure the answer is what
// Cassandra would say, not whatever the agent happened to send.

import { JolokiaAgentError, JolokiaProtocolError } from '../jolokia/errors.js';
import type { CallLimits, JolokiaClient } from '../jolokia/client.js';
import type { ReadRequest } from '../jolokia/types.js';
import { STORAGE_SERVICE, StorageServiceAttribute } from './mbeans.js';

export interface BackupStatus {
  readonly incrementalBackupsEnabled: boolean;
  /** Absent when the agent's policy does not allow reading it: it is only informative. */
  readonly releaseVersion?: string;
  /** The node's data directories, when asked for. */
  readonly dataFileLocations?: readonly string[];
  /** Round trip of the Jolokia request, in seconds. */
  readonly roundTripSeconds: number;
}

const backupRequest: ReadRequest = {
  type: 'read',
  mbean: STORAGE_SERVICE,
  attribute: StorageServiceAttribute.incrementalBackupsEnabled,
};
const versionRequest: ReadRequest = { type: 'read', mbean: STORAGE_SERVICE, attribute: StorageServiceAttribute.releaseVersion };
const locationsRequest: ReadRequest = { type: 'read', mbean: STORAGE_SERVICE, attribute: StorageServiceAttribute.allDataFileLocations };

/**
 * One bulk request: the backup flag, the release version for the long output, and, for the
 * freshness check, the data directories.
 */
export async function readBackupStatus(client: JolokiaClient, limits: CallLimits, options: { dataFileLocations?: boolean } = {}): Promise<BackupStatus> {
  const started = process.hrtime.bigint();
  const requests = options.dataFileLocations ? [backupRequest, versionRequest, locationsRequest] : [backupRequest, versionRequest];
  const [backup, version, locations] = await client.bulk(requests, limits);
  const roundTripSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const enabled = withCassandraHint(() => client.valueOf(backup!, backupRequest));
  if (typeof enabled !== 'boolean') {
    throw new JolokiaProtocolError(
      `The agent at ${client.where} gave ${describeValue(enabled)} for ${StorageServiceAttribute.incrementalBackupsEnabled}, where Cassandra has a boolean`,
    );
  }
  const release = version?.status === 200 && 'value' in version ? version.value : undefined;
  // Only informative, and printed: a release number, or nothing (not whatever the agent sent).
  const releaseVersion = typeof release === 'string' && /^[0-9A-Za-z.+~-]{1,40}$/.test(release) ? release : undefined;
  let dataFileLocations: string[] | undefined;
  if (locations !== undefined) {
    const value = client.valueOf(locations, locationsRequest);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new JolokiaProtocolError(`The agent at ${client.where} gave ${describeValue(value)} for ${StorageServiceAttribute.allDataFileLocations}, where Cassandra has a list of paths`);
    }
    dataFileLocations = value as string[];
  }
  return {
    incrementalBackupsEnabled: enabled,
    ...(dataFileLocations === undefined ? {} : { dataFileLocations }),
    ...(releaseVersion === undefined ? {} : { releaseVersion }),
    roundTripSeconds,
  };
}

/** A missing StorageService means the JVM behind the agent is not (yet) a Cassandra node. */
function withCassandraHint<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof JolokiaAgentError && error.status === 404) {
      throw new JolokiaAgentError(error.status, error.errorType, `${error.message} (is this a Cassandra node, and has it finished starting?)`);
    }
    throw error;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string "${value.slice(0, 20)}"`;
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
