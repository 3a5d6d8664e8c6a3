// Check (evaluation): the seed's "until restart". The runtime setting (nodetool enablebackup /
// disablebackup) against what the node will read at its next restart (cassandra.yaml, or the 4.1+
// system property that overrides it). The dangerous case is silent: backup switched on at
// runtime and off in the file, so the next rolling restart turns it off everywhere.

import { basename } from 'node:path';
import type { Metric, Result } from '../runtime/result.js';
import type { State } from '../runtime/state.js';
import type { BackupExpectation } from './backup-status.js';

export interface PersistedSetting {
  /** The file's `incremental_backups` (false when absent, as Cassandra reads it). */
  readonly value: boolean;
  readonly file: string;
  /** `-Dcassandra.settings.incremental_backups`, which a 4.1+ node started with it honours. */
  readonly override: boolean | undefined;
}

/** What the next restart will do. */
export function afterRestart(persisted: PersistedSetting): boolean {
  return persisted.override ?? persisted.value;
}

/**
 * Nothing when the running node and its configuration agree. When they do not: the running
 * state is as expected but will not survive a restart (WARNING by default), or it is not as
 * expected and a restart would set it right (said beside the status's own alarm, in its state).
 */
export function judgeDrift(running: boolean, persisted: PersistedSetting, expectation: BackupExpectation, driftState: State, statusState: State): Result[] {
  const next = afterRestart(persisted);
  if (next === running) return [];
  const source =
    persisted.override === undefined
      ? `${basename(persisted.file)} has incremental_backups: ${persisted.value}`
      : `the node was started with -Dcassandra.settings.incremental_backups=${persisted.override}`;
  if (running === (expectation.expect === 'enabled')) {
    return [{ state: driftState, summary: `${running ? 'enabled' : 'disabled'} until the next restart: ${source}` }];
  }
  return [{ state: statusState, summary: `a restart would turn it back ${next ? 'on' : 'off'} (someone ran nodetool ${running ? 'enablebackup' : 'disablebackup'})` }];
}

export function driftMetrics(persisted: PersistedSetting): Metric[] {
  return [
    {
      name: 'cassandra_incremental_backup_after_restart',
      help: 'Whether incremental backup will be enabled after the next restart (1) or not (0), from cassandra.yaml and its system-property override.',
      type: 'gauge',
      value: afterRestart(persisted) ? 1 : 0,
    },
  ];
}
