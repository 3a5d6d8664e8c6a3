// Registry entry: check_cassandra_backup_backlog — what waits in backups/ for the shipper that
// should copy it off and delete it; the alarm for a stopped shipper. Reader:
// src/cassandra/backlog-facts.ts; judge: src/checks/backup-backlog.ts.

import { readBacklog, type BacklogFacts, type BacklogRequest } from '../cassandra/backlog-facts.js';
import { parseTableSelector, type TableSelector } from '../cassandra/identifiers.js';
import { readBackupStatus, type BackupStatus } from '../cassandra/storage-service.js';
import { judgeBacklogFacts, type BacklogPolicy } from '../checks/backup-backlog.js';
import {
  CONNECTION_OPTIONS,
  connectionWarnings,
  describeAnyConnection,
  readConnection,
  type Connection,
} from '../cli/connection.js';
import { cqlHint, cqlLimits, overCql } from '../cli/cql-connection.js';
import { connectionHintOr, jolokiaSource } from '../cli/jolokia-connection.js';
import { parseDuration } from '../runtime/duration.js';
import type { ParsedOptions } from '../runtime/options.js';
import type { Check, CheckContext } from '../runtime/plugin.js';
import { parseSize } from '../runtime/size.js';
import { describeThresholds, readThresholds } from '../runtime/thresholds.js';
import type { PluginEntry } from './entry.js';

const NAME = 'check_cassandra_backup_backlog';
const WHAT = 'What to look at (run on the node: reads its data directories)';
const THRESHOLDS = 'Thresholds (Monitoring Plugins ranges)';

interface BacklogSettings {
  readonly connection: Connection;
  readonly request: BacklogRequest;
  readonly policy: BacklogPolicy;
}

const backlogCheck: Check<BacklogSettings, BacklogFacts> = {
  configure(options, env, plugin) {
    const dataDirectories = options.list('data-dir');
    return {
      connection: readConnection(options, env, plugin),
      request: {
        ...(dataDirectories.length > 0 ? { dataDirectories } : {}),
        filter: { only: selectors(options, 'keyspace'), exclude: selectors(options, 'exclude') },
      },
      policy: {
        age: readThresholds(options, 'age', parseDuration),
        size: readThresholds(options, 'size', parseSize),
        share: readThresholds(options, 'share'),
      },
    };
  },
  describe({ connection, request, policy }) {
    const list = (s: readonly TableSelector[]): string =>
      s.map((x) => (x.table === undefined ? x.keyspace : `${x.keyspace}.${x.table}`)).join(', ') || '(all)';
    return [
      ...(request.dataDirectories === undefined ? describeAnyConnection(connection) : []),
      `data directories: ${request.dataDirectories?.join(', ') ?? `as the node reports them (${connection.transport === 'cql' ? 'data_file_directories' : 'AllDataFileLocations'})`}`,
      `keyspaces: ${list(request.filter.only)}; left out: ${request.filter.exclude.length === 0 ? '(none)' : list(request.filter.exclude)}`,
      `oldest age (s): ${describeThresholds(policy.age)}; size (B): ${describeThresholds(policy.size)}; share (%): ${describeThresholds(policy.share)}`,
    ];
  },
  warnings: (settings) =>
    settings.request.dataDirectories === undefined ? connectionWarnings(settings.connection) : [],
  read: (settings, context) =>
    readBacklog(() => nodeStatus(settings.connection, context), settings.request, context.deadline),
  judge: (facts, settings, nowMs) => judgeBacklogFacts(facts, settings.policy, nowMs),
  factsWhenUnknown: { files: null, bytes: null, oldest_age_seconds: null },
  // Only the data directories' paths come from the node: with --data-dir it is not asked at all.
  hint: (error) => cqlHint(error) ?? connectionHintOr('or give --data-dir, which needs no agent')(error),
};

/** The node's backup flag and data directories, over the transport chosen. */
function nodeStatus(connection: Connection, context: CheckContext): Promise<BackupStatus> {
  return connection.transport === 'cql'
    ? overCql((cql) => cql.readBackupStatus(connection.cql.endpoint, cqlLimits(context)))
    : readBackupStatus(jolokiaSource(connection.jolokia, context), { dataFileLocations: true });
}

function selectors(options: ParsedOptions, name: string): TableSelector[] {
  return options
    .list(name)
    .flatMap((v) => v.split(','))
    .map((v) => parseTableSelector(v.trim(), `--${name}`));
}

export const entry: PluginEntry = {
  name: NAME,
  summary:
    "what waits in a Cassandra node's backups/ directories for the shipper: age of the oldest file, bytes, share of the disk",
  service: 'CASSANDRA BACKUP BACKLOG',
  metricPrefix: 'cassandra_backup_backlog',
  icingaCommand: 'cassandra_backup_backlog',
  check: backlogCheck,

  options: [
    {
      name: 'data-dir',
      kind: 'list',
      arg: 'DIR',
      group: WHAT,
      help: 'A data directory as seen from here. Repeatable. Default: what the node reports (over Jolokia AllDataFileLocations, over CQL data_file_directories); with --data-dir the node is not asked at all.',
    },
    {
      name: 'keyspace',
      kind: 'list',
      arg: 'KEYSPACE[.TABLE]',
      group: WHAT,
      help: 'Only this keyspace or table. Repeatable. Default: every keyspace, system ones included.',
    },
    {
      name: 'exclude',
      kind: 'list',
      arg: 'KEYSPACE[.TABLE]',
      group: WHAT,
      help: 'Leave this keyspace or table out. Repeatable; -v lists what was left out.',
    },
    {
      name: 'warning-age',
      kind: 'value',
      arg: 'RANGE',
      group: THRESHOLDS,
      help: "On the age of each table's oldest file in backups/ (the shipper's lag), in seconds or with a unit: 6h means WARNING when older than 6 hours.",
    },
    { name: 'critical-age', kind: 'value', arg: 'RANGE', group: THRESHOLDS, help: 'The same, CRITICAL, e.g. 1d.' },
    {
      name: 'warning-size',
      kind: 'value',
      arg: 'RANGE',
      group: THRESHOLDS,
      help: 'On the bytes waiting in all of backups/, each inode once; units K, M, G, T (powers of 1024): 50G.',
    },
    { name: 'critical-size', kind: 'value', arg: 'RANGE', group: THRESHOLDS, help: 'The same, CRITICAL.' },
    {
      name: 'warning-share',
      kind: 'value',
      arg: 'RANGE',
      group: THRESHOLDS,
      help: "On what backups/ takes of each data directory's file system, in percent: 10 means WARNING above 10%.",
    },
    { name: 'critical-share', kind: 'value', arg: 'RANGE', group: THRESHOLDS, help: 'The same, CRITICAL.' },
    ...CONNECTION_OPTIONS,
  ],
  formats: [],

  description: [
    "Cassandra hard-links every flushed and streamed SSTable (repair, bootstrap, nodetool import) into the table's backups/ directory and never deletes one; nodetool clearsnapshot does not touch it either. A shipper (Medusa, tablesnap, esop, rsync from cron) must copy the files off the node and remove them. When it stops, nothing else alarms until the disk is full, and the off-node backups stop at the same moment.",
    "This check reads every table's backups/ (index SSTables in backups/.<index>/ included; old directories of dropped tables too) and reports the files and bytes waiting, the age of the oldest file of each table, and what backups/ takes of each data directory's file system. A file with several hard links counts once; the part that is also a live SSTable is reported as shared with live SSTables: deleting it would free no disk. Run it on the node itself (NRPE, an Icinga 2 agent).",
  ],
  states: {
    ok: "every table's oldest file is young enough, and the total size and each file system share are within their ranges; a table without a backups/ directory is not an error.",
    warning:
      "a table's oldest file older than --warning-age, the total over --warning-size, or a data directory's share over --warning-share.",
    critical: 'the same against the --critical-* ranges.',
    unknown:
      'a data directory that does not exist here or cannot be read (a keyspace or table folder that cannot be read: that one alone, named), no answer from the node (its agent, or CQL with --transport cql) when the data directories are not given, timeout; also bad options.',
  },
  perfdata: [
    {
      label: 'oldest_age',
      unit: 's',
      meaning: 'age of the oldest file waiting in any backups/ (0 when nothing waits), with the age ranges.',
    },
    { label: 'bytes', unit: 'B', meaning: 'bytes waiting, each inode once, with the size ranges.' },
    { label: 'files', meaning: 'files waiting (every name, every component).' },
    { label: 'live_shared', unit: 'B', meaning: 'of those bytes, what is also a live SSTable.' },
    { label: 'tables', meaning: 'tables with files waiting.' },
    {
      label: 'share',
      unit: '%',
      meaning:
        "what backups/ takes of the data directory's file system, with the share ranges; share_1, share_2, ... with several data directories (in the order -v lists them).",
    },
  ],
  examples: [
    {
      says: 'The stopped-shipper alarm, on the node: WARNING when a file has waited 2 hours, CRITICAL after 6:',
      command: `${NAME} --warning-age 2h --critical-age 6h`,
    },
    {
      says: 'The same without asking the agent, and the disk too:',
      command: `${NAME} --data-dir /var/lib/cassandra/data --warning-age 2h --critical-age 6h --warning-share 10 --critical-share 20`,
    },
    {
      says: 'On a node without a Jolokia agent, its data directories asked over CQL:',
      command: `${NAME} --transport cql -H 127.0.0.1 -u monitor --password-file /etc/nagios/cassandra.pw --warning-age 2h --critical-age 6h`,
    },
    {
      says: 'Only the keyspaces the shipper handles, and a size limit:',
      command: `${NAME} --keyspace shop --keyspace billing --critical-size 200G`,
    },
    {
      says: "Per table, for node_exporter's textfile collector:",
      command: `${NAME} --data-dir /var/lib/cassandra/data --format prometheus > $DIR/cassandra_backlog.prom.$$; mv $DIR/cassandra_backlog.prom.$$ $DIR/cassandra_backlog.prom`,
    },
  ],
  footer: [
    'Long output from -v on: the data directories with their file systems, then one line per table with files waiting. JSON: files, bytes, live_shared_bytes, oldest_age_seconds, oldest_table, data_directories and a tables list. Prometheus: cassandra_backups_files, _bytes, _live_shared_bytes and _oldest_file_age_seconds per {keyspace, table}; cassandra_backups_filesystem_share_ratio per {data_directory}.',
    'The check makes one lstat call per file, on every core; a million files took three to four seconds on a 2-core VM (docs/DECISIONS.md D19). Give -t room on nodes with a large backlog.',
  ],

  nagios: [
    {
      name: NAME,
      arguments: '',
      nrpe: NAME,
      says: ['On the node, through its NRPE (docs/nrpe.cfg): the files waiting in backups/ for the shipper.'],
    },
  ],
  nrpe: [
    {
      name: NAME,
      arguments:
        '--data-dir /var/lib/cassandra/data --warning-age 2h --critical-age 6h --warning-share 10 --critical-share 20 -t 30',
    },
  ],
};
