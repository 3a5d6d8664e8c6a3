// Check (evaluation): is incremental backup in the state this node should be in? What nodetool
// statusbackup would print, judged against --expect-backup. The facts come from
// cassandra/storage-service.ts.

import { nodetoolStatusWord } from '../cassandra/mbeans.js';
import type { BackupStatus } from '../cassandra/storage-service.js';
import { roundSeconds, type Report, type Result } from '../runtime/result.js';
import { OK } from '../runtime/state.js';
import { backupMismatch, backupWord, type BackupExpectation } from './backup-expectation.js';
import { BACKUP_ENABLED, flag, JOLOKIA_ROUND_TRIP, sample } from './metrics.js';

export function judgeBackupStatus(enabled: boolean, expectation: BackupExpectation): Result {
  const word = backupWord(enabled);
  const state = backupMismatch(enabled, expectation, expectation.expect);
  if (state === undefined) return { state: OK, summary: `Incremental backup is ${word}` };
  return { state, summary: `Incremental backup is ${word} (expected ${expectation.expect})` };
}

export function backupStatusReport(status: BackupStatus, expectation: BackupExpectation): Report {
  const enabled = status.incrementalBackupsEnabled;
  const word = nodetoolStatusWord(enabled);
  return {
    results: [judgeBackupStatus(enabled, expectation)],
    perfdata: [
      { label: 'backup_enabled', value: enabled ? 1 : 0, min: 0, max: 1 },
      { label: 'time', value: roundSeconds(status.roundTripSeconds), unit: 's', min: 0 },
    ],
    details: [
      `nodetool statusbackup would print: ${word}`,
      `Cassandra ${status.releaseVersion ?? '(version not readable)'} at ${status.where}`,
      `expected: backup ${expectation.expect}`,
    ],
    facts: {
      backup_enabled: enabled,
      status: word,
      expected: expectation.expect,
      cassandra_version: status.releaseVersion ?? null,
      ...(status.transport === 'cql' ? { cql_address: status.where } : { jolokia_url: status.where }),
      round_trip_seconds: roundSeconds(status.roundTripSeconds),
    },
    metrics: [flag(BACKUP_ENABLED, enabled), sample(JOLOKIA_ROUND_TRIP, status.roundTripSeconds)],
  };
}

/** JSON keys a consumer can rely on even when the check could not find out. */
export const BACKUP_FACTS_WHEN_UNKNOWN = { backup_enabled: null, status: 'unknown' } as const;
