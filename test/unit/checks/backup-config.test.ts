// "Until restart" judged: the running setting against what the next restart reads.

import { describe, expect, it } from 'vitest';
import { afterRestart, driftMetrics, judgeDrift, type PersistedSetting } from '../../../src/checks/backup-config.js';
import type { BackupExpectation } from '../../../src/checks/backup-expectation.js';
import { CRITICAL, OK, WARNING } from '../../../src/runtime/state.js';

const EXPECT_ENABLED: BackupExpectation = { expect: 'enabled', disabledState: WARNING, enabledState: WARNING };
const EXPECT_DISABLED: BackupExpectation = { ...EXPECT_ENABLED, expect: 'disabled' };
const file = (value: boolean, override?: boolean): PersistedSetting => ({
  value,
  file: '/etc/cassandra/cassandra.yaml',
  override,
});

describe('afterRestart', () => {
  it('is the file, unless a 4.1+ system property overrides it', () => {
    expect(afterRestart(file(false))).toBe(false);
    expect(afterRestart(file(true))).toBe(true);
    expect(afterRestart(file(false, true))).toBe(true);
    expect(afterRestart(file(true, false))).toBe(false);
  });
});

describe('judgeDrift', () => {
  it('says nothing when the running node and its configuration agree', () => {
    expect(judgeDrift(true, file(true), EXPECT_ENABLED, WARNING, OK)).toEqual([]);
    expect(judgeDrift(false, file(false), EXPECT_ENABLED, WARNING, WARNING)).toEqual([]);
    expect(judgeDrift(true, file(false, true), EXPECT_ENABLED, WARNING, OK)).toEqual([]);
  });

  it('running as expected, lost at the next restart: the drift state, naming the file', () => {
    expect(judgeDrift(true, file(false), EXPECT_ENABLED, WARNING, OK)).toEqual([
      { state: WARNING, summary: 'enabled until the next restart: cassandra.yaml has incremental_backups: false' },
    ]);
    expect(judgeDrift(true, file(false), EXPECT_ENABLED, CRITICAL, OK)).toEqual([
      { state: CRITICAL, summary: expect.stringContaining('enabled until the next restart') },
    ]);
    expect(judgeDrift(false, file(true), EXPECT_DISABLED, WARNING, OK)).toEqual([
      { state: WARNING, summary: 'disabled until the next restart: cassandra.yaml has incremental_backups: true' },
    ]);
  });

  it('names the system property when that is what the restart reads', () => {
    expect(judgeDrift(true, file(true, false), EXPECT_ENABLED, WARNING, OK)).toEqual([
      {
        state: WARNING,
        summary:
          'enabled until the next restart: the node was started with -Dcassandra.settings.incremental_backups=false',
      },
    ]);
  });

  it("not as expected, set right by a restart: said beside the alarm, in the alarm's state", () => {
    expect(judgeDrift(false, file(true), EXPECT_ENABLED, WARNING, CRITICAL)).toEqual([
      { state: CRITICAL, summary: 'a restart would turn it back on (someone ran nodetool disablebackup)' },
    ]);
    expect(judgeDrift(true, file(false), EXPECT_DISABLED, WARNING, WARNING)).toEqual([
      { state: WARNING, summary: 'a restart would turn it back off (someone ran nodetool enablebackup)' },
    ]);
  });
});

describe('driftMetrics', () => {
  it('is 1 when the restart enables backup', () => {
    expect(driftMetrics(file(false, true))).toEqual([
      expect.objectContaining({ name: 'cassandra_incremental_backup_after_restart', type: 'gauge', value: 1 }),
    ]);
    expect(driftMetrics(file(false))[0]?.value).toBe(0);
  });
});
