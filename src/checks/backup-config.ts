// Check (evaluation): "enabled until the next restart". The runtime setting (nodetool
// enablebackup / disablebackup) against what the node will read at its next restart
// (cassandra.yaml, or the 4.1+ system property that overrides it). The dangerous case is silent:
// backup switched on at runtime and off in the file, so the next rolling restart turns it off
// everywhere. The facts come from cassandra/backup-facts.ts.

import { basename } from 'node:path';
import type { ConfigurationFacts } from '../cassandra/backup-facts.js';
import type { Metric, Report, Result } from '../runtime/result.js';
import { UNKNOWN, type State } from '../runtime/state.js';
import type { BackupExpectation } from './backup-expectation.js';

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
export function judgeDrift(
  running: boolean,
  persisted: PersistedSetting,
  expectation: BackupExpectation,
  driftState: State,
  statusState: State,
): Result[] {
  const next = afterRestart(persisted);
  if (next === running) return [];
  const source =
    persisted.override === undefined
      ? `${basename(persisted.file)} has incremental_backups: ${persisted.value}`
      : `the node was started with -Dcassandra.settings.incremental_backups=${persisted.override}`;
  if (running === (expectation.expect === 'enabled')) {
    return [{ state: driftState, summary: `${running ? 'enabled' : 'disabled'} until the next restart: ${source}` }];
  }
  return [
    {
      state: statusState,
      summary: `a restart would turn it back ${next ? 'on' : 'off'} (someone ran nodetool ${running ? 'enablebackup' : 'disablebackup'})`,
    },
  ];
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

/**
 * What the configuration adds to the status's report: the drift, or UNKNOWN beside the status
 * (which stays known) when the file could not be found or read.
 */
export function judgeConfiguration(
  facts: ConfigurationFacts,
  running: boolean,
  expectation: BackupExpectation,
  driftState: State,
  statusState: State,
): Partial<Report> {
  const { node, file, value } = facts;
  const loader =
    node.loader === undefined
      ? []
      : [
          `warning: the node loads its configuration with ${node.loader}, which may not read ${file ?? 'a cassandra.yaml'}`,
        ];
  if (file === undefined || value === undefined) {
    return {
      results: [
        { state: UNKNOWN, summary: `Cannot find the node's cassandra.yaml (${node.foundBy}): give --config FILE` },
      ],
      details: loader,
    };
  }
  if ('unreadable' in value) return { results: [{ state: UNKNOWN, summary: value.unreadable }], details: loader };
  const persisted: PersistedSetting = { file, value: value.found, override: node.override };
  const next = afterRestart(persisted);
  return {
    results: judgeDrift(running, persisted, expectation, driftState, statusState),
    perfdata: [{ label: 'backup_after_restart', value: next ? 1 : 0, min: 0, max: 1 }],
    details: [
      `configuration: ${file} (${facts.named ? '--config' : `found through ${node.foundBy}`}) has incremental_backups: ${value.found}`,
      ...(node.override === undefined
        ? []
        : [
            `the node was started with -Dcassandra.settings.incremental_backups=${node.override}, which overrides the file (cassandra.config.allow_system_properties=true)`,
          ]),
      `after the next restart: backup ${next ? 'enabled' : 'disabled'}; running now: ${running ? 'enabled' : 'disabled'}`,
      ...loader,
    ],
    facts: {
      config_file: file,
      incremental_backups_in_config: value.found,
      incremental_backups_override: node.override ?? null,
      backup_enabled_after_restart: next,
    },
    metrics: driftMetrics(persisted),
  };
}
