// Check: check_cassandra_backup's run. The backup status alone by default; with --flush,
// --keyspace or an age threshold, the freshness of each table's backups/ too: the tables are
// scanned, flushed, scanned again, and judged one by one (backup-freshness.ts).

import { DataDirectoryError, newFiles, requireDataDirectories, scanTable, type TableFiles } from '../cassandra/data-layout.js';
import { parseTableSelector, qualifiedName, type TableName, type TableSelector } from '../cassandra/identifiers.js';
import { NODETOOL_BACKUP_WORDS } from '../cassandra/mbeans.js';
import { readConfigFacts, readPersistedSetting } from '../cassandra/config-file.js';
import { readBackupStatus, type BackupStatus } from '../cassandra/storage-service.js';
import { flushTables, readTableLocations, resolveTables, type TableLocation } from '../cassandra/tables.js';
import { callLimits, connectionHint, describeConnection, jolokiaClient, readConnection, type ConnectionSettings } from '../cli/connection.js';
import type { JolokiaClient } from '../jolokia/client.js';
import type { CallLimits } from '../jolokia/transport.js';
import { parseDuration } from '../runtime/duration.js';
import { CheckError, UsageError } from '../runtime/errors.js';
import type { ParsedOptions } from '../runtime/options.js';
import { sanitize, statusText, type RenderContext, type Rendered } from '../runtime/output.js';
import { parseStateOption, type Check } from '../runtime/plugin.js';
import { assess, reportState, type Report } from '../runtime/result.js';
import { UNKNOWN, type State } from '../runtime/state.js';
import { afterRestart, driftMetrics, judgeDrift, type PersistedSetting } from './backup-config.js';
import { backupStatusReport, BACKUP_FACTS_WHEN_UNKNOWN, type BackupExpectation } from './backup-status.js';
import { freshnessPerfdata, freshnessSubjects, judgeTable, tableSubject, type FreshnessPolicy, type NodeFacts } from './backup-freshness.js';

export interface FreshnessRequest extends FreshnessPolicy {
  /** Tables to flush before looking. */
  readonly flush: readonly TableSelector[];
  /** Tables to look at without flushing. */
  readonly look: readonly TableSelector[];
  /** Tables (or keyspaces) left out of both, e.g. tables that opted out of incremental backup. */
  readonly exclude: readonly TableSelector[];
  /** Where the data lives as seen from here; default: what the node reports. */
  readonly dataDirectories?: readonly string[];
}

/** Compare the running setting with what the next restart reads (backup-config.ts). */
export interface ConfigurationRequest {
  /** --config; undefined: find the file the node loaded (--find-config). */
  readonly file?: string;
  /** State when the running setting is as expected but will not survive a restart. */
  readonly driftState: State;
}

export interface BackupConfig {
  readonly connection: ConnectionSettings;
  readonly expectation: BackupExpectation;
  readonly freshness?: FreshnessRequest;
  readonly configuration?: ConfigurationRequest;
}

export const backupCheck: Check<BackupConfig> = {
  configure(options, env) {
    const expect = options.value('expect') ?? 'enabled';
    if (expect !== 'enabled' && expect !== 'disabled') throw new UsageError(`--expect: '${expect}' is not enabled or disabled`);
    const freshness = readFreshness(options);
    const configuration = readConfigurationRequest(options);
    return {
      connection: readConnection(options, env, 'check_cassandra_backup'),
      ...(freshness === undefined ? {} : { freshness }),
      ...(configuration === undefined ? {} : { configuration }),
      expectation: {
        expect,
        disabledState: parseStateOption('disabled-state', options.value('disabled-state') ?? 'warning'),
        enabledState: parseStateOption('enabled-state', options.value('enabled-state') ?? 'warning'),
      },
    };
  },

  describe({ connection, expectation, freshness, configuration }) {
    const selectors = (list: readonly TableSelector[]) => list.map((s) => (s.table === undefined ? s.keyspace : `${s.keyspace}.${s.table}`)).join(', ') || '(none)';
    return [
      ...describeConnection(connection),
      `expect: backup ${expectation.expect} (disabled unexpectedly: ${expectation.disabledState.name}, enabled unexpectedly: ${expectation.enabledState.name})`,
      ...(freshness === undefined
        ? []
        : [
            `flush: ${selectors(freshness.flush)}; look at: ${selectors(freshness.look)}; leave out: ${selectors(freshness.exclude)}`,
            `data directories: ${freshness.dataDirectories?.join(', ') ?? 'as the node reports them'}`,
            `max age: ${freshness.maxAge ?? '-'} s, critical age: ${freshness.criticalAge ?? '-'} s`,
          ]),
      ...(configuration === undefined ? [] : [`configuration: ${configuration.file ?? 'the file the node loaded'} (until restart: ${configuration.driftState.name})`]),
    ];
  },

  async run(config, context) {
    const client = jolokiaClient(config.connection);
    const report = await checkBackup(client, config, callLimits(context));
    return { ...report, details: [...report.details, ...config.connection.warnings.map((w) => `warning: ${w}`)] };
  },

  formats: { nodetool: renderNodetool },
  factsWhenUnknown: BACKUP_FACTS_WHEN_UNKNOWN,
  hint: connectionHint,
};

export async function checkBackup(client: JolokiaClient, config: Omit<BackupConfig, 'connection'>, limits: CallLimits): Promise<Report> {
  const { freshness } = config;
  const status = await readBackupStatus(client, limits, { dataFileLocations: freshness !== undefined && freshness.dataDirectories === undefined });
  const statusReport = backupStatusReport(status, config.expectation, client.where);
  const report = config.configuration === undefined ? statusReport : await checkConfiguration(client, config.configuration, status, config.expectation, statusReport, limits);
  if (freshness === undefined) return report;

  if (!status.incrementalBackupsEnabled) {
    // Said with the status's own state: --expect disabled makes it OK, and then so is this.
    const skipped = `freshness check skipped: backup is off${freshness.flush.length > 0 ? ', so no flush was sent' : ''}`;
    return { ...report, results: [...report.results, { state: reportState(report), summary: skipped }], details: [...report.details, skipped] };
  }
  const tablesMayOptOut = Number(status.releaseVersion?.split('.')[0] ?? 0) >= 5;
  return checkFreshness(client, freshness, freshness.dataDirectories ?? status.dataFileLocations ?? [], report, limits, { tablesMayOptOut });
}

/**
 * "Until restart": what the node's configuration says against what it runs with. A file that
 * cannot be read is UNKNOWN beside the status, which stays known.
 */
async function checkConfiguration(client: JolokiaClient, request: ConfigurationRequest, status: BackupStatus, expectation: BackupExpectation, report: Report, limits: CallLimits): Promise<Report> {
  const running = status.incrementalBackupsEnabled;
  const node = await readConfigFacts(client, limits, status.releaseVersion);
  const file = request.file ?? node.file;
  const loader = node.loader === undefined ? [] : [`warning: the node loads its configuration with ${node.loader}, which may not read ${file ?? 'a cassandra.yaml'}`];
  const unknown = (summary: string): Report => ({ ...report, results: [...report.results, { state: UNKNOWN, summary }], details: [...report.details, ...loader] });
  if (file === undefined) {
    return unknown(`Cannot find the node's cassandra.yaml (${node.foundBy}): give --config FILE`);
  }
  let value: boolean;
  try {
    value = await readPersistedSetting(file, request.file === undefined ? 'found' : 'by --config');
  } catch (error) {
    if (!(error instanceof CheckError) || error.timedOut) throw error;
    return unknown(error.message);
  }
  const persisted: PersistedSetting = { file, value, override: node.override };
  const next = afterRestart(persisted);
  return {
    ...report,
    results: [...report.results, ...judgeDrift(running, persisted, expectation, request.driftState, reportState(report))],
    perfdata: [...report.perfdata, { label: 'backup_after_restart', value: next ? 1 : 0, min: 0, max: 1 }],
    details: [
      ...report.details,
      `configuration: ${file} (${request.file === undefined ? `found through ${node.foundBy}` : '--config'}) has incremental_backups: ${value}`,
      ...(node.override === undefined ? [] : [`the node was started with -Dcassandra.settings.incremental_backups=${node.override}, which overrides the file (cassandra.config.allow_system_properties=true)`]),
      `after the next restart: backup ${next ? 'enabled' : 'disabled'}; running now: ${running ? 'enabled' : 'disabled'}`,
      ...loader,
    ],
    facts: { ...report.facts, config_file: file, incremental_backups_in_config: value, incremental_backups_override: node.override ?? null, backup_enabled_after_restart: next },
    metrics: [...report.metrics, ...driftMetrics(persisted)],
  };
}

/** Scans the tables, flushes those asked for, scans them again, and judges each on its own. */
async function checkFreshness(client: JolokiaClient, freshness: FreshnessRequest, dataDirectories: readonly string[], report: Report, limits: CallLimits, node: NodeFacts): Promise<Report> {
  const selects = (selectors: readonly TableSelector[], t: TableName): boolean => selectors.some((s) => s.keyspace === t.keyspace && (s.table === undefined || s.table === t.table));
  const resolved = await resolveTables(client, [...freshness.flush, ...freshness.look], limits);
  const excluded = resolved.filter((t) => selects(freshness.exclude, t));
  const tables = resolved.filter((t) => !selects(freshness.exclude, t));
  if (tables.length === 0) throw new CheckError(`Every table asked for is left out by --exclude: ${excluded.map(qualifiedName).join(', ')}`);
  const toFlush = tables.filter((t) => selects(freshness.flush, t));
  const locations = await readTableLocations(client, tables, limits);

  requireDataDirectories(dataDirectories);
  const flushed = new Set(toFlush);
  const scan = (location: TableLocation, i: number): TableFiles => {
    if (Date.now() > limits.deadline) {
      throw new CheckError(`The data directories were still being read at the timeout (${i} of ${locations.length} tables done)`, { timedOut: true });
    }
    return scanTable(dataDirectories, location.table.keyspace, location.directoryName, { liveData: flushed.has(location.table) ? 'always' : 'when-no-backup' });
  };
  // The file system calls block, so the deadline is checked between tables: a slow disk ends the
  // check in time (a call that hangs in the kernel, on a dead NFS mount, still cannot).
  const before = locations.map((location, i) => ({ location, files: scan(location, i) }));
  // Nothing is flushed unless every table can be verified afterwards.
  const missing = before.filter((b) => b.files.directories.length === 0).map((b) => `${b.location.table.keyspace}/${b.location.directoryName}`);
  if (missing.length > 0) {
    throw new DataDirectoryError(`No directory ${missing.join(', ')} under ${dataDirectories.join(', ')}: are these the node's data directories? Give --data-dir as seen from here`);
  }
  const hadData = toFlush.length > 0 ? await flushTables(client, toFlush, limits) : new Map<TableName, boolean>();

  const now = Date.now();
  const results = before.map(({ location, files }, i) =>
    assess(tableSubject(location.table), () => {
      const wasFlushed = hadData.has(location.table);
      const after = wasFlushed ? scan(location, i) : files;
      const added = wasFlushed ? newFiles(files, after) : { live: [], backups: [] };
      return judgeTable(location.table, { flushed: wasFlushed, hadData: hadData.get(location.table) === true, files: after, added }, freshness, now, node);
    }),
  );
  return {
    ...report,
    subjects: freshnessSubjects(results),
    perfdata: [...report.perfdata, ...freshnessPerfdata(results, freshness)],
    details: [
      ...report.details,
      `data directories: ${dataDirectories.join(', ')}`,
      ...(excluded.length > 0 ? [`excluded (--exclude): ${excluded.map(qualifiedName).join(', ')}`] : []),
    ],
    facts: { ...report.facts, data_directories: dataDirectories },
  };
}

function readFreshness(options: ParsedOptions): FreshnessRequest | undefined {
  const flush = options.list('flush').map((text) => parseTableSelector(text, '--flush'));
  const look = options.list('keyspace').map((text) => parseTableSelector(text, '--keyspace'));
  const exclude = options.list('exclude').map((text) => parseTableSelector(text, '--exclude'));
  const maxAge = options.has('max-age') ? parseDuration(options.value('max-age') ?? '', '--max-age') : undefined;
  const criticalAge = options.has('critical-age') ? parseDuration(options.value('critical-age') ?? '', '--critical-age') : undefined;
  const dataDirectories = options.list('data-dir');
  if (maxAge !== undefined && criticalAge !== undefined && criticalAge < maxAge) throw new UsageError('--critical-age is shorter than --max-age');
  if (flush.length === 0 && look.length === 0) {
    const stray = ['max-age', 'critical-age', 'data-dir', 'exclude'].filter((name) => options.has(name));
    if (stray.length > 0) throw new UsageError(`--${stray[0]} needs tables to look at: give --flush or --keyspace`);
    return undefined;
  }
  if (dataDirectories.some((d) => d.trim() === '')) throw new UsageError('--data-dir: empty path');
  return {
    flush,
    look,
    exclude,
    ...(maxAge === undefined ? {} : { maxAge }),
    ...(criticalAge === undefined ? {} : { criticalAge }),
    ...(dataDirectories.length === 0 ? {} : { dataDirectories }),
  };
}

function readConfigurationRequest(options: ParsedOptions): ConfigurationRequest | undefined {
  const file = options.value('config');
  const find = options.has('find-config');
  if (file === undefined && !find) {
    if (options.has('config-state')) throw new UsageError('--config-state needs --config FILE or --find-config');
    return undefined;
  }
  if (file !== undefined && find) throw new UsageError('--config and --find-config: give one (--config names the file, --find-config asks the node)');
  if (file !== undefined && file.trim() === '') throw new UsageError('--config: empty path');
  const driftState = parseStateOption('config-state', options.value('config-state') ?? 'warning');
  return { ...(file === undefined ? {} : { file }), driftState };
}

/** `--format nodetool`: exactly what `nodetool statusbackup` prints, so its scripts can call us instead. */
function renderNodetool(report: Report, context: RenderContext): Rendered {
  const enabled = report.facts['backup_enabled'];
  if (typeof enabled === 'boolean') return { stdout: `${enabled ? NODETOOL_BACKUP_WORDS.enabled : NODETOOL_BACKUP_WORDS.disabled}\n` };
  // Like nodetool when it cannot connect: nothing on stdout, the reason on stderr, a non-zero exit.
  const debug = context.debug.map((line) => `${sanitize(line, 2000)}\n`).join('');
  return { stdout: '', stderr: `${context.service} ${reportState(report).name} - ${statusText(report)}\n${debug}` };
}
