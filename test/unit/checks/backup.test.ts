// check_cassandra_backup's whole judgement from plain facts: the status alone, with the
// configuration, with the tables; freshness skipped while backup is off; the 5.0 opt-out hint.
// The pieces are judged in backup-status, backup-config and backup-freshness's own tests.
import { describe, expect, it } from 'vitest';
import type { BackupFacts, ConfigurationFacts } from '../../../src/cassandra/backup-facts.js';
import type { FreshnessFacts, TableObservation } from '../../../src/cassandra/freshness.js';
import { judgeBackup, type BackupPolicy } from '../../../src/checks/backup.js';
import { formatPerfdata } from '../../../src/runtime/perfdata.js';
import { reportState } from '../../../src/runtime/result.js';
import { CRITICAL, OK, UNKNOWN, WARNING } from '../../../src/runtime/state.js';
import { summaryText } from '../../../src/runtime/summary.js';
import { upperLimits } from '../../../src/runtime/thresholds.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const status = (enabled: boolean, releaseVersion = '5.0.9'): BackupFacts['status'] => ({
  where: 'http://cass1:8778/jolokia',
  incrementalBackupsEnabled: enabled,
  releaseVersion,
  roundTripSeconds: 0.004,
});
const EXPECT_ENABLED: BackupPolicy = {
  expectation: { expect: 'enabled', disabledState: WARNING, enabledState: WARNING },
};
const judged = (facts: BackupFacts, policy: BackupPolicy = EXPECT_ENABLED) => {
  const report = judgeBackup(facts, policy, NOW);
  return { report, state: reportState(report), line: summaryText(report, 200) };
};

const configuration = (
  value: ConfigurationFacts['value'],
  file: string | undefined = '/etc/cassandra/cassandra.yaml',
): ConfigurationFacts => ({
  node: { file, foundBy: "the node's class path (cassandra.yaml)", override: undefined, loader: undefined },
  file,
  named: false,
  value,
});

/** A table observed without a flush, whose newest backup is `hours` old; `sstables` live files and no backup when hours is undefined. */
function observed(hours: number | undefined, sstables = 1): TableObservation {
  const dir = '/data/shop/orders-1';
  return {
    flushed: false,
    hadData: false,
    files: {
      directories: [dir],
      liveData: Array.from({ length: sstables }, (_, i) => `${dir}/nb-${i + 1}-big-Data.db`),
      backupData:
        hours === undefined ? [] : [{ path: `${dir}/backups/nb-1-big-Data.db`, mtimeMs: NOW - hours * 3_600_000 }],
      backupFileCount: hours === undefined ? 0 : 8,
    },
    added: { live: [], backups: [] },
  };
}
const freshness = (
  tables: FreshnessFacts['tables'],
  excluded: FreshnessFacts['excluded'] = [],
  optedOut: FreshnessFacts['optedOut'] = undefined,
): FreshnessFacts => ({
  dataDirectories: ['/data'],
  excluded,
  optedOut,
  tables,
});
const orders = { keyspace: 'shop', table: 'orders' };
const carts = { keyspace: 'shop', table: 'carts' };

describe('judgeBackup', () => {
  it('the status alone: the status report, nothing added', () => {
    const { state, line: text, report } = judged({ status: status(true) });
    expect([state, text]).toEqual([OK, 'Incremental backup is enabled']);
    expect(report.subjects).toBeUndefined();
    expect(report.perfdata.map((p) => p.label)).toEqual(['backup_enabled', 'time']);
  });

  it('with the configuration: the drift is judged beside the status', () => {
    const facts: BackupFacts = { status: status(true), configuration: configuration({ found: false }) };
    const { state, line: text, report } = judged(facts, { ...EXPECT_ENABLED, driftState: CRITICAL });
    expect([state, text]).toEqual([
      CRITICAL,
      'enabled until the next restart: cassandra.yaml has incremental_backups: false',
    ]);
    expect(report.perfdata.map(formatPerfdata)).toContain('backup_after_restart=0;;;0;1');
    expect(report.facts).toMatchObject({
      backup_enabled: true,
      config_file: '/etc/cassandra/cassandra.yaml',
      backup_enabled_after_restart: false,
    });
  });

  it("a restart that would set a disabled node right is said in the status's own state", () => {
    const { state, line: text } = judged(
      { status: status(false), configuration: configuration({ found: true }) },
      { ...EXPECT_ENABLED, driftState: CRITICAL },
    );
    expect([state, text]).toEqual([
      WARNING,
      'Incremental backup is disabled (expected enabled); a restart would turn it back on (someone ran nodetool disablebackup)',
    ]);
  });

  it('a configuration that cannot be found or read is UNKNOWN, and the status stays in the facts', () => {
    const lost = judged(
      { status: status(true), configuration: configuration(undefined, undefined) },
      { ...EXPECT_ENABLED, driftState: WARNING },
    );
    expect([lost.state, lost.line]).toEqual([
      UNKNOWN,
      "Cannot find the node's cassandra.yaml (the node's class path (cassandra.yaml)): give --config FILE",
    ]);
    expect(lost.report.facts['backup_enabled']).toBe(true);
    const unreadable = judged(
      {
        status: status(true),
        configuration: configuration({
          unreadable: 'Cannot read /etc/cassandra/cassandra.yaml (permission denied): …',
        }),
      },
      { ...EXPECT_ENABLED, driftState: WARNING },
    );
    expect([unreadable.state, unreadable.line]).toEqual([
      UNKNOWN,
      'Cannot read /etc/cassandra/cassandra.yaml (permission denied): …',
    ]);
  });

  it('configuration facts without a drift state (not asked for) are not judged', () => {
    expect(judged({ status: status(true), configuration: configuration({ found: false }) }).line).toBe(
      'Incremental backup is enabled',
    );
  });

  it("freshness asked for while backup is off: skipped, said in the status's state, no flush", () => {
    const flushing = judged({ status: status(false) }, { ...EXPECT_ENABLED, freshness: { age: {}, flushing: true } });
    expect([flushing.state, flushing.line]).toEqual([
      WARNING,
      'Incremental backup is disabled (expected enabled); freshness check skipped: backup is off, so no flush was sent',
    ]);
    expect(flushing.report.details.at(-1)).toBe('freshness check skipped: backup is off, so no flush was sent');
    const expectedOff = judged(
      { status: status(false) },
      {
        expectation: { expect: 'disabled', disabledState: WARNING, enabledState: WARNING },
        freshness: { age: {}, flushing: false },
      },
    );
    expect([expectedOff.state, expectedOff.line]).toEqual([
      OK,
      'Incremental backup is disabled; freshness check skipped: backup is off',
    ]);
  });

  it('tables judged one by one, with the age thresholds; a table that could not be read is UNKNOWN alone', () => {
    const facts: BackupFacts = {
      status: status(true),
      freshness: freshness(
        [
          { table: orders, reading: { found: observed(30) } },
          { table: carts, reading: { unreadable: 'Cannot read /data/shop/carts-1/backups (ELOOP)' } },
        ],
        [{ keyspace: 'shop', table: 'sessions' }],
      ),
    };
    const { report, state } = judged(facts, {
      ...EXPECT_ENABLED,
      freshness: { age: upperLimits(6 * 3600, 86_400), flushing: false },
    });
    expect(state).toBe(CRITICAL);
    expect(report.subjects?.results.map((r) => [r.subject.name, r.state.name, r.line])).toEqual([
      ['shop.orders', 'CRITICAL', 'newest backup 1d6h old (critical over 1d)'],
      ['shop.carts', 'UNKNOWN', 'Cannot read /data/shop/carts-1/backups (ELOOP)'],
    ]);
    expect(report.perfdata.map(formatPerfdata)).toEqual([
      'backup_enabled=1;;;0;1',
      'time=0.004s;;;0',
      'backup_age=108000s;21600;86400;0',
      'backup_files=8;;;0',
      'tables_flushed=0;;;0',
    ]);
    expect(report.details).toContain('data directories: /data');
    expect(report.details).toContain('excluded (--exclude): shop.sessions');
    expect(report.facts['data_directories']).toEqual(['/data']);
  });

  it('all tables well: the okSummary after the status', () => {
    const facts: BackupFacts = {
      status: status(true),
      freshness: freshness([{ table: orders, reading: { found: observed(1) } }]),
    };
    expect(
      judged(facts, { ...EXPECT_ENABLED, freshness: { age: upperLimits(6 * 3600, undefined), flushing: false } }).line,
    ).toBe('Incremental backup is enabled; 1 table; newest backups within 1h');
  });

  it('SSTables without any backup: on 5.0 the opt-out hint, not before', () => {
    const facts = (release: string): BackupFacts => ({
      status: status(true, release),
      freshness: freshness([{ table: orders, reading: { found: observed(undefined, 2) } }]),
    });
    const policy = { ...EXPECT_ENABLED, freshness: { age: {}, flushing: false } };
    expect(judged(facts('5.0.9'), policy).line).toBe(
      'shop.orders: 2 SSTable(s) but no backup file; opted out WITH incremental_backups = false? then --exclude shop.orders',
    );
    expect(judged(facts('4.1.10'), policy).line).toBe('shop.orders: 2 SSTable(s) but no backup file');
  });
});
