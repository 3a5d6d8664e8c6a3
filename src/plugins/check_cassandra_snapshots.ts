// Registry entry: check_cassandra_snapshots — nodetool listsnapshots, judged: old snapshots,
// their true size, and those still there past their TTL. Reader: src/cassandra/snapshot-facts.ts;
// judge: src/checks/snapshots.ts.

import { readNodeSnapshots, readSnapshotFolders, type SnapshotFacts } from '../cassandra/snapshot-facts.js';
import { judgeSnapshots, type SnapshotPolicy } from '../checks/snapshots.js';
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
import type { Check } from '../runtime/plugin.js';
import { parseStateOption } from '../runtime/standard-options.js';
import { parseSize } from '../runtime/size.js';
import { describeThresholds, readThresholds } from '../runtime/thresholds.js';
import type { PluginEntry } from './entry.js';

const NAME = 'check_cassandra_snapshots';
const WHAT = 'Which snapshots';
const THRESHOLDS = 'Thresholds (Monitoring Plugins ranges)';
const CREDENTIALS = '--extra-opts=@/etc/nagios4/cassandra.ini';

interface SnapshotsSettings {
  readonly connection: Connection;
  /** Read the node's folders instead of asking the agent. */
  readonly dataDirectories?: readonly string[];
  readonly policy: SnapshotPolicy;
}

const snapshotsCheck: Check<SnapshotsSettings, SnapshotFacts> = {
  configure(options, env, plugin) {
    const dataDirectories = options.list('data-dir');
    return {
      connection: readConnection(options, env, plugin),
      ...(dataDirectories.length > 0 ? { dataDirectories } : {}),
      policy: {
        age: readThresholds(options, 'age', parseDuration),
        size: readThresholds(options, 'size', parseSize),
        expired: {
          state: parseStateOption('expired-state', options.text('expired-state')),
          graceSeconds: parseDuration(options.text('expired-grace'), '--expired-grace'),
        },
        excludeTags: options
          .list('exclude-tag')
          .flatMap((t) => t.split(','))
          .map((t) => t.trim())
          .filter((t) => t !== ''),
      },
    };
  },
  describe({ connection, dataDirectories, policy }) {
    return [
      ...(dataDirectories === undefined
        ? describeAnyConnection(connection)
        : [`data directories: ${dataDirectories.join(', ')} (no agent asked)`]),
      `age (s): ${describeThresholds(policy.age)}; true size (B): ${describeThresholds(policy.size)}; past TTL by ${policy.expired.graceSeconds} s: ${policy.expired.state.name}`,
      `left out: ${policy.excludeTags.join(', ') || '(none)'}`,
    ];
  },
  warnings: (settings) => (settings.dataDirectories === undefined ? connectionWarnings(settings.connection) : []),
  read: async ({ connection, dataDirectories }, context) => {
    if (dataDirectories !== undefined) return readSnapshotFolders(dataDirectories);
    return connection.transport === 'cql'
      ? overCql((cql) => cql.readSnapshots(connection.cql.endpoint, cqlLimits(context)))
      : readNodeSnapshots(jolokiaSource(connection.jolokia, context));
  },
  judge: (facts, settings, nowMs) => judgeSnapshots(facts, settings.policy, nowMs),
  factsWhenUnknown: { snapshot_count: null, true_size_bytes: null, oldest_age_seconds: null },
  hint: (error) => cqlHint(error) ?? connectionHintOr('or give --data-dir on the node, which needs no agent')(error),
};

export const entry: PluginEntry = {
  name: NAME,
  summary: "a Cassandra node's snapshots as nodetool listsnapshots shows them: age, true size, past their TTL",
  service: 'CASSANDRA SNAPSHOTS',
  metricPrefix: 'cassandra_snapshots',
  icingaCommand: 'cassandra_snapshots',
  check: snapshotsCheck,

  options: [
    {
      name: 'exclude-tag',
      kind: 'list',
      arg: 'TAG',
      group: WHAT,
      help: 'Leave this snapshot out, e.g. one kept on purpose; a trailing * matches a prefix (pre-upgrade-*). Repeatable.',
    },
    {
      name: 'data-dir',
      kind: 'list',
      arg: 'DIR',
      group: WHAT,
      help: 'Read the snapshot folders in this data directory instead of asking the agent (on the node). Repeatable.',
    },
    {
      name: 'warning-age',
      kind: 'value',
      arg: 'RANGE',
      group: THRESHOLDS,
      help: 'On the age of each snapshot, in seconds or with a unit: 7d means WARNING when one is older than 7 days.',
    },
    { name: 'critical-age', kind: 'value', arg: 'RANGE', group: THRESHOLDS, help: 'The same, CRITICAL, e.g. 30d.' },
    {
      name: 'warning-size',
      kind: 'value',
      arg: 'RANGE',
      group: THRESHOLDS,
      help: 'On the true size of all snapshots together (what clearing them would free); units K, M, G, T: 100G.',
    },
    { name: 'critical-size', kind: 'value', arg: 'RANGE', group: THRESHOLDS, help: 'The same, CRITICAL.' },
    {
      name: 'expired-state',
      kind: 'value',
      arg: 'STATE',
      default: 'warning',
      group: THRESHOLDS,
      help: 'State of a snapshot still there after its TTL ran out (nodetool snapshot --ttl, 4.1+).',
    },
    {
      name: 'expired-grace',
      kind: 'value',
      arg: 'DURATION',
      default: '10m',
      group: THRESHOLDS,
      help: 'How long past its TTL a snapshot may still be there before that counts: Cassandra removes them in the background.',
    },
    ...CONNECTION_OPTIONS,
  ],
  formats: [],

  description: [
    'Snapshots stay until someone runs nodetool clearsnapshot, or, from Cassandra 4.1 on, until their TTL runs out; every SSTable a snapshot holds stays on disk after compaction has replaced it, so an old snapshot grows into the disk it was meant to protect. This check lists what nodetool listsnapshots lists, one line per snapshot tag, and judges each on its age, all of them on their true size (the bytes no live SSTable shares: what clearing them would free), and those still there past their TTL.',
    'With --transport cql it reads system_views.snapshots (Cassandra 5.0), with the same judgement and nothing installed on the node; an older release has no such table: use the agent, or --data-dir on the node.',
    "It asks the agent for StorageService's SnapshotDetails, what listsnapshots reads. Cassandra 4.1 and later report when each snapshot was taken and when it expires; 4.0 does not, and the check then reads the snapshot folders when it runs on the node (manifest.json, or the folder's own time), or says that it needs them. Jolokia 2.x agents cut that answer short while a snapshot has no TTL; on the node the check then reads the folders instead, and away from it says so: run it on the node (NRPE, an Icinga 2 agent). With --data-dir it reads only the folders, without an agent.",
  ],
  states: {
    ok: 'every snapshot young enough, the true size within its ranges, none past its TTL (or no snapshots).',
    warning:
      'a snapshot older than --warning-age, the true size over --warning-size, or a snapshot past its TTL by more than --expired-grace (--expired-state).',
    critical: 'the same against the --critical-* ranges.',
    unknown:
      'no answer from the agent, a policy that forbids reading SnapshotDetails, a Jolokia 2.x agent that cuts it short (a snapshot without TTL) away from the node, age thresholds on Cassandra 4.0 away from the node (it does not report snapshot times), a snapshot folder that cannot be read, timeout; also bad options.',
  },
  perfdata: [
    {
      label: 'oldest_age',
      unit: 's',
      meaning: 'age of the oldest snapshot (0 without snapshots, U when the node does not say), with the age ranges.',
    },
    { label: 'true_size', unit: 'B', meaning: 'true size of all snapshots, with the size ranges.' },
    { label: 'size_on_disk', unit: 'B', meaning: 'every file of every snapshot, shared with live SSTables or not.' },
    { label: 'snapshots', meaning: 'snapshot tags.' },
    { label: 'expired', meaning: 'snapshots past their TTL by more than --expired-grace.' },
  ],
  examples: [
    {
      says: 'Snapshots older than a week WARNING, a month CRITICAL, from the monitoring server:',
      command: `${NAME} -H cass1 ${CREDENTIALS} --warning-age 7d --critical-age 30d`,
    },
    {
      says: 'And no more than 200 GiB kept in them, leaving out the one kept before an upgrade:',
      command: `${NAME} -H cass1 --critical-size 200G --exclude-tag 'pre-upgrade-*'`,
    },
    { says: 'On the node without an agent:', command: `${NAME} --data-dir /var/lib/cassandra/data --warning-age 7d` },
    {
      says: "Per snapshot, for node_exporter's textfile collector:",
      command: `${NAME} --format prometheus > $DIR/cassandra_snapshots.prom.$$; mv $DIR/cassandra_snapshots.prom.$$ $DIR/cassandra_snapshots.prom`,
    },
  ],
  footer: [
    'Long output from -v on: where the list came from, the sizes, then one line per snapshot. JSON: snapshot_count, true_size_bytes, size_on_disk_bytes, oldest_age_seconds, expired_count and a snapshots list. Prometheus: cassandra_snapshot_true_size_bytes, _size_on_disk_bytes, _tables, _age_seconds and _expires_timestamp_seconds per {snapshot}. Sizes over the agent come as Cassandra prints them (two decimals of KiB, MiB, GiB).',
  ],

  nagios: [
    {
      name: `${NAME}_cql`,
      arguments: `-H $HOSTADDRESS$ --transport cql --extra-opts=cql@/etc/nagios4/cassandra.ini --warning-age $ARG1$ --critical-age $ARG2$ -t 10`,
      says: [
        'Over CQL, with nothing installed on the node: the role and password from the [cql] section of the same file (user=monitor, password=...).',
        'Cassandra 5.0 lists its snapshots in system_views.snapshots; older releases: the agent, or --data-dir on the node.',
      ],
    },
    {
      name: NAME,
      arguments: `-H $HOSTADDRESS$ ${CREDENTIALS} --warning-age $ARG1$ --critical-age $ARG2$ -t 10`,
      says: [
        "From the Nagios server: the node's snapshots; $ARG1$ / $ARG2$ = the ages for WARNING / CRITICAL, e.g. 7d / 30d.",
        'A Jolokia 2.x agent cannot send them while a snapshot has no TTL: prefer the NRPE command below.',
      ],
    },
    {
      name: `${NAME}_nrpe`,
      arguments: '',
      nrpe: NAME,
      says: ['On the node, through its NRPE (docs/nrpe.cfg): its snapshots, with the folders at hand.'],
    },
  ],
  nrpe: [
    {
      name: NAME,
      arguments:
        '-H 127.0.0.1 -u monitor --password-file /etc/nagios/jolokia.pw --warning-age 7d --critical-age 30d -t 10',
    },
  ],
};
