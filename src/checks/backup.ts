// Check: check_cassandra_backup's whole run. The status alone by default; with --flush,
// --keyspace or an age threshold, the freshness of the backups/ directories too.

import { DataDirectoryError } from '../cassandra/data-layout.js';
import type { TableName, TableSelector } from '../cassandra/identifiers.js';
import { readBackupStatus } from '../cassandra/storage-service.js';
import { flushTables, readTableLocations, resolveTables } from '../cassandra/tables.js';
import type { CallLimits, JolokiaClient } from '../jolokia/client.js';
import type { Report } from '../runtime/result.js';
import { OK } from '../runtime/state.js';
import { backupStatusReport, type BackupExpectation } from './backup-status.js';
import {
  freshnessFacts,
  freshnessMetrics,
  freshnessPerfdata,
  freshnessResults,
  judgeTable,
  scanTables,
  type FreshnessPolicy,
} from './backup-freshness.js';

export interface FreshnessRequest extends FreshnessPolicy {
  /** Tables to flush before looking. */
  readonly flush: readonly TableSelector[];
  /** Tables to look at without flushing. */
  readonly look: readonly TableSelector[];
  /** Where the data lives as seen from here; default: what the node reports. */
  readonly dataDirectories?: readonly string[];
}

export interface BackupCheckSettings {
  readonly expectation: BackupExpectation;
  readonly freshness?: FreshnessRequest;
}

export async function checkBackup(client: JolokiaClient, settings: BackupCheckSettings, limits: CallLimits): Promise<Report> {
  const { freshness } = settings;
  const status = await readBackupStatus(client, limits, { dataFileLocations: freshness !== undefined && freshness.dataDirectories === undefined });
  const report = backupStatusReport(status, settings.expectation, client.where);
  if (freshness === undefined) return report;

  if (!status.incrementalBackupsEnabled) {
    const skipped = `freshness check skipped: backup is off${freshness.flush.length > 0 ? ', so no flush was sent' : ''}`;
    return {
      ...report,
      results: report.results.map((r) => ({ ...r, summary: `${r.summary}; ${skipped}` })),
      details: [...report.details, skipped],
    };
  }

  const dataDirectories = freshness.dataDirectories ?? status.dataFileLocations ?? [];
  const tables = await resolveTables(client, [...freshness.flush, ...freshness.look], limits);
  const toFlush = tables.filter((t) => freshness.flush.some((s) => s.keyspace === t.keyspace && (s.table === undefined || s.table === t.table)));
  const locations = await readTableLocations(client, tables, limits);

  const flushed = new Set(toFlush);
  const before = scanTables(dataDirectories, locations, flushed, limits.deadline);
  // Nothing is flushed unless every table can be verified afterwards.
  const missing = locations.filter((_, i) => before[i]!.directories.length === 0);
  if (missing.length > 0) {
    const names = missing.map((l) => `${l.table.keyspace}/${l.directoryName}`).join(', ');
    throw new DataDirectoryError(`No directory ${names} under ${dataDirectories.join(', ')}: are these the node's data directories? Give --data-dir as seen from here`);
  }
  const hadData = toFlush.length > 0 ? await flushTables(client, toFlush, limits) : new Map<TableName, boolean>();
  const after = toFlush.length > 0 ? scanTables(dataDirectories, locations, flushed, limits.deadline) : before;

  const now = Date.now();
  const verdicts = locations.map((location, i) =>
    judgeTable(
      { table: location.table, flushed: hadData.has(location.table), hadData: hadData.get(location.table) === true, before: before[i]!, after: after[i]! },
      freshness,
      now,
    ),
  );
  const statusOk = report.results.every((r) => r.state === OK);
  return {
    results: [...(statusOk ? [] : report.results), ...freshnessResults(verdicts).map((r) => (r.state === OK ? { ...r, summary: `${report.results[0]?.summary}; ${r.summary}` } : r))],
    perfdata: [...report.perfdata, ...freshnessPerfdata(verdicts, freshness)],
    details: [...report.details, `data directories: ${dataDirectories.join(', ')}`, ...verdicts.map((v) => `${v.state.name}: ${v.line}`)],
    facts: { ...report.facts, data_directories: dataDirectories, tables: freshnessFacts(verdicts) },
    metrics: [...report.metrics, ...freshnessMetrics(verdicts)],
  };
}
