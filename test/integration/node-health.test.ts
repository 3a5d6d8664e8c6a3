// check_cassandra_node on real nodes: each switch made with the real nodetool (disablebinary,
// disablegossip, disablebackup, drain), and each answer checked against the same nodetool's
// statusbinary, statusgossip and statusbackup. drain cannot be undone: it runs on a node of its own.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCassandra, type CassandraNode } from '../../scripts/cassandra/harness.mjs';
import { runPlugin } from '../support/run-plugin.js';
import { cassandra, nodetool } from './cassandra-context.js';
import { nodetoolOk, type Nodetool } from './node-helpers.js';

const PLUGIN = 'check_cassandra_node';

/** What a health-check script running statusbinary, statusgossip and statusbackup prints, from the real nodetool. */
async function healthScript(run: Nodetool): Promise<string> {
  const lines: string[] = [];
  for (const [label, command] of [
    ['Binary', 'statusbinary'],
    ['Gossip', 'statusgossip'],
    ['Backup', 'statusbackup'],
  ] as const) {
    const res = await nodetoolOk([command], run);
    lines.push(`${label}: ${res.stdout.trim()}`);
  }
  return `${lines.join('\n')}\n`;
}

async function switched(command: string): Promise<void> {
  await nodetoolOk([command]);
}

describe("the suite's node, switched by nodetool", () => {
  const url = (): string[] => ['--url', cassandra().jolokiaUrl];

  beforeAll(() => switched('enablebackup'));
  afterAll(async () => {
    await switched('enablebinary');
    await switched('enablegossip');
    await switched('disablebackup');
  });

  it("all running: OK, and --format nodetool prints the health-check script's three lines as nodetool does", async () => {
    const run = await runPlugin(PLUGIN, [...url(), '-v']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.statusLine).toMatch(
      /^CASSANDRA NODE OK - native transport running; gossip running; incremental backup enabled; mode NORMAL \| binary_running=1;;;0;1 gossip_running=1;;;0;1 backup_enabled=1;;;0;1 time=[\d.]+s;;;0$/,
    );
    expect(run.stdout).toContain(`Cassandra ${cassandra().cassandraVersion} at`);
    const asNodetool = await runPlugin(PLUGIN, [...url(), '--format', 'nodetool']);
    expect(asNodetool.stdout).toBe(await healthScript(nodetool));
    expect(asNodetool.stdout).toBe('Binary: running\nGossip: running\nBackup: running\n');
  });

  it.each([
    ['disablebinary', 'enablebinary', 2, 'native transport not running (expected running)', 'Binary: not running'],
    ['disablegossip', 'enablegossip', 2, 'gossip not running (expected running)', 'Gossip: not running'],
    ['disablebackup', 'enablebackup', 1, 'incremental backup disabled (expected enabled)', 'Backup: not running'],
  ])(
    'nodetool %s: the aspect named with its state, and the line as nodetool prints it',
    async (off, on, code, words, line) => {
      await switched(off);
      try {
        const run = await runPlugin(PLUGIN, url());
        expect(run.code, run.stdout).toBe(code);
        expect(run.statusLine).toMatch(
          new RegExp(`^CASSANDRA NODE (CRITICAL|WARNING) - ${words.replace(/[()]/g, '\\$&')} \\|`),
        );
        const asNodetool = await runPlugin(PLUGIN, [...url(), '--format', 'nodetool']);
        expect(asNodetool.stdout).toBe(await healthScript(nodetool));
        expect(asNodetool.stdout).toContain(`${line}\n`);
        const json = JSON.parse((await runPlugin(PLUGIN, [...url(), '--format', 'json'])).stdout) as Record<
          string,
          unknown
        >;
        expect(json['operation_mode']).toBe('NORMAL');
        // The backup as every plugin's JSON says it: the flag, and nodetool statusbackup's word.
        expect([json['backup_enabled'], json['status']]).toEqual(
          off === 'disablebackup' ? [false, 'not running'] : [true, 'running'],
        );
      } finally {
        await switched(on);
      }
    },
  );

  it("what the node should be doing is the operator's to say", async () => {
    await switched('disablebackup');
    try {
      expect((await runPlugin(PLUGIN, [...url(), '--expect-backup', 'disabled'])).code).toBe(0);
      expect((await runPlugin(PLUGIN, [...url(), '--backup-state', 'critical'])).code).toBe(2);
    } finally {
      await switched('enablebackup');
    }
    const modes = await runPlugin(PLUGIN, [...url(), '--expect-mode', 'DRAINED']);
    expect([modes.code, modes.statusLine]).toEqual([
      1,
      expect.stringMatching(/^CASSANDRA NODE WARNING - mode NORMAL \(expected DRAINED\) \|/),
    ]);
  });
});

describe('a node drained for maintenance (a node of its own: drain cannot be undone)', () => {
  let node: CassandraNode | undefined;

  beforeAll(async () => {
    node = await startCassandra({
      agents: { main: {} },
      heap: '512M',
      incrementalBackups: true,
      log: (m) => process.stderr.write(`[drain] ${m}\n`),
    });
    await nodetoolOk(['drain'], node.nodetool);
  }, 600_000);
  afterAll(async () => node?.stop());

  it('native transport and gossip stopped, mode DRAINED: CRITICAL, and each line as nodetool prints it', async () => {
    const run = await runPlugin(PLUGIN, ['--url', node!.jolokiaUrl!, '--format', 'json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      binary_running: false,
      gossip_running: false,
      operation_mode: 'DRAINED',
      drained: true,
      state: 'CRITICAL',
    });
    const asNodetool = await runPlugin(PLUGIN, ['--url', node!.jolokiaUrl!, '--format', 'nodetool']);
    expect(asNodetool.stdout).toBe(await healthScript((...args) => node!.nodetool(...args)));
    expect(asNodetool.stdout).toBe('Binary: not running\nGossip: not running\nBackup: running\n');
  });

  it('said to be in maintenance: OK', async () => {
    const run = await runPlugin(PLUGIN, [
      '--url',
      node!.jolokiaUrl!,
      '--expect-mode',
      'DRAINED',
      '--expect-binary',
      'stopped',
      '--expect-gossip',
      'stopped',
    ]);
    expect([run.code, run.statusLine]).toEqual([
      0,
      expect.stringMatching(
        /^CASSANDRA NODE OK - native transport not running; gossip not running; incremental backup enabled; mode DRAINED \|/,
      ),
    ]);
  });
});
