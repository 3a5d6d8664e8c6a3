// check_cassandra_cluster_backup as a process against a simulated ring (scripts/simulated-cluster.mjs):
// the failures a real cluster cannot be made to show on cue — an agent that hangs, refuses the
// credentials, is no Cassandra node, answers for another host, sends garbage — each accounted for
// on its own, and the whole check within -t. What it claims about Cassandra is proven on the real
// cluster in test/integration/cluster-backup.test.ts.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  startSimulatedCluster,
  type SimulatedCluster,
  type SimulationOptions,
} from '../../scripts/simulated-cluster.mjs';
import { entry } from '../../src/plugins/check_cassandra_cluster_backup.js';
import { expectCleanRun } from '../support/plugin-output.js';
import { runPlugin } from '../support/run-plugin.js';

const PLUGIN = 'check_cassandra_cluster_backup';
let cluster: SimulatedCluster | undefined;
const dir = mkdtempSync(join(tmpdir(), 'cluster-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function against(options: Omit<SimulationOptions, 'latencyMs'>, args: string[] = []) {
  cluster = await startSimulatedCluster({ latencyMs: [0, 5], ...options });
  return runPlugin(PLUGIN, ['--url', cluster.contactUrl, ...args]);
}

describe('every member accounted for, each on its own', () => {
  it('one agent of each kind: the counts, a line each, and the worst state', async () => {
    const run = await against(
      { size: 7, behaviours: { 1: 'disabled', 2: 'hang', 3: 'refuse', 4: 'stranger', 5: 'impostor', 6: 'garbage' } },
      ['-t', '5', '--node-timeout', '1', '--format', 'json'],
    );
    expect(run.code).toBe(3);
    const body = JSON.parse(run.stdout) as {
      members: number;
      enabled: number;
      disabled: number;
      unreachable: number;
      unknown: number;
      nodes: { node: string; backup_enabled: boolean | null; status: string; state: string; message: string }[];
    };
    expect({
      members: body.members,
      enabled: body.enabled,
      disabled: body.disabled,
      unreachable: body.unreachable,
      unknown: body.unknown,
    }).toEqual({ members: 7, enabled: 1, disabled: 1, unreachable: 1, unknown: 4 });
    // A member's backup as every plugin says it: backup_enabled, and nodetool's word as its status.
    expect(body.nodes.map((n) => [n.backup_enabled, n.status, n.state])).toEqual([
      [true, 'running', 'OK'],
      [false, 'not running', 'WARNING'],
      [null, 'unreachable', 'WARNING'],
      [null, 'refused', 'UNKNOWN'],
      [null, 'not-cassandra', 'UNKNOWN'],
      [null, 'wrong-node', 'UNKNOWN'],
      [null, 'unknown', 'UNKNOWN'],
    ]);
    expect(body.nodes[2]!.message).toMatch(
      /^unreachable in dc3\/rack1 \(gossip still says up\): The agent at http:\/\/127\.2\.0\.3:\d+\/jolokia accepted the connection but sent no answer within 1 s$/,
    );
    expect(body.nodes[5]!.message).toMatch(
      /answers for host 11111111-1111-4111-8111-111111111111, not 00000000-0000-4000-8000-000000000005/,
    );
  });

  it('the nagios line stays one clean line, whatever the agents said', async () => {
    const run = await against({ size: 5, behaviours: { 1: 'garbage', 2: 'refuse', 3: 'hang' } }, [
      '-t',
      '4',
      '--node-timeout',
      '1',
    ]);
    expectCleanRun(run, { timeoutSeconds: 4, code: 3, plugin: entry, partialUnknown: true });
  });

  it("--format nodetool: the cluster-wide loop's lines and Summary", async () => {
    const run = await against({ size: 4, behaviours: { 2: 'disabled', 3: 'hang' } }, [
      '--node-timeout',
      '1',
      '--format',
      'nodetool',
    ]);
    expect(run.stdout).toBe(
      '127.2.0.1: running\n127.2.0.2: running\n127.2.0.3: not running\n127.2.0.4: unreachable\nSummary: 2 enabled, 1 disabled, 1 unreachable\n',
    );
    expect(run.code).toBe(1);
  });
});

describe('time', () => {
  it('agents that never answer cannot hold the check past -t: it ends in time with every member named', async () => {
    const run = await against({ size: 40, silentShare: 0.5 }, ['-t', '3', '--node-timeout', '10', '--format', 'json']);
    // Each member's deadline is cut to what is left of -t: the hung ones are unreachable, not a timeout.
    expect(run.seconds).toBeLessThan(3.5);
    const body = JSON.parse(run.stdout) as { state: string; members: number; unreachable: number; nodes: unknown[] };
    expect([run.code, body.state, body.members, body.unreachable, body.nodes.length]).toEqual([
      1,
      'WARNING',
      40,
      19,
      40,
    ]);
  });

  it('--parallel bounds the agents asked at once; all are still asked', async () => {
    const run = await against({ size: 30 }, ['--parallel', '2', '--format', 'json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ members: 30, enabled: 30, state: 'OK' });
  });
});

describe('where the agents are', () => {
  it('--node-url-file for a member behind NAT; --node-url as a template', async () => {
    cluster = await startSimulatedCluster({ size: 3, latencyMs: [0, 1] });
    const second = await startSimulatedCluster({ size: 1, network: '127.3', latencyMs: [0, 1] });
    try {
      // 127.2.0.3's agent "is" elsewhere: the second simulation's only agent, which is another host.
      const file = join(dir, 'agents.txt');
      writeFileSync(file, `# NAT\n127.2.0.3 http://${second.members[0]!.address}:${second.port}/jolokia\n`);
      const run = await runPlugin(PLUGIN, ['--url', cluster.contactUrl, '--node-url-file', file, '-v']);
      expect(run.stdout).toContain(
        `UNKNOWN: 127.2.0.3: another node answers in dc3/rack1: the agent at http://127.3.0.1:${second.port}/jolokia answers for host`,
      );
      const template = await runPlugin(PLUGIN, [
        '--url',
        cluster.contactUrl,
        '--node-url',
        `http://{host}:${cluster.port}/jolokia`,
      ]);
      expect(template.statusLine).toMatch(/^CASSANDRA CLUSTER BACKUP OK - 3 members: 3 enabled \|/);
    } finally {
      await second.close();
    }
  });

  it('--node: the nodes named, placed in the ring by their host id; one the ring does not hold is a WARNING', async () => {
    const run = await against({ size: 4, missingFromRing: 1 }, [
      '--node',
      '127.2.0.2',
      '--node',
      '127.2.0.4',
      '--format',
      'nodetool',
      '-v',
    ]);
    expect(run.stdout).toBe('127.2.0.2: running\n127.2.0.4: running\nSummary: 2 enabled, 0 disabled\n');
    expect(run.code).toBe(1);
    const json = await runPlugin(PLUGIN, ['--url', cluster!.contactUrl, '--node', '127.2.0.4', '--format', 'json']);
    expect(JSON.parse(json.stdout).nodes[0]).toMatchObject({
      node: '127.2.0.4',
      state: 'WARNING',
      message: 'not in the ring; backup enabled in ?/?',
    });
  });

  it('one contact node down: the next is asked; all down: UNKNOWN naming each', async () => {
    cluster = await startSimulatedCluster({ size: 3, latencyMs: [0, 1], behaviours: { 0: 'hang' } });
    const other = `http://${cluster.members[1]!.address}:${cluster.port}/jolokia`;
    const run = await runPlugin(PLUGIN, ['--url', cluster.contactUrl, '--url', other, '--node-timeout', '1', '-v']);
    expect(run.stdout).toMatch(
      /contact not used: The agent at http:\/\/127\.2\.0\.1:\d+\/jolokia accepted the connection but sent no answer within 1 s/,
    );
    expect(run.stdout).toContain(`ring from ${other}`);
    const none = await runPlugin(PLUGIN, ['--url', cluster.contactUrl, '--node-timeout', '1']);
    expect([none.code, none.statusLine]).toEqual([
      3,
      expect.stringMatching(
        /^CASSANDRA CLUSTER BACKUP UNKNOWN - The agent at http:\/\/127\.2\.0\.1:\d+\/jolokia accepted the connection but sent no answer within 1 s$/,
      ),
    ]);
  });

  it.each([
    [
      ['--node-url', 'http://cass:8778/jolokia'],
      "--node-url: 'http://cass:8778/jolokia' has no {host} for the member's address",
    ],
    [['--expect-dc', 'analytics'], "--expect-dc: 'analytics' is not DC=enabled or DC=disabled"],
    [['--parallel', '0'], "--parallel: '0' is not a whole number from 1 to 4096"],
    [['--warning-disabled', 'x'], "--warning-disabled: 'x' is not a range ('x' is not a number)"],
    [['--node-url-file', '/nonexistent'], '--node-url-file: cannot read /nonexistent (no such file)'],
  ])('%j is a usage error', async (args, message) => {
    const run = await runPlugin(PLUGIN, args);
    expect([run.code, run.statusLine]).toEqual([3, `CASSANDRA CLUSTER BACKUP UNKNOWN - ${message}`]);
  });
});
