// check_cassandra_node judged from plain facts: each aspect against what the node should be
// doing, the state each one raises, and the facts every format carries.
import { describe, expect, it } from 'vitest';
import type { NodeHealth } from '../../../src/cassandra/node-health.js';
import {
  judgeNodeHealth,
  NODE_FACTS_WHEN_UNKNOWN,
  nodetoolLines,
  OPERATION_MODES,
  type NodePolicy,
} from '../../../src/checks/node-health.js';
import { formatPerfdata } from '../../../src/runtime/perfdata.js';
import { reportState } from '../../../src/runtime/result.js';
import { CRITICAL, OK, UNKNOWN, WARNING } from '../../../src/runtime/state.js';
import { summaryText } from '../../../src/runtime/summary.js';

const HEALTHY: NodeHealth = {
  binary: true,
  gossip: true,
  backup: true,
  mode: 'NORMAL',
  joined: true,
  drained: false,
  draining: false,
  decommissioning: false,
  releaseVersion: '5.0.9',
  roundTripSeconds: 0.004,
  where: 'http://cass1:8778/jolokia',
};
/** The plugin's defaults: transport and gossip CRITICAL, backup and mode WARNING. */
const DEFAULTS: NodePolicy = {
  binary: { expect: true, state: CRITICAL },
  gossip: { expect: true, state: CRITICAL },
  backup: { expect: 'enabled', disabledState: WARNING, enabledState: WARNING },
  mode: { expect: ['NORMAL'], state: WARNING },
};
const judge = (health: Partial<NodeHealth>, policy: Partial<NodePolicy> = {}) => {
  const report = judgeNodeHealth({ ...HEALTHY, ...health }, { ...DEFAULTS, ...policy });
  return { report, state: reportState(report), line: summaryText(report, 200) };
};

describe('judgeNodeHealth', () => {
  it('over CQL without gossip_info: gossip and the mode left out of the verdict, said in the long output, null in JSON', () => {
    const untold = 'over CQL: gossip and the mode are not told by Cassandra 4.0.19';
    const { state, line, report } = judge({
      gossip: undefined,
      mode: undefined,
      transport: 'cql',
      where: '10.0.0.1:9042 (CQL)',
      untold,
    });
    expect([state, line]).toEqual([OK, 'native transport running; incremental backup enabled']);
    expect(report.perfdata.map((p) => p.label)).toEqual(['binary_running', 'backup_enabled', 'time']);
    expect(report.details).toContain(untold);
    expect(report.details).toContain('Gossip: unknown');
    expect(report.facts).toMatchObject({
      gossip_running: null,
      operation_mode: null,
      cql_address: '10.0.0.1:9042 (CQL)',
    });
    expect(report.facts).not.toHaveProperty('jolokia_url');
    expect(report.metrics?.map((m) => m.name)).toEqual([
      'cassandra_native_transport_running',
      'cassandra_incremental_backup_enabled',
    ]);
  });

  it('all well: OK, every aspect said, perfdata', () => {
    const { state, line, report } = judge({});
    expect([state, line]).toEqual([
      OK,
      'native transport running; gossip running; incremental backup enabled; mode NORMAL',
    ]);
    expect(report.perfdata.map(formatPerfdata)).toEqual([
      'binary_running=1;;;0;1',
      'gossip_running=1;;;0;1',
      'backup_enabled=1;;;0;1',
      'time=0.004s;;;0',
    ]);
  });

  it.each<[string, Partial<NodeHealth>, typeof OK, string]>([
    ['native transport down', { binary: false }, CRITICAL, 'native transport not running (expected running)'],
    ['gossip down', { gossip: false }, CRITICAL, 'gossip not running (expected running)'],
    ['backup off', { backup: false }, WARNING, 'incremental backup disabled (expected enabled)'],
    ['another mode', { mode: 'JOINING' }, WARNING, 'mode JOINING (expected NORMAL)'],
  ])('%s: the state its expectation gives, and only the worst results in the line', (_name, health, state, line) => {
    expect(judge(health)).toMatchObject({ state, line });
  });

  it('the worst aspect wins the line: transport down beats backup off', () => {
    expect(judge({ binary: false, backup: false }).line).toBe('native transport not running (expected running)');
  });

  it('a node drained for maintenance is fine when said so', () => {
    const drained = { binary: false, gossip: false, mode: 'DRAINED', drained: true };
    const policy = {
      binary: { expect: false, state: CRITICAL },
      gossip: { expect: false, state: CRITICAL },
      mode: { expect: ['DRAINED'], state: WARNING },
    };
    expect(judge(drained, policy)).toMatchObject({
      state: OK,
      line: 'native transport not running; gossip not running; incremental backup enabled; mode DRAINED',
    });
    expect(judge({}, policy)).toMatchObject({
      state: CRITICAL,
      line: 'native transport running (expected not running); gossip running (expected not running)',
    });
  });

  it('several modes may be fine, and any state can be chosen', () => {
    expect(judge({ mode: 'DRAINING' }, { mode: { expect: ['DRAINING', 'DRAINED'], state: WARNING } }).state).toBe(OK);
    expect(judge({ mode: 'MOVING' }, { mode: { expect: ['DRAINING', 'DRAINED'], state: UNKNOWN } })).toMatchObject({
      state: UNKNOWN,
      line: 'mode MOVING (expected DRAINING or DRAINED)',
    });
    expect(
      judge({ backup: true }, { backup: { expect: 'disabled', disabledState: WARNING, enabledState: CRITICAL } }),
    ).toMatchObject({ state: CRITICAL, line: 'incremental backup enabled (expected disabled)' });
  });

  it('JSON facts: the three words, the mode, its flags (null when the node did not say)', () => {
    const { report } = judge({
      backup: false,
      joined: undefined,
      decommissioning: undefined,
      releaseVersion: undefined,
    });
    expect(report.facts).toEqual({
      binary_running: true,
      gossip_running: true,
      backup_enabled: false,
      status: 'not running',
      operation_mode: 'NORMAL',
      joined: null,
      drained: false,
      draining: false,
      decommissioning: null,
      cassandra_version: null,
      jolokia_url: 'http://cass1:8778/jolokia',
    });
  });

  it("long output: the script's three lines, the mode and its flags, the release", () => {
    expect(judge({ gossip: false, decommissioning: undefined, joined: undefined }).report.details).toEqual([
      'Binary: running',
      'Gossip: not running',
      'Backup: running',
      'OperationMode NORMAL; Joined ?, Drained false, Draining false, Decommissioning (not in this release)',
      'Cassandra 5.0.9 at http://cass1:8778/jolokia',
    ]);
  });

  it('series: the three flags, the mode as a label, the round trip', () => {
    expect(judge({ binary: false, mode: 'LEAVING' }).report.metrics.map((m) => [m.name, m.value, m.labels])).toEqual([
      ['cassandra_native_transport_running', 0, undefined],
      ['cassandra_gossip_running', 1, undefined],
      ['cassandra_incremental_backup_enabled', 1, undefined],
      ['cassandra_operation_mode', 1, { mode: 'LEAVING' }],
      ['cassandra_jolokia_request_duration_seconds', 0.004, undefined],
    ]);
  });
});

describe('nodetoolLines', () => {
  it("Binary, Gossip, Backup, with nodetool's words", () => {
    expect(nodetoolLines(true, false, true)).toEqual(['Binary: running', 'Gossip: not running', 'Backup: running']);
  });
});

describe('constants', () => {
  it('the operation modes StorageService reports, and the JSON keys when nothing could be found out', () => {
    expect(OPERATION_MODES).toEqual([
      'STARTING',
      'NORMAL',
      'JOINING',
      'LEAVING',
      'DECOMMISSIONED',
      'MOVING',
      'DRAINING',
      'DRAINED',
    ]);
    expect(NODE_FACTS_WHEN_UNKNOWN).toEqual({
      binary_running: null,
      gossip_running: null,
      backup_enabled: null,
      status: 'unknown',
      operation_mode: null,
    });
  });
});
