// Check (evaluation): check_cassandra_backup's judgement of what cassandra/backup-facts.ts read.
// The backup status always (backup-status.ts); with --find-config or --config, the drift until the
// next restart (backup-config.ts); with --flush or --keyspace, each table's backups/
// (backup-freshness.ts). Pure: facts in, a Report out.

import type { BackupFacts } from '../cassandra/backup-facts.js';
import type { FreshnessFacts } from '../cassandra/freshness.js';
import { qualifiedName } from '../cassandra/identifiers.js';
import { extendReport, judgeSubject, reportState, type Report } from '../runtime/result.js';
import type { State } from '../runtime/state.js';
import { judgeConfiguration } from './backup-config.js';
import type { BackupExpectation } from './backup-expectation.js';
import {
  freshnessPerfdata,
  freshnessSubjects,
  judgeTable,
  tableSubject,
  type FreshnessPolicy,
  type NodeFacts,
} from './backup-freshness.js';
import { backupStatusReport } from './backup-status.js';

export interface BackupPolicy {
  readonly expectation: BackupExpectation;
  /** With --find-config or --config: the state when backup is as expected now but not after a restart. */
  readonly driftState?: State;
  /** With --flush or --keyspace; `flushing`: --flush was given. */
  readonly freshness?: FreshnessPolicy & { readonly flushing: boolean };
}

export function judgeBackup(facts: BackupFacts, policy: BackupPolicy, nowMs: number): Report {
  const { status } = facts;
  const statusReport = backupStatusReport(status, policy.expectation);
  const report =
    facts.configuration === undefined || policy.driftState === undefined
      ? statusReport
      : extendReport(
          statusReport,
          judgeConfiguration(
            facts.configuration,
            status.incrementalBackupsEnabled,
            policy.expectation,
            policy.driftState,
            reportState(statusReport),
          ),
        );
  const { freshness } = policy;
  if (freshness === undefined) return report;
  if (facts.freshness === undefined) {
    // Backup is off, so nothing was read: said with the status's own state (OK with --expect-backup disabled).
    const skipped = `freshness check skipped: backup is off${freshness.flushing ? ', so no flush was sent' : ''}`;
    return extendReport(report, { results: [{ state: reportState(report), summary: skipped }], details: [skipped] });
  }
  // Where the opt-out was read (over CQL), the tables that opted out were left out exactly.
  const node: NodeFacts = {
    tablesMayOptOut: facts.freshness.optedOut === undefined && Number(status.releaseVersion?.split('.')[0] ?? 0) >= 5,
  };
  return extendReport(report, judgeFreshness(facts.freshness, freshness, nowMs, node));
}

function judgeFreshness(
  facts: FreshnessFacts,
  policy: FreshnessPolicy,
  nowMs: number,
  node: NodeFacts,
): Partial<Report> {
  const results = facts.tables.map(({ table, reading }) =>
    judgeSubject(tableSubject(table), reading, (observation) => judgeTable(table, observation, policy, nowMs, node)),
  );
  return {
    subjects: freshnessSubjects(results),
    perfdata: freshnessPerfdata(results, policy),
    details: [
      `data directories: ${facts.dataDirectories.join(', ')}`,
      ...(facts.excluded.length > 0 ? [`excluded (--exclude): ${facts.excluded.map(qualifiedName).join(', ')}`] : []),
      ...((facts.optedOut ?? []).length > 0
        ? [
            `left out, opted out WITH incremental_backups = false: ${(facts.optedOut ?? []).map(qualifiedName).join(', ')}`,
          ]
        : []),
    ],
    facts: { data_directories: facts.dataDirectories },
  };
}
