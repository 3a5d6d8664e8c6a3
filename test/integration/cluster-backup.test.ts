// check_cassandra_cluster_backup against the suite's real three-node Cassandra 5.0 cluster
// (127.0.0.1 and 127.0.0.2 in dc1, 127.0.0.3 in analytics; one Jolokia agent per node, on the
// same port of its own address, with credentials, as in production). Each node's own
// `nodetool statusbackup` is the oracle for its line. The last case stops a node for good.

import { afterAll, describe, expect, it } from 'vitest';
import { runNodetool } from '../../scripts/cassandra/harness.mjs';
import { runProcess } from '../support/process.js';
import { runPlugin } from '../support/run-plugin.js';
import { cluster, type ClusterInfo } from './cassandra-context.js';
import { nodetoolOk, setBackupByNodetool, type Nodetool } from './node-helpers.js';

const PLUGIN = 'check_cassandra_cluster_backup';
type Member = ClusterInfo['members'][number];

const member = (address: string): Member => cluster().members.find((m) => m.address === address)!;
/** The nodetool of one member, with that member's JMX port. */
const nodetoolOf =
  (address: string): Nodetool =>
  (...args) =>
    runNodetool(member(address).nodetool, ...args);

/** The plugin with the cluster's credentials, asking `contact` for the ring. */
function check(contact: string, args: string[] = [], password = cluster().credentials.password) {
  const { jolokiaPort, credentials } = cluster();
  return runPlugin(PLUGIN, ['-H', contact, '-p', String(jolokiaPort), '-u', credentials.user, ...args], {
    env: { JOLOKIA_PASSWORD: password },
  });
}

const backup = (address: string, enabled: boolean): Promise<void> => setBackupByNodetool(enabled, nodetoolOf(address));

/** What the cluster-wide loop would print, from each node's own nodetool: `127.0.0.1: running` … */
async function oracleLines(): Promise<string[]> {
  return Promise.all(
    cluster().members.map(async (m) => {
      const res = await nodetoolOk(['statusbackup'], nodetoolOf(m.address));
      return `${m.address}: ${res.stdout.trim()}`;
    }),
  );
}

afterAll(async () => {
  for (const m of cluster().members.slice(0, 2)) await backup(m.address, true);
});

describe('the whole ring from one contact node', () => {
  it("every member enabled: OK, and --format nodetool prints what each node's nodetool prints", async () => {
    for (const m of cluster().members) await backup(m.address, true);
    const run = await check('127.0.0.1', ['-v']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.statusLine).toMatch(
      /^CASSANDRA CLUSTER BACKUP OK - 3 members: 3 enabled \| members=3;;;0 enabled=3;;;0;3 disabled=0;0;;0;3 unreachable=0;0;;0;3 time=[\d.]+s;;;0$/,
    );
    expect(run.stdout.split('\n').slice(2, 5)).toEqual([
      'OK: 127.0.0.1: backup enabled in dc1/r1',
      'OK: 127.0.0.2: backup enabled in dc1/r2',
      'OK: 127.0.0.3: backup enabled in analytics/r1',
    ]);
    const loop = await check('127.0.0.1', ['--format', 'nodetool']);
    expect(loop.stdout).toBe(`${(await oracleLines()).join('\n')}\nSummary: 3 enabled, 0 disabled\n`);
  });

  it('nodetool disablebackup on one node: WARNING naming it, every line as its own nodetool says', async () => {
    await backup('127.0.0.2', false);
    try {
      const run = await check('127.0.0.1');
      expect(run.code).toBe(1);
      expect(run.statusLine).toMatch(
        /^CASSANDRA CLUSTER BACKUP WARNING - 127\.0\.0\.2: backup disabled in dc1\/r2 \| members=3;;;0 enabled=2;;;0;3 disabled=1;0;;0;3 /,
      );
      const lines = await oracleLines();
      expect(lines).toContain('127.0.0.2: not running');
      const loop = await check('127.0.0.1', ['--format', 'nodetool']);
      expect(loop.stdout).toBe(`${lines.join('\n')}\nSummary: 2 enabled, 1 disabled\n`);
      expect(loop.code).toBe(1);
      // CRITICAL only above the range given.
      expect((await check('127.0.0.1', ['--critical-disabled', '0'])).code).toBe(2);
      expect((await check('127.0.0.1', ['--warning-disabled', '1'])).code).toBe(0);
    } finally {
      await backup('127.0.0.2', true);
    }
  });

  it('the contact node is any member: the same audit from each', async () => {
    await backup('127.0.0.3', false);
    try {
      const outputs = await Promise.all(cluster().members.map((m) => check(m.address, ['--format', 'nodetool'])));
      const expected = `${(await oracleLines()).join('\n')}\nSummary: 2 enabled, 1 disabled\n`;
      for (const run of outputs) expect(run.stdout).toBe(expected);
      const json = JSON.parse((await check('127.0.0.3', ['--format', 'json'])).stdout) as {
        contact: string;
        nodes: Record<string, unknown>[];
      };
      expect(json.contact).toBe(`http://127.0.0.3:${cluster().jolokiaPort}/jolokia`);
      expect(json.nodes.map((n) => [n['node'], n['dc'], n['rack'], n['backup_enabled'], n['status']])).toEqual([
        ['127.0.0.1', 'dc1', 'r1', true, 'running'],
        ['127.0.0.2', 'dc1', 'r2', true, 'running'],
        ['127.0.0.3', 'analytics', 'r1', false, 'not running'],
      ]);
      const keys = [
        'address',
        'backup_enabled',
        'dc',
        'expected',
        'gossip',
        'host_id',
        'message',
        'node',
        'rack',
        'reason',
        'release_version',
        'state',
        'status',
        'url',
      ];
      for (const node of json.nodes) expect(Object.keys(node).sort()).toEqual(keys);
    } finally {
      await backup('127.0.0.3', true);
    }
  });

  it('--expect-dc analytics=disabled: a data center that should not back up', async () => {
    await backup('127.0.0.3', false);
    try {
      const expected = await check('127.0.0.2', ['--expect-dc', 'analytics=disabled']);
      expect([expected.code, expected.statusLine]).toEqual([
        0,
        expect.stringMatching(/^CASSANDRA CLUSTER BACKUP OK - 3 members: 2 enabled, 1 disabled as expected \|/),
      ]);
      expect((await check('127.0.0.2')).statusLine).toMatch(
        /^CASSANDRA CLUSTER BACKUP WARNING - 127\.0\.0\.3: backup disabled in analytics\/r1 \|/,
      );
    } finally {
      await backup('127.0.0.3', true);
    }
    const enabledThere = await check('127.0.0.2', ['--expect-dc', 'analytics=disabled']);
    expect(enabledThere.statusLine).toMatch(
      /^CASSANDRA CLUSTER BACKUP WARNING - 127\.0\.0\.3: backup enabled in analytics\/r1 \(expected disabled\) \|/,
    );
  });

  it('--dc: only the members of one data center, whichever the contact', async () => {
    const run = await check('127.0.0.3', ['--dc', 'dc1', '--format', 'nodetool']);
    expect(run.stdout).toBe('127.0.0.1: running\n127.0.0.2: running\nSummary: 2 enabled, 0 disabled\n');
    const none = await check('127.0.0.1', ['--dc', 'nowhere']);
    expect([none.code, none.statusLine]).toEqual([
      3,
      'CASSANDRA CLUSTER BACKUP UNKNOWN - No member of the ring is in nowhere (the ring has dc1, analytics)',
    ]);
  });

  it('prometheus: one sample per node, labelled, that promtool accepts', async () => {
    const run = await check('127.0.0.1', ['--format', 'prometheus']);
    for (const m of cluster().members)
      expect(run.stdout).toContain(
        `cassandra_incremental_backup_enabled{node="${m.address}",dc="${m.datacenter}",rack="${m.rack}"} 1\n`,
      );
    const lint = await runProcess('/usr/bin/promtool', ['check', 'metrics'], { input: run.stdout });
    expect([lint.code, lint.stdout + lint.stderr]).toEqual([0, '']);
  });
});

describe('credentials on every agent', () => {
  it('a wrong password: UNKNOWN from the contact node, and the next contact is tried', async () => {
    const run = await check('127.0.0.1', [], 'wrong');
    expect(run.code).toBe(3);
    expect(run.statusLine).toMatch(
      /^CASSANDRA CLUSTER BACKUP UNKNOWN - Authentication failed for user monitor at http:\/\/127\.0\.0\.1:\d+\/jolokia \(HTTP 401\)/,
    );
    const two = await runPlugin(PLUGIN, ['-H', '127.0.0.1', '-H', '127.0.0.2', '-p', String(cluster().jolokiaPort)]);
    expect(two.statusLine).toMatch(
      /^CASSANDRA CLUSTER BACKUP UNKNOWN - No contact node answered: The agent at http:\/\/127\.0\.0\.1:\d+\/jolokia requires authentication \(HTTP 401\): give --user and a password; The agent at http:\/\/127\.0\.0\.2/,
    );
  });
});

/** The plugin over CQL, asking `contact` for the ring and each member on its own native port: no agent asked. */
function checkOverCql(contact: string, args: string[] = []) {
  return runPlugin(PLUGIN, ['--transport', 'cql', '-H', contact, '--cql-port', String(cluster().nativePort), ...args]);
}

describe('over CQL: the same audit, no agent asked', () => {
  it("every line as each node's own nodetool says; one disabled and one frozen, all accounted for within -t", async () => {
    for (const m of cluster().members) await backup(m.address, true);
    const all = await checkOverCql('127.0.0.2', ['--format', 'nodetool']);
    expect(all.stdout).toBe(`${(await oracleLines()).join('\n')}\nSummary: 3 enabled, 0 disabled\n`);
    await backup('127.0.0.2', false);
    const frozen = member('127.0.0.3');
    process.kill(frozen.pid, 'SIGSTOP');
    try {
      const run = await checkOverCql('127.0.0.1', ['-t', '6', '--node-timeout', '2', '-v']);
      expect(run.seconds).toBeLessThan(6);
      expect(run.code).toBe(1);
      expect(run.statusLine).toMatch(
        /^CASSANDRA CLUSTER BACKUP WARNING - 127\.0\.0\.2: backup disabled in dc1\/r2\b.* \| members=3;;;0 enabled=1;;;0;3 disabled=1;0;;0;3 unreachable=1;0;;0;3 /,
      );
      expect(run.stdout).toMatch(
        /127\.0\.0\.3: unreachable in analytics\/r1: 127\.0\.0\.3:\d+ accepted the connection but did not answer the protocol's STARTUP in time/,
      );
      const json = JSON.parse((await checkOverCql('127.0.0.1', ['--format', 'json', '--node-timeout', '2'])).stdout);
      expect(json.nodes.map((n: { address: string; status: string }) => [n.address, n.status])).toEqual([
        ['127.0.0.1', 'running'],
        ['127.0.0.2', 'not running'],
        ['127.0.0.3', 'unreachable'],
      ]);
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
      await backup('127.0.0.2', true);
    }
  });

  it('--dc: only the members of one data center, from a contact in the other', async () => {
    const run = await checkOverCql('127.0.0.3', ['--dc', 'dc1', '--format', 'json']);
    expect(JSON.parse(run.stdout).nodes.map((n: { address: string }) => n.address)).toEqual(['127.0.0.1', '127.0.0.2']);
  });
});

describe('a member that does not answer', () => {
  it('a frozen JVM (SIGSTOP): unreachable while gossip still says up, within -t', async () => {
    const frozen = member('127.0.0.3');
    process.kill(frozen.pid, 'SIGSTOP');
    try {
      const run = await check('127.0.0.1', ['-t', '6', '--node-timeout', '2']);
      expect(run.seconds).toBeLessThan(6);
      expect(run.code).toBe(1);
      expect(run.statusLine).toMatch(
        /^CASSANDRA CLUSTER BACKUP WARNING - 127\.0\.0\.3: unreachable in analytics\/r1 \(gossip still says up\): The agent at http:\/\/127\.0\.0\.3:\d+\/jolokia accepted the connection but sent no answer within 2 s \|.* unreachable=1;0;;0;3 /,
      );
      const loop = await check('127.0.0.2', ['--format', 'nodetool']);
      expect(loop.stdout.split('\n').slice(2)).toEqual([
        '127.0.0.3: unreachable',
        'Summary: 2 enabled, 0 disabled, 1 unreachable',
        '',
      ]);
      // The frozen node as the only contact: UNKNOWN, in time; a second contact is asked instead.
      const blind = await check('127.0.0.3', ['-t', '6']);
      expect([blind.code, blind.seconds < 6]).toEqual([3, true]);
      const second = await check('127.0.0.3', ['-H', '127.0.0.1']);
      expect(second.statusLine).toMatch(/^CASSANDRA CLUSTER BACKUP WARNING - 127\.0\.0\.3: unreachable/);
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
    }
  });

  it('a stopped node: named as down by gossip, the check still ends within -t (this node stays down)', async () => {
    const stopped = member('127.0.0.3');
    process.kill(stopped.pid, 'SIGTERM');
    // A node that shuts down tells gossip so; wait until the others have heard it.
    const until = Date.now() + 60_000;
    let run = await check('127.0.0.1', ['-t', '5']);
    while (!/gossip says down/.test(run.statusLine) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      run = await check('127.0.0.1', ['-t', '5']);
    }
    expect(run.seconds).toBeLessThan(5);
    expect(run.code).toBe(1);
    expect(run.statusLine).toMatch(
      /^CASSANDRA CLUSTER BACKUP WARNING - 127\.0\.0\.3: unreachable in analytics\/r1 \(gossip says down\): Cannot connect to Cassandra's Jolokia agent at http:\/\/127\.0\.0\.3:\d+\/jolokia: connection refused \|/,
    );
    const nodetoolStatus = await nodetoolOf('127.0.0.1')('status');
    expect(nodetoolStatus.stdout).toMatch(/^DN\s+127\.0\.0\.3\b/m);
    // Over CQL, gossip_info holds the STATUS the stopped node announced.
    const overCql = await checkOverCql('127.0.0.1', ['-t', '5']);
    expect([overCql.code, overCql.seconds < 5]).toEqual([1, true]);
    expect(overCql.statusLine).toMatch(
      /^CASSANDRA CLUSTER BACKUP WARNING - 127\.0\.0\.3: unreachable in analytics\/r1 \(gossip says down\): Cannot connect to Cassandra's native port at 127\.0\.0\.3:\d+: connection refused/,
    );
  });
});
