// check_cassandra_backup's status judged from plain facts: the words, the state against
// --expect-backup and --backup-state, the perfdata, JSON facts and series every format carries.
import { describe, expect, it } from 'vitest';
import type { BackupStatus } from '../../../src/cassandra/storage-service.js';
import type { BackupExpectation } from '../../../src/checks/backup-expectation.js';
import { BACKUP_FACTS_WHEN_UNKNOWN, backupStatusReport, judgeBackupStatus } from '../../../src/checks/backup-status.js';
import { formatPerfdata } from '../../../src/runtime/perfdata.js';
import { reportState } from '../../../src/runtime/result.js';
import { CRITICAL, OK, WARNING } from '../../../src/runtime/state.js';

const ENABLED: BackupExpectation = { expect: 'enabled', disabledState: WARNING, enabledState: WARNING };
const DISABLED: BackupExpectation = { expect: 'disabled', disabledState: WARNING, enabledState: CRITICAL };
const status = (enabled: boolean, over: Partial<BackupStatus> = {}): BackupStatus => ({
  where: 'http://cass1:8778/jolokia',
  incrementalBackupsEnabled: enabled,
  releaseVersion: '5.0.9',
  roundTripSeconds: 0.0123456789,
  ...over,
});

describe('judgeBackupStatus', () => {
  it.each([
    [true, ENABLED, OK, 'Incremental backup is enabled'],
    [false, ENABLED, WARNING, 'Incremental backup is disabled (expected enabled)'],
    [false, { ...ENABLED, disabledState: CRITICAL }, CRITICAL, 'Incremental backup is disabled (expected enabled)'],
    [false, DISABLED, OK, 'Incremental backup is disabled'],
    [true, DISABLED, CRITICAL, 'Incremental backup is enabled (expected disabled)'],
  ] as const)('backup %s, %o → %o %s', (enabled, expectation, state, summary) => {
    expect(judgeBackupStatus(enabled, expectation)).toEqual({ state, summary });
  });
});

describe('backupStatusReport', () => {
  it('enabled: perfdata, long output, JSON facts and series', () => {
    const report = backupStatusReport(status(true), ENABLED);
    expect(reportState(report)).toBe(OK);
    expect(report.perfdata.map(formatPerfdata)).toEqual(['backup_enabled=1;;;0;1', 'time=0.012346s;;;0']);
    expect(report.details).toEqual([
      'nodetool statusbackup would print: running',
      'Cassandra 5.0.9 at http://cass1:8778/jolokia',
      'expected: backup enabled',
    ]);
    expect(report.facts).toEqual({
      backup_enabled: true,
      status: 'running',
      expected: 'enabled',
      cassandra_version: '5.0.9',
      jolokia_url: 'http://cass1:8778/jolokia',
      round_trip_seconds: 0.012346,
    });
    expect(report.metrics.map((m) => [m.name, m.value])).toEqual([
      ['cassandra_incremental_backup_enabled', 1],
      ['cassandra_jolokia_request_duration_seconds', 0.0123456789],
    ]);
  });

  it('disabled, and a release that could not be read: null in JSON, said in the long output', () => {
    const report = backupStatusReport(status(false, { releaseVersion: undefined }), ENABLED);
    expect(reportState(report)).toBe(WARNING);
    expect(report.perfdata.map(formatPerfdata)[0]).toBe('backup_enabled=0;;;0;1');
    expect(report.details[0]).toBe('nodetool statusbackup would print: not running');
    expect(report.details[1]).toBe('Cassandra (version not readable) at http://cass1:8778/jolokia');
    expect(report.facts).toMatchObject({ backup_enabled: false, status: 'not running', cassandra_version: null });
    expect(report.metrics[0]?.value).toBe(0);
  });

  it('the JSON a consumer gets when nothing could be found out', () => {
    expect(BACKUP_FACTS_WHEN_UNKNOWN).toEqual({ backup_enabled: null, status: 'unknown' });
  });
});
