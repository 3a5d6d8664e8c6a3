// Check (evaluation): check_cassandra_node — a health-check script running nodetool
// statusbinary, statusgossip and statusbackup, as one check: each aspect judged against what this
// node should be doing. Pure: the facts come from cassandra/node-health.ts.

import { nodetoolStatusWord } from '../cassandra/mbeans.js';
import type { NodeHealth } from '../cassandra/node-health.js';
import { roundSeconds, type Report, type Result } from '../runtime/result.js';
import { OK, type State } from '../runtime/state.js';
import { backupMismatch, type BackupExpectation } from './backup-expectation.js';
import { BACKUP_ENABLED, flag, JOLOKIA_ROUND_TRIP, sample } from './metrics.js';

export const OPERATION_MODES = [
  'STARTING',
  'NORMAL',
  'JOINING',
  'LEAVING',
  'DECOMMISSIONED',
  'MOVING',
  'DRAINING',
  'DRAINED',
];

export interface Expectation<T> {
  readonly expect: T;
  /** The state to raise when the node differs. */
  readonly state: State;
}

export interface NodePolicy {
  readonly binary: Expectation<boolean>;
  readonly gossip: Expectation<boolean>;
  readonly backup: BackupExpectation;
  /** The operation modes that are fine, e.g. NORMAL, or DRAINED during maintenance. */
  readonly mode: Expectation<readonly string[]>;
}

/** One judged aspect: what it is, and what it should be. */
function aspect(name: string, running: boolean, expectation: Expectation<boolean>): Result {
  const word = running ? 'running' : 'not running';
  if (running === expectation.expect) return { state: OK, summary: `${name} ${word}` };
  return {
    state: expectation.state,
    summary: `${name} ${word} (expected ${expectation.expect ? 'running' : 'not running'})`,
  };
}

function backupAspect(enabled: boolean, expectation: BackupExpectation): Result {
  const word = enabled ? 'enabled' : 'disabled';
  const state = backupMismatch(enabled, expectation, expectation.expect);
  return state === undefined
    ? { state: OK, summary: `incremental backup ${word}` }
    : { state, summary: `incremental backup ${word} (expected ${expectation.expect})` };
}

function modeAspect(mode: string, expectation: Expectation<readonly string[]>): Result {
  return expectation.expect.includes(mode)
    ? { state: OK, summary: `mode ${mode}` }
    : { state: expectation.state, summary: `mode ${mode} (expected ${expectation.expect.join(' or ')})` };
}

/** What could not be told is left out of the verdict and said in the long output, never guessed. */
export function judgeNodeHealth(health: NodeHealth, policy: NodePolicy): Report {
  const { gossip, mode } = health;
  const results: Result[] = [
    aspect('native transport', health.binary, policy.binary),
    ...(gossip === undefined ? [] : [aspect('gossip', gossip, policy.gossip)]),
    backupAspect(health.backup, policy.backup),
    ...(mode === undefined ? [] : [modeAspect(mode, policy.mode)]),
  ];
  const optional = (value: boolean | undefined): boolean | null => (value === undefined ? null : value);
  const where = health.transport === 'cql' ? { cql_address: health.where } : { jolokia_url: health.where };
  return {
    results,
    perfdata: [
      { label: 'binary_running', value: health.binary ? 1 : 0, min: 0, max: 1 },
      ...(gossip === undefined ? [] : [{ label: 'gossip_running', value: gossip ? 1 : 0, min: 0, max: 1 }]),
      { label: 'backup_enabled', value: health.backup ? 1 : 0, min: 0, max: 1 },
      { label: 'time', value: roundSeconds(health.roundTripSeconds), unit: 's', min: 0 },
    ],
    details: [
      ...nodetoolLines(health.binary, gossip, health.backup),
      `OperationMode ${mode ?? '?'}; Joined ${health.joined ?? '?'}, Drained ${health.drained ?? '?'}, Draining ${health.draining ?? '?'}, Decommissioning ${health.decommissioning ?? (health.transport === 'cql' ? '?' : '(not in this release)')}`,
      ...(health.untold === undefined ? [] : [health.untold]),
      `Cassandra ${health.releaseVersion ?? '(version not readable)'} at ${health.where}`,
    ],
    facts: {
      binary_running: health.binary,
      gossip_running: optional(gossip),
      backup_enabled: health.backup,
      status: nodetoolStatusWord(health.backup),
      operation_mode: mode ?? null,
      joined: optional(health.joined),
      drained: optional(health.drained),
      draining: optional(health.draining),
      decommissioning: optional(health.decommissioning),
      cassandra_version: health.releaseVersion ?? null,
      ...where,
    },
    metrics: [
      flag(NATIVE_TRANSPORT_RUNNING, health.binary),
      ...(gossip === undefined ? [] : [flag(GOSSIP_RUNNING, gossip)]),
      flag(BACKUP_ENABLED, health.backup),
      ...(mode === undefined
        ? []
        : [
            {
              name: 'cassandra_operation_mode',
              help: "The node's OperationMode: 1 for the mode it is in.",
              type: 'gauge' as const,
              value: 1,
              labels: { mode },
            },
          ]),
      ...(health.transport === 'cql' ? [] : [sample(JOLOKIA_ROUND_TRIP, health.roundTripSeconds)]),
    ],
  };
}

const NATIVE_TRANSPORT_RUNNING = {
  name: 'cassandra_native_transport_running',
  help: 'Whether the node serves CQL (1) or not (0), as nodetool statusbinary reports it.',
  type: 'gauge',
} as const;
const GOSSIP_RUNNING = {
  name: 'cassandra_gossip_running',
  help: 'Whether gossip runs on the node (1) or not (0), as nodetool statusgossip reports it.',
  type: 'gauge',
} as const;

/** The health-check script's three lines: `Binary: running`, `Gossip: running`, `Backup: running`. */
export function nodetoolLines(binary: boolean, gossip: boolean | undefined, backup: boolean): string[] {
  return [
    `Binary: ${nodetoolStatusWord(binary)}`,
    `Gossip: ${gossip === undefined ? 'unknown' : nodetoolStatusWord(gossip)}`,
    `Backup: ${nodetoolStatusWord(backup)}`,
  ];
}

/** JSON keys a consumer can rely on even when the check could not find out. */
export const NODE_FACTS_WHEN_UNKNOWN = {
  binary_running: null,
  gossip_running: null,
  backup_enabled: null,
  status: 'unknown',
  operation_mode: null,
} as const;
