// Plugin: check_cassandra_backup — is incremental backup running on a Cassandra node, as
// `nodetool statusbackup` would say, asked over Jolokia instead of a JVM per check.

import { parseTableSelector } from '../cassandra/identifiers.js';
import { NODETOOL_BACKUP_WORDS } from '../cassandra/mbeans.js';
import { checkBackup, type BackupCheckSettings, type FreshnessRequest } from '../checks/backup.js';
import { BACKUP_FACTS_WHEN_UNKNOWN } from '../checks/backup-status.js';
import { parseDuration } from '../runtime/duration.js';
import { JolokiaClient } from '../jolokia/client.js';
import { UsageError } from '../runtime/errors.js';
import type { OptionSpec, ParsedOptions } from '../runtime/options.js';
import { sanitize, type Renderer } from '../runtime/output.js';
import { parseStateOption, type PluginDefinition } from '../runtime/plugin.js';
import { reportState, reportSummary } from '../runtime/result.js';
import { VERSION } from '../version.js';
import { CONNECTION_OPTIONS, describeConnection, readConnection, type ConnectionSettings } from './connection.js';
import { renderHelp } from './help.js';

const NAME = 'check_cassandra_backup';

interface BackupCheckConfig extends BackupCheckSettings {
  readonly connection: ConnectionSettings;
}

const FRESHNESS = 'Backup freshness (run on the node: reads its data directories)';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'expect', kind: 'value', arg: 'enabled|disabled', default: 'enabled', group: 'Backup status', help: 'What this node should do. Nodes that should not back up: --expect disabled.' },
  { name: 'disabled-state', kind: 'value', arg: 'STATE', default: 'warning', group: 'Backup status', help: 'State when backup is disabled but expected enabled.' },
  { name: 'enabled-state', kind: 'value', arg: 'STATE', default: 'warning', group: 'Backup status', help: 'State when backup is enabled but expected disabled.' },
  { name: 'flush', kind: 'list', arg: 'KEYSPACE[.TABLE]', group: FRESHNESS, help: 'Flush this keyspace or table first (Jolokia exec of forceKeyspaceFlush), then prove that every table that had data got a new SSTable whose hard link is in backups/. Repeatable.' },
  { name: 'keyspace', kind: 'list', arg: 'KEYSPACE[.TABLE]', group: FRESHNESS, help: 'Look at the backups/ of this keyspace or table without flushing. Repeatable.' },
  { name: 'data-dir', kind: 'list', arg: 'DIR', group: FRESHNESS, help: 'A data directory as seen from here. Repeatable. Default: what the node reports (AllDataFileLocations).' },
  { name: 'max-age', kind: 'value', arg: 'DURATION', group: FRESHNESS, help: 'WARNING when the newest backup file of a table looked at with --keyspace is older, e.g. 90m, 6h, 2d. (A flushed table is judged by the flush.)' },
  { name: 'critical-age', kind: 'value', arg: 'DURATION', group: FRESHNESS, help: 'CRITICAL when the newest backup file of a table looked at with --keyspace is older.' },
  ...CONNECTION_OPTIONS,
];

function readFreshness(options: ParsedOptions): FreshnessRequest | undefined {
  const flush = options.list('flush').map((text) => parseTableSelector(text, '--flush'));
  const look = options.list('keyspace').map((text) => parseTableSelector(text, '--keyspace'));
  const maxAge = options.has('max-age') ? parseDuration(options.value('max-age') ?? '', '--max-age') : undefined;
  const criticalAge = options.has('critical-age') ? parseDuration(options.value('critical-age') ?? '', '--critical-age') : undefined;
  const dataDirectories = options.list('data-dir');
  if (maxAge !== undefined && criticalAge !== undefined && criticalAge < maxAge) throw new UsageError('--critical-age is shorter than --max-age');
  if (flush.length === 0 && look.length === 0) {
    const stray = ['max-age', 'critical-age', 'data-dir'].filter((name) => options.has(name));
    if (stray.length > 0) throw new UsageError(`--${stray[0]} needs tables to look at: give --flush or --keyspace`);
    return undefined;
  }
  if (dataDirectories.some((d) => d.trim() === '')) throw new UsageError('--data-dir: empty path');
  return {
    flush,
    look,
    ...(maxAge === undefined ? {} : { maxAge }),
    ...(criticalAge === undefined ? {} : { criticalAge }),
    ...(dataDirectories.length === 0 ? {} : { dataDirectories }),
  };
}

/** `--format nodetool`: exactly what `nodetool statusbackup` prints, so its scripts can call us instead. */
const renderNodetool: Renderer = (report, context) => {
  const enabled = report.facts['backup_enabled'];
  if (typeof enabled === 'boolean') {
    return { stdout: `${enabled ? NODETOOL_BACKUP_WORDS.enabled : NODETOOL_BACKUP_WORDS.disabled}\n` };
  }
  // Like nodetool when it cannot connect: nothing on stdout, the reason on stderr, a non-zero exit.
  const debug = context.debug.map((line) => `${sanitize(line, 2000)}\n`).join('');
  return { stdout: '', stderr: `${context.service} ${reportState(report).name} - ${sanitize(reportSummary(report))}\n${debug}` };
};

export const plugin: PluginDefinition<BackupCheckConfig> = {
  name: NAME,
  service: 'CASSANDRA BACKUP',
  metricPrefix: 'cassandra_backup',
  version: VERSION,
  options: OPTIONS,
  usage: [
    `${NAME} [--url URL | -H HOST [-p PORT] [--path PATH] [--ssl]]`,
    '    [-u USER [--password-file FILE]] [--ca-file FILE | --insecure] [--cert FILE --key FILE]',
    '    [--expect enabled|disabled] [--disabled-state STATE] [--enabled-state STATE]',
    '    [--flush KS[.TABLE]]... [--keyspace KS[.TABLE]]... [--data-dir DIR]...',
    '    [--max-age DURATION] [--critical-age DURATION]',
    '    [--format nagios|json|prometheus|nodetool] [-t SECONDS] [--timeout-state STATE]',
    '    [--extra-opts [SECTION][@FILE]] [-v]... | -h | -V',
  ].join('\n'),

  configure(options, env) {
    const expect = options.value('expect') ?? 'enabled';
    if (expect !== 'enabled' && expect !== 'disabled') throw new UsageError(`--expect: '${expect}' is not enabled or disabled`);
    const freshness = readFreshness(options);
    return {
      connection: readConnection(options, env, `${NAME}/${VERSION}`),
      ...(freshness === undefined ? {} : { freshness }),
      expectation: {
        expect,
        disabledState: parseStateOption('disabled-state', options.value('disabled-state') ?? 'warning'),
        enabledState: parseStateOption('enabled-state', options.value('enabled-state') ?? 'warning'),
      },
    };
  },

  describe(config) {
    const { expectation, freshness } = config;
    const selectors = (list: FreshnessRequest['flush']) => list.map((s) => (s.table === undefined ? s.keyspace : `${s.keyspace}.${s.table}`)).join(', ') || '(none)';
    return [
      ...describeConnection(config.connection),
      `expect: backup ${expectation.expect} (disabled unexpectedly: ${expectation.disabledState.name}, enabled unexpectedly: ${expectation.enabledState.name})`,
      ...(freshness === undefined
        ? []
        : [
            `flush: ${selectors(freshness.flush)}; look at: ${selectors(freshness.look)}`,
            `data directories: ${freshness.dataDirectories?.join(', ') ?? 'as the node reports them'}`,
            `max age: ${freshness.maxAge ?? '-'} s, critical age: ${freshness.criticalAge ?? '-'} s`,
          ]),
    ];
  },

  async check(config, context) {
    const client = new JolokiaClient(config.connection.endpoint);
    const report = await checkBackup(client, config, {
      // A little before the plugin's deadline, so the client's more precise message wins the race.
      deadline: context.deadline - 100,
      signal: context.signal,
      trace: (line) => context.debug(3, line),
    });
    return { ...report, details: [...report.details, ...config.connection.warnings.map((w) => `warning: ${w}`)] };
  },

  extraFormats: { nodetool: renderNodetool },
  factsWhenUnknown: BACKUP_FACTS_WHEN_UNKNOWN,

  help(definition, allOptions) {
    return renderHelp(
      {
        name: NAME,
        version: definition.version,
        usage: definition.usage,
        description: [
          'Checks whether incremental backup is enabled on an Apache Cassandra node: what `nodetool statusbackup` prints as "running" or "not running". It asks the node\'s Jolokia agent (JMX over HTTP) instead of starting a JVM for nodetool, so a check costs about as much as starting Node.',
          'With incremental backup enabled, Cassandra hard-links every flushed SSTable into the table\'s backups/ directory. The setting can be switched at runtime (nodetool enablebackup / disablebackup) and is lost on restart unless incremental_backups: true is in cassandra.yaml: that is what this check catches.',
          'Run on the node itself (NRPE, an Icinga 2 agent), it also proves that backups are being written. With --flush it reads each table\'s memtable size, flushes (as `nodetool flush` does), and checks that every table that had data got a new SSTable whose hard link (the same inode) is in backups/. With --keyspace and --max-age it judges the age of the newest backup file of each table, without writing anything. Only the table\'s current directory is looked at, in every data directory.',
        ],
        states: [
          'OK (0): backup is enabled (or disabled, with --expect disabled); with --flush, the new SSTables are hard-linked in backups/ (a table with nothing to flush is OK); with --max-age, every newest backup is young enough (an empty table has nothing to back up).',
          'WARNING (1): backup is disabled although expected enabled (then no flush is sent), or enabled although expected disabled; a flush whose new SSTables have no hard link in backups/ (compaction output, never linked, is no alarm when the flushed SSTable\'s link is there); a flush that wrote nothing although the memtable held data; a table with SSTables but no backup file; a newest backup older than --max-age (tables looked at without a flush: after a flush the proof counts).',
          'CRITICAL (2): a newest backup older than --critical-age (tables looked at without a flush); or chosen with --disabled-state critical / --enabled-state critical.',
          'UNKNOWN (3): could not find out: no connection, timeout (or --timeout-state), authentication refused, TLS not trusted, MBean missing, an answer that is not Jolokia\'s, a Jolokia policy that forbids the flush, an unknown keyspace or table, a data directory that cannot be read from here; also bad options. The line says what went wrong and where.',
        ],
        examples: [
          ['Nagios / NRPE on the node itself (the agent on its default port):', `${NAME}`],
          ['A remote node, the password kept out of the process list:', `${NAME} -H cass1.example.com -u monitor --password-file /etc/nagios/jolokia.pw`],
          ['Options from an INI file section [cassandra] (passwords too):', `${NAME} --extra-opts=cassandra@/etc/nagios/cassandra.ini`],
          ['A node that should not back up:', `${NAME} -H analytics1 --expect disabled`],
          ['"Status is running but no backup files": flush a keyspace, then prove the hard links (on the node):', `${NAME} --flush shop -t 60`],
          ['Alert when a table has had no new backup for 6 hours, critical after 2 days (no flush):', `${NAME} --keyspace shop --keyspace billing.invoices --max-age 6h --critical-age 2d`],
          ['JSON health line, as the seed\'s script printed it ({"backup_enabled": true, "status": "running", ...}):', `${NAME} --format json`],
          ['Prometheus, for node_exporter\'s textfile collector (write, then rename):', `${NAME} --format prometheus > $DIR/cassandra_backup.prom.$$; mv $DIR/cassandra_backup.prom.$$ $DIR/cassandra_backup.prom`],
          ['A drop-in for `nodetool statusbackup` in existing scripts (prints running / not running; nothing, exit 3, when it cannot find out):', `for node in node1 node2 node3; do echo -n "$node: "; ${NAME} -H "$node" --format nodetool; done`],
        ],
        footer: [
          'Output follows the Monitoring Plugins guidelines: one status line with perfdata (backup_enabled, time; with freshness also backup_age, backup_files, tables_flushed), long output from -v on (one line per table). Every format keeps the same exit codes. Keep -t below the timeout of whatever runs the plugin (check_nrpe -t, Icinga 2 check_timeout); give --flush more time (e.g. -t 60). Documentation: README.md, docs/SECURITY.md (credentials, the Jolokia access policy).',
        ],
      },
      allOptions.map((o) => (o.name === 'format' ? { ...o, arg: ['nagios', 'json', 'prometheus', ...Object.keys(definition.extraFormats ?? {})].join('|') } : o)),
    );
  },
};
