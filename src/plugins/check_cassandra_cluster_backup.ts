// Registry entry: check_cassandra_cluster_backup — the cluster-wide loop of the nodetool
// statusbackup documentation (`nodetool status`, then `nodetool statusbackup` on every node over
// SSH) as one check from the monitoring server. Reader: src/cassandra/cluster.ts; judge:
// src/checks/cluster-audit.ts.

import type { ClusterFacts, ClusterRequest } from '../cassandra/cluster.js';
import { judgeCluster, type AuditPolicy } from '../checks/cluster-audit.js';
import { clusterLoopFormat } from '../checks/nodetool-formats.js';
import { backupExpectationOptions, readBackupExpectation } from '../cli/backup-options.js';
import { checkTemplate, expectByDatacenter, readOverrides, seconds, wholeNumber } from '../cli/cluster-options.js';
import {
  CONTACT_OPTIONS,
  contactWarnings,
  describeContacts,
  readContacts,
  readClusterOver,
  type Contacts,
} from '../cli/cluster-contacts.js';
import type { Check } from '../runtime/plugin.js';
import { anyConnectionHint } from '../cli/connection.js';
import { readThresholds } from '../runtime/thresholds.js';
import type { PluginEntry } from './entry.js';

const NAME = 'check_cassandra_cluster_backup';
const CLUSTER = 'Cluster';
const STATES = 'States';
const CREDENTIALS = '--extra-opts=@/etc/nagios4/cassandra.ini';
interface ClusterSettings {
  readonly contacts: Contacts;
  readonly request: ClusterRequest;
  readonly policy: AuditPolicy;
}

const clusterCheck: Check<ClusterSettings, ClusterFacts> = {
  configure(options, env, plugin) {
    const nodeUrl = options.value('node-url');
    if (nodeUrl !== undefined) checkTemplate(nodeUrl);
    const file = options.value('node-url-file');
    return {
      contacts: readContacts(options, env, plugin),
      request: {
        nodes: options.list('node'),
        nodeUrl,
        overrides: file === undefined ? new Map() : readOverrides(file),
        datacenters: options.list('dc'),
        parallel: wholeNumber(options.text('parallel'), '--parallel', 1, 4096),
        nodeTimeoutSeconds: seconds(options.text('node-timeout'), '--node-timeout'),
      },
      policy: {
        backup: readBackupExpectation(options),
        expectByDatacenter: expectByDatacenter(options),
        disabled: readThresholds(options, 'disabled'),
        unreachable: readThresholds(options, 'unreachable'),
      },
    };
  },
  describe: describeSettings,
  warnings: ({ contacts }) => contactWarnings(contacts),
  read: ({ contacts, request }, context) => readClusterOver(contacts, request, context),
  judge: (facts, settings) => judgeCluster(facts, settings.policy),
  formats: { nodetool: clusterLoopFormat },
  factsWhenUnknown: { members: null, enabled: null, disabled: null, unreachable: null },
  hint: anyConnectionHint,
};

function describeSettings({ contacts, request, policy }: ClusterSettings): string[] {
  return [
    ...describeContacts(contacts),
    `members: ${request.nodes.length > 0 ? request.nodes.join(', ') : 'the ring'}${request.datacenters.length > 0 ? ` in ${request.datacenters.join(', ')}` : ''}`,
    contacts.transport === 'cql'
      ? 'members: asked on the native address and port the ring gives for each'
      : `member agents: ${request.nodeUrl ?? 'the contact URL with the member address'}${request.overrides.size > 0 ? `, ${request.overrides.size} overridden` : ''}`,
    `expect: backup ${policy.backup.expect}${[...policy.expectByDatacenter].map(([dc, e]) => `, ${e} in ${dc}`).join('')}`,
    `thresholds: disabled ${policy.disabled.warning ?? '-'} / ${policy.disabled.critical ?? '-'}, unreachable ${policy.unreachable.warning ?? '-'} / ${policy.unreachable.critical ?? '-'}`,
    `at most ${request.parallel} members at once, ${request.nodeTimeoutSeconds} s each`,
  ];
}

export const entry: PluginEntry = {
  name: NAME,
  summary: 'incremental backup on every node of a Cassandra cluster at once, from one contact node',
  service: 'CASSANDRA CLUSTER BACKUP',
  metricPrefix: 'cassandra_cluster_backup',
  icingaCommand: 'cassandra_cluster_backup',
  check: clusterCheck,

  options: [
    {
      name: 'node',
      kind: 'list',
      arg: 'HOST',
      group: CLUSTER,
      help: 'Audit this node instead of the members of the ring. Repeatable. A listed node the ring does not hold is a WARNING.',
    },
    {
      name: 'dc',
      kind: 'list',
      arg: 'NAME',
      group: CLUSTER,
      help: 'Audit only the members of this data center (repeatable); the contact node may be in any. One service per data center, each run where it can reach its members.',
    },
    {
      name: 'node-url',
      kind: 'value',
      arg: 'TEMPLATE',
      group: CLUSTER,
      help: "Where a member's Jolokia agent is, {host} standing for its address, e.g. https://{host}:8778/jolokia. Default: the contact node's URL with the member's address.",
    },
    {
      name: 'node-url-file',
      kind: 'value',
      arg: 'FILE',
      group: CLUSTER,
      help: "Agents that are elsewhere (NAT, another port): lines 'ADDRESS URL'; # starts a comment.",
    },
    {
      name: 'parallel',
      kind: 'value',
      arg: 'N',
      default: '512',
      group: CLUSTER,
      help: 'Ask at most this many members at once (each holds a socket while it waits).',
    },
    {
      name: 'node-timeout',
      kind: 'value',
      arg: 'SECONDS',
      default: '2',
      group: CLUSTER,
      help: 'Give each member (and each contact node) this long to answer; -t bounds the whole check.',
    },
    ...backupExpectationOptions({
      group: STATES,
      who: 'the members',
      stateNote: ' on a member (for members with backup disabled: once their number is outside --warning-disabled)',
      kept: ['expect', 'enabled-state'],
    }),
    {
      name: 'expect-dc',
      kind: 'list',
      arg: 'DC=enabled|disabled',
      group: STATES,
      help: 'What the members of one data center should do, e.g. analytics=disabled. Repeatable.',
    },
    {
      name: 'warning-disabled',
      kind: 'value',
      arg: 'RANGE',
      default: '0',
      group: STATES,
      help: 'WARNING when the number of members with backup disabled (where it should be enabled) is outside this range: 0 means any.',
    },
    {
      name: 'critical-disabled',
      kind: 'value',
      arg: 'RANGE',
      group: STATES,
      help: 'CRITICAL when that number is outside this range, e.g. 2 for more than two.',
    },
    {
      name: 'warning-unreachable',
      kind: 'value',
      arg: 'RANGE',
      default: '0',
      group: STATES,
      help: 'WARNING when the number of members whose agent does not answer is outside this range.',
    },
    {
      name: 'critical-unreachable',
      kind: 'value',
      arg: 'RANGE',
      group: STATES,
      help: 'CRITICAL when that number is outside this range.',
    },
    ...CONTACT_OPTIONS,
  ],
  formats: ['nodetool'],

  description: [
    'Audits incremental backup on every node of an Apache Cassandra cluster at once: the cluster-wide loop of the nodetool statusbackup documentation (the node list from `nodetool status`, then `nodetool statusbackup` on each node over SSH, a JVM per node) as one check from the monitoring server.',
    'With --transport cql, the contact reports the ring from system.local and system.peers_v2 (gossip_info, where the release has it, for the members that announced their shutdown), and each member is asked on the native address and port the ring gives for it, over a session of its own, with the same role: no agent anywhere.',
    "A contact node reports the ring over Jolokia (who should exist, who gossip says is up or down, each one's data center and rack); if it does not answer, the next --url or -H is asked. Then every member's own agent is asked for its backup flag, all at once (at most --parallel), each within --node-timeout and all within -t. Gossip does not say where an agent listens: by default it is the contact's URL with the member's address (the same port everywhere, as in production), or --node-url, or a line of --node-url-file. Each agent must answer for the host id the ring gives that address, so a wrong mapping is caught rather than audited.",
    "Every member is accounted for: backup enabled, disabled, unreachable (no answer; gossip's view is said too), refused credentials, not a Cassandra node, another node answering, or named with --node but not in the ring.",
  ],
  states: {
    ok: 'every audited member does what it should (--expect-backup, --expect-dc), and the counts are inside their ranges.',
    warning:
      'by default, any member with backup disabled (where it should be enabled), any member that does not answer, a member with backup enabled where it should be disabled (--backup-state), a --node the ring does not hold. The ranges choose other counts.',
    critical:
      'the number of members with backup disabled, or that do not answer, outside --critical-disabled or --critical-unreachable.',
    unknown:
      'no contact node answered; or a member refused the credentials, is not a Cassandra node, or another node answered for it (that member alone); also bad options.',
  },
  perfdata: [
    { label: 'members', meaning: 'members audited.' },
    { label: 'enabled', meaning: 'members with backup enabled.' },
    {
      label: 'disabled',
      meaning:
        'members with backup disabled where it should be enabled, with the --warning-disabled and --critical-disabled ranges.',
    },
    { label: 'unreachable', meaning: 'members whose agent did not answer, with the unreachable ranges.' },
    { label: 'time', unit: 's', meaning: 'the whole audit: the ring and every member.' },
  ],
  examples: [
    {
      says: 'The whole cluster, from the monitoring server, one contact node and a second in case the first is down:',
      command: `${NAME} -H cass1 -H cass2 -u monitor --password-file /etc/nagios/jolokia.pw`,
    },
    {
      says: 'The cluster-wide loop of the nodetool statusbackup documentation, replaced (node1: running ... Summary: 2 enabled, 1 disabled):',
      command: `${NAME} -H cass1 --format nodetool`,
    },
    {
      says: 'An analytics data center that never backs up; CRITICAL when more than two nodes are off:',
      command: `${NAME} -H cass1 --expect-dc analytics=disabled --critical-disabled 2`,
    },
    {
      says: 'One data center only, from the Icinga 2 satellite that can reach it:',
      command: `${NAME} -H cass1 --dc eu-west`,
    },
    {
      says: 'Agents on HTTPS everywhere, one behind NAT:',
      command: `${NAME} --url https://cass1:8778/jolokia --node-url 'https://{host}:8778/jolokia' --node-url-file /etc/nagios/cassandra-agents.txt --ca-file /etc/nagios/ca.pem`,
    },
  ],
  footer: [
    'Long output from -v on: one line per member with its data center and rack. JSON: one object per member (address, dc, rack, host id, backup_enabled, status: running, not running, unreachable, refused, not-cassandra, wrong-node or unknown; state, reason). Prometheus: cassandra_incremental_backup_enabled per node, labelled node, dc and rack, and the counts. Keep -t above --node-timeout, and below the timeout of whatever runs the plugin.',
  ],

  nagios: [
    {
      name: `${NAME}_cql`,
      arguments: `-H $HOSTADDRESS$ --transport cql --extra-opts=cql@/etc/nagios4/cassandra.ini -t 15`,
      says: [
        'Over CQL, with nothing installed on the node: the role and password from the [cql] section of the same file (user=monitor, password=...).',
        'Every member is asked on its own native port, with the same role.',
      ],
    },
    {
      name: NAME,
      arguments: `-H $HOSTADDRESS$ ${CREDENTIALS} -t 15`,
      says: ['The whole cluster, asked from the Nagios server through one contact node (a host of the cluster).'],
    },
    {
      name: `${NAME}_dc`,
      arguments: `-H $HOSTADDRESS$ ${CREDENTIALS} --dc $ARG1$ -t 15`,
      says: ['One data center of it: $ARG1$ = its name.'],
    },
  ],
  nrpe: [{ name: NAME, arguments: '-H 127.0.0.1 -u monitor --password-file /etc/nagios/jolokia.pw -t 15' }],
};
