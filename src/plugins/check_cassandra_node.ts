// Registry entry: check_cassandra_node — a health-check script running nodetool statusbinary,
// statusgossip and statusbackup, as one check. Reader: src/cassandra/node-health.ts; judge:
// src/checks/node-health.ts.

import { readNodeHealth, type NodeHealth } from '../cassandra/node-health.js';
import {
  judgeNodeHealth,
  NODE_FACTS_WHEN_UNKNOWN,
  OPERATION_MODES,
  type Expectation,
  type NodePolicy,
} from '../checks/node-health.js';
import { healthScriptFormat } from '../checks/nodetool-formats.js';
import { backupExpectationOptions, readBackupExpectation } from '../cli/backup-options.js';
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
import type { ParsedOptions } from '../runtime/options.js';
import type { Check } from '../runtime/plugin.js';
import { parseStateOption } from '../runtime/standard-options.js';
import type { PluginEntry } from './entry.js';

const NAME = 'check_cassandra_node';
const EXPECT = 'What this node should be doing';
const CREDENTIALS = '--extra-opts=@/etc/nagios4/cassandra.ini';

interface NodeSettings {
  readonly connection: Connection;
  readonly policy: NodePolicy;
}

const nodeCheck: Check<NodeSettings, NodeHealth> = {
  configure(options, env, plugin) {
    return {
      connection: readConnection(options, env, plugin),
      policy: {
        binary: {
          expect: running(options, 'expect-binary'),
          state: parseStateOption('binary-state', options.text('binary-state')),
        },
        gossip: {
          expect: running(options, 'expect-gossip'),
          state: parseStateOption('gossip-state', options.text('gossip-state')),
        },
        backup: readBackupExpectation(options),
        mode: { expect: modes(options), state: parseStateOption('mode-state', options.text('mode-state')) },
      },
    };
  },
  describe({ connection, policy }) {
    const says = (e: Expectation<boolean>, words: [string, string]): string =>
      `${e.expect ? words[0] : words[1]} (else ${e.state.name})`;
    const backup = policy.backup.expect === 'enabled' ? policy.backup.disabledState : policy.backup.enabledState;
    return [
      ...describeAnyConnection(connection),
      `expect: native transport ${says(policy.binary, ['running', 'stopped'])}, gossip ${says(policy.gossip, ['running', 'stopped'])}, backup ${policy.backup.expect} (else ${backup.name}), mode ${policy.mode.expect.join(' or ')} (else ${policy.mode.state.name})`,
    ];
  },
  warnings: (settings) => connectionWarnings(settings.connection),
  read: ({ connection }, context) =>
    connection.transport === 'cql'
      ? overCql((cql) => cql.readNodeHealth(connection.cql.endpoint, cqlLimits(context)))
      : readNodeHealth(jolokiaSource(connection.jolokia, context)),
  judge: (facts, settings) => judgeNodeHealth(facts, settings.policy),
  formats: { nodetool: healthScriptFormat },
  factsWhenUnknown: NODE_FACTS_WHEN_UNKNOWN,
  hint: anyConnectionHint,
};

function running(options: ParsedOptions, name: string): boolean {
  const text = options.text(name);
  if (text !== 'running' && text !== 'stopped') throw new UsageError(`--${name}: '${text}' is not running or stopped`);
  return text === 'running';
}

function modes(options: ParsedOptions): string[] {
  const given = options
    .list('expect-mode')
    .flatMap((m) => m.split(','))
    .map((m) => m.trim().toUpperCase());
  for (const mode of given)
    if (!OPERATION_MODES.includes(mode))
      throw new UsageError(`--expect-mode: '${mode}' is not one of ${OPERATION_MODES.join(', ')}`);
  return given;
}

export const entry: PluginEntry = {
  name: NAME,
  summary:
    "a Cassandra node's native transport, gossip, incremental backup and mode, in one request over Jolokia or CQL",
  service: 'CASSANDRA NODE',
  metricPrefix: 'cassandra_node',
  icingaCommand: 'cassandra_node',
  check: nodeCheck,

  options: [
    {
      name: 'expect-binary',
      kind: 'value',
      arg: 'running|stopped',
      default: 'running',
      group: EXPECT,
      help: 'The native transport (CQL), as nodetool statusbinary reports it.',
    },
    {
      name: 'binary-state',
      kind: 'value',
      arg: 'STATE',
      default: 'critical',
      group: EXPECT,
      help: 'State when the native transport is not as expected.',
    },
    {
      name: 'expect-gossip',
      kind: 'value',
      arg: 'running|stopped',
      default: 'running',
      group: EXPECT,
      help: 'Gossip, as nodetool statusgossip reports it.',
    },
    {
      name: 'gossip-state',
      kind: 'value',
      arg: 'STATE',
      default: 'critical',
      group: EXPECT,
      help: 'State when gossip is not as expected.',
    },
    ...backupExpectationOptions({ group: EXPECT, who: 'this node' }),
    {
      name: 'expect-mode',
      kind: 'list',
      arg: 'MODE[,MODE]',
      default: 'NORMAL',
      group: EXPECT,
      help: 'The OperationMode(s) that are fine: STARTING, NORMAL, JOINING, LEAVING, DECOMMISSIONED, MOVING, DRAINING, DRAINED. Repeatable.',
    },
    {
      name: 'mode-state',
      kind: 'value',
      arg: 'STATE',
      default: 'warning',
      group: EXPECT,
      help: 'State when the node is in another mode.',
    },
    ...CONNECTION_OPTIONS,
  ],
  formats: ['nodetool'],

  description: [
    "Checks what a health-check script running nodetool statusbinary, statusgossip and statusbackup prints, and what an operator reads beside them: the node's OperationMode (STARTING, NORMAL, JOINING, LEAVING, DECOMMISSIONED, MOVING, DRAINING, DRAINED), Joined, Drained, Draining and Decommissioning. One Jolokia bulk request, no JVM per question.",
    "With --transport cql it asks the node on its native port instead, with nothing installed on the node: that it answers there is the native transport running; the backup flag comes from system_views.settings; gossip and the mode from the node's own row of system_views.gossip_info (a node whose gossip was stopped announces shutdown there), where the release has that table. Joined, Drained, Draining and Decommissioning are JMX's alone. What CQL cannot tell is left out of the verdict and said in the long output, never guessed.",
    'Each aspect is judged against what this node should be doing, with the state to raise when it is not: by default the native transport and gossip must run (CRITICAL), backup must be enabled (WARNING) and the mode must be NORMAL (WARNING). A node drained for maintenance is not an outage when you say so: --expect-mode DRAINED --expect-binary stopped --expect-gossip stopped.',
  ],
  states: {
    ok: 'every aspect as expected.',
    warning:
      'by default, incremental backup disabled, or a mode other than NORMAL (--backup-state, --mode-state choose).',
    critical: 'by default, the native transport or gossip not running (--binary-state, --gossip-state choose).',
    unknown:
      "could not find out: no connection, timeout, authentication refused, not a Cassandra node, an answer that is not Jolokia's; also bad options.",
  },
  perfdata: [
    { label: 'binary_running', meaning: '1 when the native transport runs.' },
    { label: 'gossip_running', meaning: '1 when gossip runs.' },
    { label: 'backup_enabled', meaning: '1 when incremental backup is enabled.' },
    { label: 'time', unit: 's', meaning: 'round trip of the Jolokia request.' },
  ],
  examples: [
    {
      says: 'A health-check script running statusbinary, statusgossip and statusbackup, replaced (Binary: running / Gossip: running / Backup: running):',
      command: `${NAME} -H cass1 --format nodetool`,
    },
    {
      says: 'From the monitoring server, the password out of the process list:',
      command: `${NAME} -H cass1 -u monitor --password-file /etc/nagios/jolokia.pw`,
    },
    {
      says: 'A node drained for maintenance, which is fine:',
      command: `${NAME} -H cass1 --expect-mode DRAINED --expect-binary stopped --expect-gossip stopped`,
    },
    {
      says: 'A node that should not back up, and any mode but NORMAL is CRITICAL:',
      command: `${NAME} -H analytics1 --expect-backup disabled --mode-state critical`,
    },
  ],
  footer: [
    'Long output from -v on: the three lines of the health-check script, the mode and its flags, the Cassandra version. JSON: binary_running, gossip_running, backup_enabled, status (running or not running, as nodetool statusbackup prints it), operation_mode and the flags. Prometheus: cassandra_native_transport_running, cassandra_gossip_running, cassandra_incremental_backup_enabled, cassandra_operation_mode{mode}, cassandra_jolokia_request_duration_seconds.',
  ],

  nagios: [
    {
      name: `${NAME}_cql`,
      arguments: `-H $HOSTADDRESS$ --transport cql --extra-opts=cql@/etc/nagios4/cassandra.ini -t 10`,
      says: [
        'Over CQL, with nothing installed on the node: the role and password from the [cql] section of the same file (user=monitor, password=...).',
        'Gossip and the mode come from system_views.gossip_info where the release has it; what CQL cannot tell is said in the long output.',
      ],
    },
    {
      name: NAME,
      arguments: `-H $HOSTADDRESS$ ${CREDENTIALS} -t 10`,
      says: ["The node's native transport, gossip, backup and mode, from the Nagios server."],
    },
  ],
  nrpe: [
    { name: NAME, arguments: '-H 127.0.0.1 -u monitor --password-file /etc/nagios/jolokia.pw -t 10' },
    {
      name: `${NAME}_cql`,
      arguments: '--transport cql -H 127.0.0.1 -u monitor --password-file /etc/nagios/cassandra.pw -t 10',
    },
  ],
};
