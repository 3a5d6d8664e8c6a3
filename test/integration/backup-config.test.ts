// "Until restart" on the real 5.0 node of the suite: the node loaded conf/cassandra.yaml (written by
// the harness with incremental_backups: false) through the cassandra.config system property, and
// the real nodetool switches the running setting. The check compares the two as the node would at
// its next restart; nodetool statusbackup is the oracle for the running side.

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGED_CONFIG_FILES } from '../../src/cassandra/config-file.js';
import { runPlugin } from '../support/run-plugin.js';
import { cassandra, jolokia, MONITOR_PASSWORD, nodetool, type AgentName } from './cassandra-context.js';
import { setBackupByNodetool } from './node-helpers.js';

const PLUGIN = 'check_cassandra_backup';
const DRIFT = 'enabled until the next restart: cassandra.yaml has incremental_backups: false';
let dir: string;
let nodeYaml: string;
let original: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'it-config-'));
  nodeYaml = join(cassandra().workDir, 'conf', 'cassandra.yaml');
  original = readFileSync(nodeYaml, 'utf8');
});
afterEach(() => writeFileSync(nodeYaml, original));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await switchBackup(false);
});

/** The running setting, switched the operator's way and confirmed by `nodetool statusbackup`. */
async function switchBackup(enabled: boolean): Promise<void> {
  await setBackupByNodetool(enabled);
  expect((await nodetool('statusbackup')).stdout).toBe(enabled ? 'running\n' : 'not running\n');
}

/** The node's own cassandra.yaml, with incremental_backups changed as an operator would edit it. */
function editNodeYaml(value: string): void {
  const edited = original.replace(/^incremental_backups: .*$/m, `incremental_backups: ${value}`);
  expect(edited).not.toBe(original);
  writeFileSync(nodeYaml, edited);
}

const check = (args: string[], agent: AgentName = 'plain2') =>
  runPlugin(PLUGIN, ['--url', cassandra().agents[agent].url, ...args]);

describe('the file says off (as the harness wrote it)', () => {
  it('the harness wrote incremental_backups: false, and the node loaded that file', () => {
    expect(original).toMatch(/^incremental_backups: false$/m);
  });

  it('nodetool enablebackup → WARNING: enabled until the next restart (--find-config and --config)', async () => {
    await switchBackup(true);
    for (const args of [['--find-config'], ['--config', nodeYaml]]) {
      const run = await check(args);
      expect([run.code, run.statusLine], args.join(' ')).toEqual([
        1,
        expect.stringMatching(
          new RegExp(
            `^CASSANDRA BACKUP WARNING - ${DRIFT} \\| backup_enabled=1;;;0;1 time=\\S+ backup_after_restart=0;;;0;1$`,
          ),
        ),
      ]);
    }
  });

  it('-v says which file, how it was found, and what the restart does', async () => {
    await switchBackup(true);
    const run = await check(['--find-config', '-v']);
    expect(run.stdout).toContain(
      `configuration: ${nodeYaml} (found through the cassandra.config system property) has incremental_backups: false`,
    );
    expect(run.stdout).toContain('after the next restart: backup disabled; running now: enabled');
  });

  it('--config-state critical raises the drift to CRITICAL; JSON and Prometheus carry the facts', async () => {
    await switchBackup(true);
    const critical = await check(['--find-config', '--config-state', 'critical']);
    expect([critical.code, critical.statusLine]).toEqual([
      2,
      expect.stringMatching(new RegExp(`^CASSANDRA BACKUP CRITICAL - ${DRIFT} \\|`)),
    ]);
    const json = JSON.parse((await check(['--find-config', '--format', 'json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      backup_enabled: true,
      config_file: nodeYaml,
      incremental_backups_in_config: false,
      incremental_backups_override: null,
      backup_enabled_after_restart: false,
      state: 'WARNING',
      message: DRIFT,
    });
    const prometheus = (await check(['--find-config', '--format', 'prometheus'])).stdout;
    expect(prometheus).toMatch(/^cassandra_incremental_backup_enabled 1$/m);
    expect(prometheus).toMatch(/^cassandra_incremental_backup_after_restart 0$/m);
  });

  it('disabled at runtime too: the usual alarm and nothing more (they agree)', async () => {
    await switchBackup(false);
    const run = await check(['--find-config']);
    expect([run.code, run.statusLine]).toEqual([
      1,
      expect.stringMatching(
        /^CASSANDRA BACKUP WARNING - Incremental backup is disabled \(expected enabled\) \| .* backup_after_restart=0;;;0;1$/,
      ),
    ]);
    const expected = await check(['--find-config', '--expect', 'disabled']);
    expect([expected.code, expected.statusLine]).toEqual([
      0,
      expect.stringMatching(/^CASSANDRA BACKUP OK - Incremental backup is disabled \|/),
    ]);
  });

  it('through the documented Jolokia policy (docs/jolokia-access.xml) as well', async () => {
    await switchBackup(true);
    const run = await check(['--find-config'], 'policy');
    expect([run.code, run.statusLine]).toEqual([1, expect.stringContaining(DRIFT)]);
  });
});

describe('the file says on (edited on the node)', () => {
  it('nodetool disablebackup → the disabled alarm, and a restart would turn it back on', async () => {
    editNodeYaml('true');
    await switchBackup(false);
    const run = await check(['--find-config', '-v']);
    expect([run.code, run.statusLine]).toEqual([
      1,
      expect.stringMatching(
        /^CASSANDRA BACKUP WARNING - Incremental backup is disabled \(expected enabled\); a restart would turn it back on \(someone ran nodetool disablebackup\) \| .* backup_after_restart=1;;;0;1$/,
      ),
    ]);
    expect(run.stdout).toContain('has incremental_backups: true');
  });

  it("--disabled-state critical: the restart note shares the alarm's state", async () => {
    editNodeYaml('true');
    await switchBackup(false);
    const run = await check(['--find-config', '--disabled-state', 'critical']);
    expect([run.code, run.statusLine]).toEqual([
      2,
      expect.stringMatching(
        /^CASSANDRA BACKUP CRITICAL - Incremental backup is disabled \(expected enabled\); a restart would turn it back on/,
      ),
    ]);
  });

  it('YAML 1.1 booleans, as Cassandra reads them: "yes" is on', async () => {
    editNodeYaml('yes');
    await switchBackup(true);
    const run = await check(['--find-config']);
    expect([run.code, run.statusLine]).toEqual([
      0,
      expect.stringMatching(/^CASSANDRA BACKUP OK - Incremental backup is enabled \| .* backup_after_restart=1;;;0;1$/),
    ]);
  });

  it('--expect disabled, enabled at runtime: the alarm, and a restart would turn it back off', async () => {
    await switchBackup(true);
    const run = await check(['--find-config', '--expect', 'disabled']);
    expect([run.code, run.statusLine]).toEqual([
      1,
      expect.stringMatching(
        /^CASSANDRA BACKUP WARNING - Incremental backup is enabled \(expected disabled\); a restart would turn it back off \(someone ran nodetool enablebackup\) \|/,
      ),
    ]);
  });
});

describe('an agent whose policy forbids java.lang:type=Runtime (the strict policy of docs/SECURITY.md)', () => {
  it('--find-config cannot find the file → UNKNOWN that says why and what to do', async () => {
    expect(
      PACKAGED_CONFIG_FILES.filter((f) => existsSync(f)),
      'this machine has a packaged cassandra.yaml',
    ).toEqual([]);
    const run = await check(['--find-config'], 'policyStrict');
    expect([run.code, run.statusLine]).toEqual([
      3,
      expect.stringContaining(
        "UNKNOWN - Cannot find the node's cassandra.yaml (the agent's policy forbids reading java.lang:type=Runtime; none in /etc/cassandra): give --config FILE |",
      ),
    ]);
  });

  it('--config still works: the file alone decides', async () => {
    await switchBackup(true);
    const run = await check(['--config', nodeYaml], 'policyStrict');
    expect([run.code, run.statusLine]).toEqual([1, expect.stringContaining(DRIFT)]);
  });
});

describe('what reading the system properties exposes (docs/SECURITY.md)', () => {
  it("the node's system properties do not carry a Jolokia agent's password", async () => {
    const res = await jolokia('auth', { type: 'read', mbean: 'java.lang:type=Runtime', attribute: 'SystemProperties' });
    const body = JSON.stringify(res.json);
    expect(body).toContain('cassandra.config');
    expect(body).not.toContain(MONITOR_PASSWORD);
  });
});

describe('a file that cannot be read or parsed → UNKNOWN naming the path and the fix', () => {
  it('no such file', async () => {
    const missing = join(dir, 'missing.yaml');
    const run = await check(['--config', missing]);
    expect([run.code, run.statusLine]).toEqual([
      3,
      expect.stringMatching(
        new RegExp(
          `^CASSANDRA BACKUP UNKNOWN - Cannot read ${missing} \\(no such file\\): give --config the node's cassandra.yaml as seen from here \\|`,
        ),
      ),
    ]);
  });

  it('not YAML', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'incremental_backups: [true\n');
    const run = await check(['--config', broken]);
    expect([run.code, run.statusLine]).toEqual([
      3,
      expect.stringMatching(
        new RegExp(
          `^CASSANDRA BACKUP UNKNOWN - Cannot parse ${broken} as YAML \\(.+\\): is it the node's cassandra.yaml\\? \\|`,
        ),
      ),
    ]);
  });

  it('a value Cassandra would not read as a boolean', async () => {
    editNodeYaml('maybe');
    const run = await check(['--find-config']);
    expect([run.code, run.statusLine]).toEqual([
      3,
      expect.stringContaining(
        `UNKNOWN - ${nodeYaml} has incremental_backups: maybe, which Cassandra does not read as true or false`,
      ),
    ]);
  });

  it('unreadable for the user running the check', async () => {
    // As root, permissions do not stop reading: run the plugin as nobody instead.
    const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const locked = join(dir, 'locked.yaml');
    writeFileSync(locked, 'incremental_backups: true\n', { mode: 0o600 });
    chmodSync(dir, 0o755);
    if (asOther.uid === undefined) chmodSync(locked, 0o000);
    const run = await runPlugin(PLUGIN, ['--url', cassandra().agents.plain2.url, '--config', locked], asOther);
    expect([run.code, run.statusLine]).toEqual([
      3,
      expect.stringContaining(
        `UNKNOWN - Cannot read ${locked} (permission denied): let the user running the check read it`,
      ),
    ]);
  });

  it('bad options are usage errors', async () => {
    for (const [args, message] of [
      [['--config', nodeYaml, '--find-config'], '--config and --find-config: give one'],
      [['--config-state', 'critical'], '--config-state needs --config FILE or --find-config'],
      [['--find-config', '--config-state', 'bad'], '--config-state'],
    ] as const) {
      const run = await check([...args]);
      expect([run.code, run.statusLine], args.join(' ')).toEqual([3, expect.stringContaining(message)]);
    }
  });
});
