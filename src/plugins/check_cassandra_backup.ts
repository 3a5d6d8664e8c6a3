// Registry entry: check_cassandra_backup — is incremental backup running on a Cassandra node, as
// `nodetool statusbackup` would say, asked over Jolokia instead of a JVM per check; on the node,
// are backups really being written. Reader: src/cassandra/backup-facts.ts; judge:
// src/checks/backup.ts.

import { readBackupFacts, type BackupFacts, type BackupRequest } from '../cassandra/backup-facts.js';
import type { TableSelector } from '../cassandra/identifiers.js';
import { judgeBackup, type BackupPolicy } from '../checks/backup.js';
import { BACKUP_FACTS_WHEN_UNKNOWN } from '../checks/backup-status.js';
import { statusbackupFormat } from '../checks/nodetool-formats.js';
import { backupExpectationOptions, readBackupExpectation } from '../cli/backup-options.js';
import { readAgeLimits, readDriftState, readFreshnessRequest } from '../cli/freshness-options.js';
import {
  anyConnectionHint,
  CONNECTION_OPTIONS,
  connectionWarnings,
  describeAnyConnection,
  readConnection,
  type Connection,
} from '../cli/connection.js';
import { cqlLimits, overCql } from '../cli/cql-connection.js';
import { jolokiaSource } from '../cli/jolokia-connection.js';
import { UsageError } from '../runtime/errors.js';
import type { Check } from '../runtime/plugin.js';
import type { PluginEntry } from './entry.js';

const NAME = 'check_cassandra_backup';
const STATUS = 'Backup status';
const FRESHNESS = 'Backup freshness (run on the node: reads its data directories)';
const CONFIGURATION = 'Until restart (run on the node: reads its cassandra.yaml)';
const CREDENTIALS = '--extra-opts=@/etc/nagios4/cassandra.ini';
const ON_NODE = '-H 127.0.0.1 -u monitor --password-file /etc/nagios/jolokia.pw';
const ON_NODE_CQL = '--transport cql -H 127.0.0.1 -u monitor --password-file /etc/nagios/cassandra.pw';

interface BackupSettings {
  readonly connection: Connection;
  readonly request: BackupRequest;
  readonly policy: BackupPolicy;
}

const backupCheck: Check<BackupSettings, BackupFacts> = {
  configure(options, env, plugin) {
    const freshness = readFreshnessRequest(options);
    const driftState = readDriftState(options);
    const configuration =
      options.has('config') || options.has('find-config')
        ? { configuration: options.has('config') ? { file: options.text('config') } : {} }
        : {};
    const age = freshness === undefined ? undefined : readAgeLimits(options);
    const connection = readConnection(options, env, plugin);
    if (connection.transport === 'cql' && options.has('flush'))
      throw new UsageError(
        '--flush needs the Jolokia agent (CQL cannot flush): use --keyspace with --max-age over CQL, or --transport jolokia',
      );
    return {
      connection,
      request: { ...(freshness === undefined ? {} : { freshness }), ...configuration },
      policy: {
        expectation: readBackupExpectation(options),
        ...(driftState === undefined ? {} : { driftState }),
        ...(age === undefined ? {} : { freshness: { age, flushing: options.has('flush') } }),
      },
    };
  },
  describe: describeSettings,
  warnings: (settings) => connectionWarnings(settings.connection),
  read: ({ connection, request }, context) =>
    connection.transport === 'cql'
      ? overCql((cql) => cql.readBackupFacts(connection.cql.endpoint, request, cqlLimits(context)))
      : readBackupFacts(jolokiaSource(connection.jolokia, context), request),
  judge: (facts, settings, nowMs) => judgeBackup(facts, settings.policy, nowMs),
  formats: { nodetool: statusbackupFormat },
  factsWhenUnknown: BACKUP_FACTS_WHEN_UNKNOWN,
  hint: anyConnectionHint,
};

export const entry: PluginEntry = {
  name: NAME,
  summary: 'incremental backup status of a Cassandra node over Jolokia or CQL, and proof that backups are written',
  service: 'CASSANDRA BACKUP',
  metricPrefix: 'cassandra_backup',
  icingaCommand: 'cassandra_backup',
  check: backupCheck,

  options: [
    ...backupExpectationOptions({
      group: STATUS,
      who: 'this node',
      kept: ['expect', 'disabled-state', 'enabled-state'],
    }),
    {
      name: 'flush',
      kind: 'list',
      arg: 'KEYSPACE[.TABLE]',
      group: FRESHNESS,
      help: 'Flush this keyspace or table first (Jolokia exec of forceKeyspaceFlush; CQL cannot flush), then prove that every table that had data got a new SSTable whose hard link is in backups/. Repeatable.',
    },
    {
      name: 'keyspace',
      kind: 'list',
      arg: 'KEYSPACE[.TABLE]',
      group: FRESHNESS,
      help: 'Look at the backups/ of this keyspace or table without flushing. Repeatable.',
    },
    {
      name: 'exclude',
      kind: 'list',
      arg: 'KEYSPACE[.TABLE]',
      group: FRESHNESS,
      help: 'Leave this table (or keyspace) out of --flush and --keyspace, e.g. a table created WITH incremental_backups = false (Cassandra 5.0), which is never backed up; over CQL such tables are known and left out by themselves. Repeatable; -v lists what was left out.',
    },
    {
      name: 'data-dir',
      kind: 'list',
      arg: 'DIR',
      group: FRESHNESS,
      help: 'A data directory as seen from here. Repeatable. Default: what the node reports (AllDataFileLocations; over CQL, data_file_directories).',
    },
    {
      name: 'max-age',
      kind: 'value',
      arg: 'DURATION',
      group: FRESHNESS,
      help: 'WARNING when the newest backup file of a table looked at with --keyspace is older, e.g. 90m, 6h, 2d. (A flushed table is judged by the flush.)',
    },
    {
      name: 'critical-age',
      kind: 'value',
      arg: 'DURATION',
      group: FRESHNESS,
      help: 'CRITICAL when the newest backup file of a table looked at with --keyspace is older.',
    },
    {
      name: 'find-config',
      kind: 'flag',
      group: CONFIGURATION,
      help: "Compare the running setting with the node's cassandra.yaml, found as the node found it: the cassandra.config system property, else its class path, else /etc/cassandra. Reads java.lang:type=Runtime (SystemProperties, ClassPath); over CQL, system_views.system_properties.",
    },
    {
      name: 'config',
      kind: 'value',
      arg: 'FILE',
      group: CONFIGURATION,
      help: 'The same with this cassandra.yaml, as seen from here.',
    },
    {
      name: 'config-state',
      kind: 'value',
      arg: 'STATE',
      default: 'warning',
      group: CONFIGURATION,
      help: 'State when backup is as expected now but the next restart changes it (nodetool enablebackup without incremental_backups: true in the file).',
    },
    ...CONNECTION_OPTIONS,
  ],
  formats: ['nodetool'],

  description: [
    'Checks whether incremental backup is enabled on an Apache Cassandra node: what `nodetool statusbackup` prints as "running" or "not running". It asks the node\'s Jolokia agent (JMX over HTTP) instead of starting a JVM for nodetool, so a check costs about as much as starting Node.',
    'With --transport cql it asks the node on its native port instead (Cassandra 4.0 and later), with nothing installed on the node: system_views.settings holds the same runtime value. A role needs a grant to read system_views (README.md: "No agent on the nodes").',
    "With incremental backup enabled, Cassandra hard-links every flushed SSTable into the table's backups/ directory. The setting can be switched at runtime (nodetool enablebackup / disablebackup) and is lost on restart unless incremental_backups: true is in cassandra.yaml: that is what this check catches.",
    'Run on the node itself, --find-config (or --config FILE) compares the running setting with the cassandra.yaml the node loaded, and the 4.1+ override -Dcassandra.settings.incremental_backups: "enabled until the next restart" is a WARNING, the rolling restart that would silently turn backup off everywhere.',
    "Run on the node itself (NRPE, an Icinga 2 agent), it also proves that backups are being written. With --flush it reads each table's memtable size, flushes (as `nodetool flush` does), and checks that every table that had data got a new SSTable whose hard link (the same inode) is in backups/. With --keyspace and --max-age it judges the age of the newest backup file of each table, without writing anything. Only the table's current directory is looked at, in every data directory.",
  ],
  states: {
    ok: 'backup is enabled (or disabled, with --expect-backup disabled); with --flush, the new SSTables are hard-linked in backups/ (a table with nothing to flush is OK); with --max-age, every newest backup is young enough (an empty table has nothing to back up).',
    warning:
      "backup is disabled although expected enabled (then no flush is sent), or enabled although expected disabled; with --find-config or --config, backup as expected now but not after the next restart (--config-state); a flush whose new SSTables have no hard link in backups/ (compaction output, never linked, is no alarm when the flushed SSTable's link is there); a flush that wrote nothing although the memtable held data; a table with SSTables but no backup file; a newest backup older than --max-age (tables looked at without a flush: after a flush the proof counts).",
    critical:
      'a newest backup older than --critical-age (tables looked at without a flush); or chosen with --backup-state critical.',
    unknown:
      "could not find out: no connection, a cassandra.yaml that cannot be found, read or parsed (beside the status, which is still shown with -v), timeout (or --timeout-state), authentication refused, TLS not trusted, MBean missing, an answer that is not Jolokia's, a Jolokia policy that forbids the flush, an unknown keyspace or table, a data directory that cannot be read from here (for one table: that table alone); also bad options. The line says what went wrong and where.",
  },
  perfdata: [
    { label: 'backup_enabled', meaning: '1 when incremental backup is enabled, 0 when not (min 0, max 1).' },
    { label: 'time', unit: 's', meaning: 'round trip of the Jolokia request.' },
    {
      label: 'backup_age',
      unit: 's',
      meaning:
        "with --flush or --keyspace: the oldest of the tables' newest backup files (U when none has one), with the --max-age and --critical-age thresholds.",
    },
    { label: 'backup_files', meaning: "files in the tables' backups/ directories." },
    { label: 'tables_flushed', meaning: 'tables the check flushed.' },
    {
      label: 'backup_after_restart',
      meaning:
        'with --find-config or --config: 1 when backup will be enabled after the next restart, 0 when not (min 0, max 1).',
    },
  ],
  examples: [
    { says: 'Nagios / NRPE on the node itself (the agent on its default port):', command: NAME },
    {
      says: 'A remote node, the password kept out of the process list:',
      command: `${NAME} -H cass1.example.com -u monitor --password-file /etc/nagios/jolokia.pw`,
    },
    {
      says: 'Over CQL on the native port, with no agent on the node (Cassandra 4.0+; the role needs a grant on system_views, see README.md):',
      command: `${NAME} --transport cql -H cass1.example.com -u monitor --password-file /etc/nagios/cassandra.pw`,
    },
    {
      says: 'Options from an INI file section [cassandra] (passwords too):',
      command: `${NAME} --extra-opts=cassandra@/etc/nagios/cassandra.ini`,
    },
    { says: 'A node that should not back up:', command: `${NAME} -H analytics1 --expect-backup disabled` },
    {
      says: '"Status is running but no backup files": flush a keyspace, then prove the hard links (on the node):',
      command: `${NAME} --flush shop -t 60`,
    },
    {
      says: 'Alert when a table has had no new backup for 6 hours, critical after 2 days (no flush):',
      command: `${NAME} --keyspace shop --keyspace billing.invoices --max-age 6h --critical-age 2d`,
    },
    {
      says: 'A keyspace with a table that opted out of incremental backup (Cassandra 5.0: WITH incremental_backups = false):',
      command: `${NAME} --flush shop --exclude shop.sessions`,
    },
    {
      says: '"Enabled until restart": backup switched on with nodetool enablebackup but off in cassandra.yaml, which the next (rolling) restart reads (on the node):',
      command: `${NAME} --find-config`,
    },
    {
      says: "The same with the file named, e.g. where the agent's policy does not grant the system properties:",
      command: `${NAME} --config /etc/cassandra/cassandra.yaml`,
    },
    {
      says: 'JSON health line, as the health-check script of the nodetool statusbackup documentation printed it ({"backup_enabled": true, "status": "running", ...}):',
      command: `${NAME} --format json`,
    },
    {
      says: "Prometheus, for node_exporter's textfile collector (write, then rename):",
      command: `${NAME} --format prometheus > $DIR/cassandra_backup.prom.$$; mv $DIR/cassandra_backup.prom.$$ $DIR/cassandra_backup.prom`,
    },
    {
      says: 'A drop-in for `nodetool statusbackup` in existing scripts (prints running / not running; nothing, exit 3, when it cannot find out):',
      command: `for node in node1 node2 node3; do echo -n "$node: "; ${NAME} -H "$node" --format nodetool; done`,
    },
  ],
  footer: [
    'Long output from -v on: one line per table. Every format keeps the same exit codes. Keep -t below the timeout of whatever runs the plugin (check_nrpe -t, Icinga 2 check_timeout); give --flush more time (e.g. -t 60). Documentation: README.md, docs/SECURITY.md (credentials, the Jolokia access policy).',
  ],

  nagios: [
    {
      name: NAME,
      arguments: `-H $HOSTADDRESS$ ${CREDENTIALS} -t 10`,
      says: [
        'From the Nagios server, over the network: is incremental backup enabled on the node?',
        'The user and password come from an INI file readable by nagios only (never the command line):',
        '  /etc/nagios4/cassandra.ini   (mode 0640, root:nagios)',
        '  [check_cassandra_backup]',
        '  user=monitor',
        '  password=s3cret',
      ],
    },
    {
      name: `${NAME}_cql`,
      arguments: `-H $HOSTADDRESS$ --transport cql --extra-opts=cql@/etc/nagios4/cassandra.ini -t 10`,
      says: [
        'Over CQL, with nothing installed on the node: the role and password from the [cql] section of the same file (user=monitor, password=...).',
      ],
    },
    {
      name: `${NAME}_expect`,
      arguments: `-H $HOSTADDRESS$ ${CREDENTIALS} --expect-backup $ARG1$ -t 10`,
      says: ['The same, for nodes that should NOT back up (or the reverse): $ARG1$ = enabled | disabled.'],
    },
  ],
  nrpe: [
    { name: NAME, arguments: `${ON_NODE} -t 10` },
    { name: `${NAME}_flush`, arguments: `${ON_NODE} --flush shop -t 20` },
    { name: `${NAME}_age`, arguments: `${ON_NODE} --keyspace shop --max-age 1d --critical-age 2d -t 20` },
    { name: `${NAME}_config`, arguments: `${ON_NODE} --find-config -t 10` },
    { name: `${NAME}_cql_age`, arguments: `${ON_NODE_CQL} --keyspace shop --max-age 1d --critical-age 2d -t 20` },
  ],
};

function describeSettings({ connection, request, policy }: BackupSettings): string[] {
  const list = (selected: readonly TableSelector[]) =>
    selected.map((s) => (s.table === undefined ? s.keyspace : `${s.keyspace}.${s.table}`)).join(', ') || '(none)';
  const { expectation } = policy;
  const { freshness } = request;
  const age = policy.freshness?.age;
  return [
    ...describeAnyConnection(connection),
    `expect: backup ${expectation.expect} (disabled unexpectedly: ${expectation.disabledState.name}, enabled unexpectedly: ${expectation.enabledState.name})`,
    ...(freshness === undefined
      ? []
      : [
          `flush: ${list(freshness.flush)}; look at: ${list(freshness.look)}; leave out: ${list(freshness.exclude)}`,
          `data directories: ${freshness.dataDirectories?.join(', ') ?? 'as the node reports them'}`,
          `max age: ${age?.warning?.toString() ?? '-'} s, critical age: ${age?.critical?.toString() ?? '-'} s`,
        ]),
    ...(request.configuration === undefined
      ? []
      : [
          `configuration: ${request.configuration.file ?? 'the file the node loaded'} (until restart: ${policy.driftState?.name})`,
        ]),
  ];
}
