// Check: is incremental backup in the state this node should be in? Acquisition is
// cassandra/storage-service.ts; this file judges and describes what it found.

import { NODETOOL_BACKUP_WORDS } from '../cassandra/mbeans.js';
import type { BackupStatus } from '../cassandra/storage-service.js';
import type { Metric, Report, Result } from '../runtime/result.js';
import { OK, type State } from '../runtime/state.js';

export interface BackupExpectation {
  /** What this node should do: most should back up, some (e.g. analytics replicas) should not. */
  readonly expect: 'enabled' | 'disabled';
  /** State when backup is off although it should be on (default WARNING, like the seed's script). */
  readonly disabledState: State;
  /** State when backup is on although it should be off. */
  readonly enabledState: State;
}

export function judgeBackupStatus(enabled: boolean, expectation: BackupExpectation): Result {
  const word = enabled ? 'enabled' : 'disabled';
  if ((expectation.expect === 'enabled') === enabled) {
    return { state: OK, summary: `Incremental backup is ${word}` };
  }
  const state = enabled ? expectation.enabledState : expectation.disabledState;
  return { state, summary: `Incremental backup is ${word} (expected ${expectation.expect})` };
}

export const BACKUP_ENABLED_METRIC = 'cassandra_incremental_backup_enabled';

export function backupStatusReport(status: BackupStatus, expectation: BackupExpectation, where: string): Report {
  const enabled = status.incrementalBackupsEnabled;
  const word = enabled ? NODETOOL_BACKUP_WORDS.enabled : NODETOOL_BACKUP_WORDS.disabled;
  const metrics: Metric[] = [
    {
      name: BACKUP_ENABLED_METRIC,
      help: 'Whether incremental backup is enabled on the node (1) or not (0), as nodetool statusbackup reports it.',
      type: 'gauge',
      value: enabled ? 1 : 0,
    },
    {
      name: 'cassandra_jolokia_request_duration_seconds',
      help: 'Round trip of the Jolokia request that read the backup status.',
      type: 'gauge',
      value: status.roundTripSeconds,
    },
  ];
  return {
    results: [judgeBackupStatus(enabled, expectation)],
    perfdata: [
      { label: 'backup_enabled', value: enabled ? 1 : 0, min: 0, max: 1 },
      { label: 'time', value: round(status.roundTripSeconds), unit: 's', min: 0 },
    ],
    details: [
      `nodetool statusbackup would print: ${word}`,
      `Cassandra ${status.releaseVersion ?? '(version not readable)'} at ${where}`,
      `expected: backup ${expectation.expect}`,
    ],
    facts: {
      backup_enabled: enabled,
      status: word,
      expected: expectation.expect,
      cassandra_version: status.releaseVersion ?? null,
      jolokia_url: where,
      round_trip_seconds: round(status.roundTripSeconds),
    },
    metrics,
  };
}

/** JSON keys a consumer can rely on even when the check could not find out. */
export const BACKUP_FACTS_WHEN_UNKNOWN = { backup_enabled: null, status: 'unknown' } as const;

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
