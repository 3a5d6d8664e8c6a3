// Check: check_cassandra_node — the seed's node_health_check.sh (nodetool statusbinary,
// statusgossip, statusbackup) as one check: the three flags and what an operator reads beside them
// (OperationMode, Joined, Drained, Draining, Decommissioning), in one Jolokia bulk request, each
// judged against what this node should be doing.

import { NODETOOL_BACKUP_WORDS, STORAGE_SERVICE } from '../cassandra/mbeans.js';
import { readReleaseVersion, withCassandraHint } from '../cassandra/storage-service.js';
import { callLimits, connectionHint, describeConnection, jolokiaClient, readConnection, type ConnectionSettings } from '../cli/connection.js';
import type { JolokiaClient } from '../jolokia/client.js';
import type { CallLimits } from '../jolokia/transport.js';
import type { ReadRequest } from '../jolokia/types.js';
import { UsageError } from '../runtime/errors.js';
import type { ParsedOptions } from '../runtime/options.js';
import { sanitize, statusText, type RenderContext, type Rendered } from '../runtime/output.js';
import { parseStateOption, type Check } from '../runtime/plugin.js';
import { reportState, type Metric, type Report, type Result } from '../runtime/result.js';
import { OK, type State } from '../runtime/state.js';

/** What `nodetool status*` report, and the node's mode: one bulk request's worth. */
export interface NodeHealth {
  readonly binary: boolean;
  readonly gossip: boolean;
  readonly backup: boolean;
  /** STARTING, NORMAL, JOINING, LEAVING, DECOMMISSIONED, MOVING, DRAINING, DRAINED. */
  readonly mode: string;
  readonly joined: boolean | undefined;
  readonly drained: boolean | undefined;
  readonly draining: boolean | undefined;
  /** 5.0 only. */
  readonly decommissioning: boolean | undefined;
  readonly releaseVersion: string | undefined;
  readonly roundTripSeconds: number;
}

interface Expectation<T> {
  readonly expect: T;
  /** The state to raise when the node differs. */
  readonly state: State;
}

export interface NodeConfig {
  readonly connection: ConnectionSettings;
  readonly binary: Expectation<boolean>;
  readonly gossip: Expectation<boolean>;
  readonly backup: Expectation<boolean>;
  /** The operation modes that are fine, e.g. NORMAL, or DRAINED during maintenance. */
  readonly mode: Expectation<readonly string[]>;
}

const read = (attribute: string): ReadRequest => ({ type: 'read', mbean: STORAGE_SERVICE, attribute });

export async function readNodeHealth(client: JolokiaClient, limits: CallLimits): Promise<NodeHealth> {
  const started = process.hrtime.bigint();
  const [binary, gossip, backup, mode, joined, drained, draining, decommissioning, version] = await client.bulk(
    [
      read('NativeTransportRunning'),
      read('GossipRunning'),
      read('IncrementalBackupsEnabled'),
      read('OperationMode'),
      read('Joined'),
      read('Drained'),
      read('Draining'),
      read('Decommissioning'),
      read('ReleaseVersion'),
    ] as const,
    limits,
  );
  const roundTripSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return withCassandraHint(() => ({
    binary: binary.boolean(),
    gossip: gossip.boolean(),
    backup: backup.boolean(),
    mode: mode.string(),
    joined: joined.optional((a) => a.boolean()),
    drained: drained.optional((a) => a.boolean()),
    draining: draining.optional((a) => a.boolean()),
    decommissioning: decommissioning.optional((a) => a.boolean()),
    releaseVersion: readReleaseVersion(version),
    roundTripSeconds,
  }));
}

/** One judged aspect: what it is, and what it should be. */
function aspect(name: string, running: boolean, expectation: Expectation<boolean>, words: [string, string] = ['running', 'not running']): Result {
  const word = running ? words[0] : words[1];
  if (running === expectation.expect) return { state: OK, summary: `${name} ${word}` };
  return { state: expectation.state, summary: `${name} ${word} (expected ${expectation.expect ? words[0] : words[1]})` };
}

export function nodeHealthReport(health: NodeHealth, config: Omit<NodeConfig, 'connection'>, where: string): Report {
  const modeOk = config.mode.expect.includes(health.mode);
  const results: Result[] = [
    aspect('native transport', health.binary, config.binary),
    aspect('gossip', health.gossip, config.gossip),
    aspect('incremental backup', health.backup, config.backup, ['enabled', 'disabled']),
    modeOk ? { state: OK, summary: `mode ${health.mode}` } : { state: config.mode.state, summary: `mode ${health.mode} (expected ${config.mode.expect.join(' or ')})` },
  ];
  const flag = (name: string, help: string, on: boolean): Metric => ({ name, help, type: 'gauge', value: on ? 1 : 0 });
  const optional = (value: boolean | undefined): boolean | null => (value === undefined ? null : value);
  return {
    results,
    perfdata: [
      { label: 'binary_running', value: health.binary ? 1 : 0, min: 0, max: 1 },
      { label: 'gossip_running', value: health.gossip ? 1 : 0, min: 0, max: 1 },
      { label: 'backup_enabled', value: health.backup ? 1 : 0, min: 0, max: 1 },
      { label: 'time', value: Math.round(health.roundTripSeconds * 1e6) / 1e6, unit: 's', min: 0 },
    ],
    details: [
      ...nodetoolLines(health.binary, health.gossip, health.backup),
      `OperationMode ${health.mode}; Joined ${health.joined ?? '?'}, Drained ${health.drained ?? '?'}, Draining ${health.draining ?? '?'}, Decommissioning ${health.decommissioning ?? '(not in this release)'}`,
      `Cassandra ${health.releaseVersion ?? '(version not readable)'} at ${where}`,
    ],
    facts: {
      binary_running: health.binary,
      gossip_running: health.gossip,
      backup_enabled: health.backup,
      operation_mode: health.mode,
      joined: optional(health.joined),
      drained: optional(health.drained),
      draining: optional(health.draining),
      decommissioning: optional(health.decommissioning),
      cassandra_version: health.releaseVersion ?? null,
      jolokia_url: where,
    },
    metrics: [
      flag('cassandra_native_transport_running', 'Whether the node serves CQL (1) or not (0), as nodetool statusbinary reports it.', health.binary),
      flag('cassandra_gossip_running', 'Whether gossip runs on the node (1) or not (0), as nodetool statusgossip reports it.', health.gossip),
      flag('cassandra_incremental_backup_enabled', 'Whether incremental backup is enabled on the node (1) or not (0), as nodetool statusbackup reports it.', health.backup),
      { name: 'cassandra_operation_mode', help: 'The node\'s OperationMode: 1 for the mode it is in.', type: 'gauge', value: 1, labels: { mode: health.mode } },
    ],
  };
}

/** The seed's script, line for line: `Binary: running`, `Gossip: running`, `Backup: running`. */
function nodetoolLines(binary: boolean, gossip: boolean, backup: boolean): string[] {
  const word = (on: boolean): string => (on ? NODETOOL_BACKUP_WORDS.enabled : NODETOOL_BACKUP_WORDS.disabled);
  return [`Binary: ${word(binary)}`, `Gossip: ${word(gossip)}`, `Backup: ${word(backup)}`];
}

export const nodeCheck: Check<NodeConfig> = {
  configure(options, env) {
    return {
      connection: readConnection(options, env, 'check_cassandra_node'),
      binary: { expect: running(options, 'expect-binary'), state: parseStateOption('binary-state', options.value('binary-state') ?? 'critical') },
      gossip: { expect: running(options, 'expect-gossip'), state: parseStateOption('gossip-state', options.value('gossip-state') ?? 'critical') },
      backup: { expect: enabled(options), state: parseStateOption('backup-state', options.value('backup-state') ?? 'warning') },
      mode: { expect: modes(options), state: parseStateOption('mode-state', options.value('mode-state') ?? 'warning') },
    };
  },

  describe(config) {
    const says = (e: Expectation<boolean>, words: [string, string]): string => `${e.expect ? words[0] : words[1]} (else ${e.state.name})`;
    return [
      ...describeConnection(config.connection),
      `expect: native transport ${says(config.binary, ['running', 'stopped'])}, gossip ${says(config.gossip, ['running', 'stopped'])}, backup ${says(config.backup, ['enabled', 'disabled'])}, mode ${config.mode.expect.join(' or ')} (else ${config.mode.state.name})`,
    ];
  },

  async run(config, context) {
    const client = jolokiaClient(config.connection);
    const health = await readNodeHealth(client, callLimits(context));
    const report = nodeHealthReport(health, config, client.where);
    return { ...report, details: [...report.details, ...config.connection.warnings.map((w) => `warning: ${w}`)] };
  },

  formats: { nodetool: renderNodetool },
  factsWhenUnknown: { binary_running: null, gossip_running: null, backup_enabled: null, operation_mode: null },
  hint: connectionHint,
};

/** `--format nodetool`: the seed's health script, its three lines. */
function renderNodetool(report: Report, context: RenderContext): Rendered {
  const { binary_running: binary, gossip_running: gossip, backup_enabled: backup } = report.facts;
  if (typeof binary === 'boolean' && typeof gossip === 'boolean' && typeof backup === 'boolean') return { stdout: `${nodetoolLines(binary, gossip, backup).join('\n')}\n` };
  const debug = context.debug.map((line) => `${sanitize(line, 2000)}\n`).join('');
  return { stdout: '', stderr: `${context.service} ${reportState(report).name} - ${statusText(report)}\n${debug}` };
}

function running(options: ParsedOptions, name: string): boolean {
  const text = options.value(name) ?? 'running';
  if (text !== 'running' && text !== 'stopped') throw new UsageError(`--${name}: '${text}' is not running or stopped`);
  return text === 'running';
}

function enabled(options: ParsedOptions): boolean {
  const text = options.value('expect-backup') ?? 'enabled';
  if (text !== 'enabled' && text !== 'disabled') throw new UsageError(`--expect-backup: '${text}' is not enabled or disabled`);
  return text === 'enabled';
}

const MODES = ['STARTING', 'NORMAL', 'JOINING', 'LEAVING', 'DECOMMISSIONED', 'MOVING', 'DRAINING', 'DRAINED'];

function modes(options: ParsedOptions): string[] {
  const given = options.list('expect-mode').flatMap((m) => m.split(',')).map((m) => m.trim().toUpperCase());
  for (const mode of given) if (!MODES.includes(mode)) throw new UsageError(`--expect-mode: '${mode}' is not one of ${MODES.join(', ')}`);
  return given.length > 0 ? given : ['NORMAL'];
}
