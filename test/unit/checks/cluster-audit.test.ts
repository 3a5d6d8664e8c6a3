// The cluster audit's judgement on values: what each member answered (or the error it failed
// with, as the Jolokia client raises them and the reader sorts them), the thresholds, the
// expectations per data center. No server: plain facts in.
import { describe, expect, it } from 'vitest';
import { memberFailure, type MemberAnswer, type Target } from '../../../src/cassandra/cluster.js';
import type { RingMember } from '../../../src/cassandra/ring.js';
import { judgeCluster, type AuditPolicy } from '../../../src/checks/cluster-audit.js';
import {
  JolokiaAgentError,
  JolokiaConnectionError,
  JolokiaHttpError,
  JolokiaProtocolError,
  JolokiaTimeoutError,
  type JolokiaError,
} from '../../../src/jolokia/errors.js';
import { formatPerfdata } from '../../../src/runtime/perfdata.js';
import { Range } from '../../../src/runtime/range.js';
import { reportState, type Reading } from '../../../src/runtime/result.js';
import { CRITICAL, OK, UNKNOWN, WARNING } from '../../../src/runtime/state.js';
import { summaryText } from '../../../src/runtime/summary.js';

const member = (n: number, datacenter = 'dc1', gossip: RingMember['gossip'] = 'up'): RingMember => ({
  address: `10.0.0.${n}`,
  endpoint: `10.0.0.${n}:7000`,
  hostId: `host-${n}`,
  datacenter,
  rack: 'r1',
  gossip,
  status: 'NORMAL',
  releaseVersion: '5.0.9',
});
const target = (m: RingMember | undefined, name = m?.address ?? '?'): Target => ({
  name,
  member: m,
  url: `http://${name}:8778/jolokia`,
});
type Outcome = Reading<MemberAnswer>;
const on = (n: number): Outcome => ({
  found: { status: 'answered', enabled: true, hostId: `host-${n}`, releaseVersion: '5.0.9' },
});
const off = (n: number): Outcome => ({
  found: { status: 'answered', enabled: false, hostId: `host-${n}`, releaseVersion: '5.0.9' },
});
/** What the reader makes of a member whose agent failed with this error. */
const failed = (error: JolokiaError): Outcome => memberFailure(error);

const policy = (overrides: Partial<AuditPolicy> = {}): AuditPolicy => ({
  backup: { expect: 'enabled', disabledState: WARNING, enabledState: WARNING },
  expectByDatacenter: new Map(),
  disabled: { warning: Range.parse('0') },
  unreachable: { warning: Range.parse('0') },
  ...overrides,
});

function run(pairs: [Target, Outcome][], p = policy(), ringKnown = true) {
  const report = judgeCluster(
    {
      contact: 'http://10.0.0.1:8778/jolokia',
      contactFailures: [],
      ringKnown,
      members: pairs.map(([target, answer]) => ({ target, answer })),
      seconds: 0.25,
    },
    p,
  );
  return { report, state: reportState(report), line: summaryText(report, 200), nodes: report.subjects!.results };
}

describe('cluster audit', () => {
  it('every member enabled: OK, counted', () => {
    const r = run([1, 2, 3].map((n) => [target(member(n)), on(n)]));
    expect(r.state).toBe(OK);
    expect(r.line).toBe('3 members: 3 enabled');
    expect(r.report.perfdata.map(formatPerfdata)).toEqual([
      'members=3;;;0',
      'enabled=3;;;0;3',
      'disabled=0;0;;0;3',
      'unreachable=0;0;;0;3',
      'time=0.25s;;;0',
    ]);
  });

  it('the disabled count against its ranges: WARNING by default, CRITICAL above the critical range', () => {
    const pairs: [Target, Outcome][] = [
      [target(member(1)), on(1)],
      [target(member(2)), off(2)],
      [target(member(3)), off(3)],
    ];
    expect(run(pairs).state).toBe(WARNING);
    expect(run(pairs).line).toBe('10.0.0.2: backup disabled in dc1/r1; 10.0.0.3: backup disabled in dc1/r1');
    expect(run(pairs, policy({ disabled: { warning: Range.parse('0'), critical: Range.parse('1') } })).state).toBe(
      CRITICAL,
    );
    expect(run(pairs, policy({ disabled: { warning: Range.parse('2') } })).state).toBe(OK);
    // --backup-state says how loud a disabled member is once the warning range is crossed.
    expect(
      run(pairs, policy({ backup: { expect: 'enabled', disabledState: CRITICAL, enabledState: WARNING } })).state,
    ).toBe(CRITICAL);
  });

  it('a data center that should not back up; one that backs up although it should not', () => {
    const expectations = policy({ expectByDatacenter: new Map([['analytics', 'disabled']]) });
    const quiet = run(
      [
        [target(member(1)), on(1)],
        [target(member(4, 'analytics')), off(4)],
      ],
      expectations,
    );
    expect([quiet.state, quiet.line]).toEqual([OK, '2 members: 1 enabled, 1 disabled as expected']);
    const loud = run(
      [
        [target(member(1)), on(1)],
        [target(member(4, 'analytics')), on(4)],
      ],
      expectations,
    );
    expect([loud.state, loud.line]).toEqual([WARNING, '10.0.0.4: backup enabled in analytics/r1 (expected disabled)']);
    expect(
      run(
        [[target(member(4, 'analytics')), on(4)]],
        policy({ ...expectations, backup: { expect: 'enabled', disabledState: WARNING, enabledState: CRITICAL } }),
      ).state,
    ).toBe(CRITICAL);
  });

  it("no answer is unreachable, with gossip's view; refusals, strangers and impostors are UNKNOWN for that member alone", () => {
    const r = run([
      [target(member(1)), on(1)],
      [
        target(member(2, 'dc1', 'down')),
        failed(
          new JolokiaConnectionError('Cannot connect to the agent at http://10.0.0.2:8778/jolokia: connection refused'),
        ),
      ],
      [
        target(member(3)),
        failed(
          new JolokiaTimeoutError(
            'The agent at http://10.0.0.3:8778/jolokia accepted the connection but sent no answer within 2 s',
          ),
        ),
      ],
      [
        target(member(5)),
        failed(
          new JolokiaHttpError(
            401,
            'Authentication failed for user monitor at http://10.0.0.5:8778/jolokia (HTTP 401): check the user and password',
          ),
        ),
      ],
      [
        target(member(6)),
        failed(
          new JolokiaAgentError(
            404,
            'javax.management.InstanceNotFoundException',
            'The agent at http://10.0.0.6:8778/jolokia has no MBean org.apache.cassandra.db:type=StorageService',
          ),
        ),
      ],
      [target(member(7)), on(8)],
      [target(member(9)), failed(new JolokiaProtocolError('The answer of http://10.0.0.9:8778/jolokia is not JSON'))],
    ]);
    expect(r.report.facts).toEqual({
      contact: 'http://10.0.0.1:8778/jolokia',
      members: 7,
      enabled: 1,
      disabled: 0,
      unreachable: 2,
      unknown: 4,
    });
    expect(
      r.nodes.map((n) => [n.subject.name, n.state.name, n.facts?.['backup_enabled'], n.facts?.['status']]),
    ).toEqual([
      ['10.0.0.1', 'OK', true, 'running'],
      ['10.0.0.2', 'WARNING', null, 'unreachable'],
      ['10.0.0.3', 'WARNING', null, 'unreachable'],
      ['10.0.0.5', 'UNKNOWN', null, 'refused'],
      ['10.0.0.6', 'UNKNOWN', null, 'not-cassandra'],
      ['10.0.0.7', 'UNKNOWN', null, 'wrong-node'],
      ['10.0.0.9', 'UNKNOWN', null, 'unknown'],
    ]);
    expect(r.nodes[1]!.line).toBe(
      'unreachable in dc1/r1 (gossip says down): Cannot connect to the agent at http://10.0.0.2:8778/jolokia: connection refused',
    );
    expect(r.nodes[2]!.line).toMatch(/^unreachable in dc1\/r1 \(gossip still says up\): /);
    expect(r.nodes[5]!.line).toBe(
      'another node answers in dc1/r1: the agent at http://10.0.0.7:8778/jolokia answers for host host-8, not host-7: check --node-url or the override file',
    );
    expect(r.state).toBe(UNKNOWN);
    expect(r.line.startsWith('10.0.0.5: refused in dc1/r1: Authentication failed')).toBe(true);
  });

  it('the status line names as many offending members as fit, then how many more', () => {
    const pairs = Array.from({ length: 40 }, (_, i): [Target, Outcome] => [target(member(i + 1)), off(i + 1)]);
    const r = run(pairs);
    expect(r.line.length).toBeLessThanOrEqual(200);
    expect(r.line).toMatch(
      /^10\.0\.0\.1: backup disabled in dc1\/r1; 10\.0\.0\.2: backup disabled in dc1\/r1; .* \(\+3\d more\)$/,
    );
    expect(r.nodes).toHaveLength(40);
  });

  it('a --node the ring does not hold is a WARNING, whatever it answers', () => {
    const stranger = run([
      [target(member(1)), on(1)],
      [target(undefined, 'cass9'), on(9)],
    ]);
    expect(stranger.state).toBe(WARNING);
    expect(stranger.nodes[1]!.line).toBe('not in the ring; backup enabled in ?/?');
    expect(run([[target(undefined, 'cass9'), on(9)]], policy(), false).state).toBe(OK);
  });
});
