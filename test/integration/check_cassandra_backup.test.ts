// check_cassandra_backup against the real Cassandra 5.0 node of the suite, with real Jolokia
// agents, and the real nodetool (same jars) as the oracle: after every switch of the backup
// setting, `--format nodetool` must print byte for byte what `nodetool statusbackup` prints.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlugin } from '../support/run-plugin.js';
import { cassandra, nodetool, type AgentName } from './cassandra-context.js';
import { setBackupByJolokia, setBackupByNodetool } from './node-helpers.js';

const PLUGIN = 'check_cassandra_backup';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'it-backup-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await setBackupByJolokia(false);
});

function url(agent: AgentName): string {
  return cassandra().agents[agent].url;
}

/** The plugin and the oracle agree, and the plugin's exit code and status line say the same. */
async function expectAgreement(enabled: boolean, agent: AgentName = 'plain2', extra: string[] = []): Promise<void> {
  const oracle = await nodetool('statusbackup');
  expect(oracle.code, oracle.stderr).toBe(0);
  expect(oracle.stdout).toBe(enabled ? 'running\n' : 'not running\n');

  const asNodetool = await runPlugin(PLUGIN, ['--url', url(agent), '--format', 'nodetool', ...extra]);
  expect(asNodetool.stdout).toBe(oracle.stdout);
  expect(asNodetool.code).toBe(enabled ? 0 : 1);

  const nagios = await runPlugin(PLUGIN, ['--url', url(agent), ...extra]);
  expect(nagios.code).toBe(enabled ? 0 : 1);
  expect(nagios.statusLine).toMatch(
    enabled
      ? /^CASSANDRA BACKUP OK - Incremental backup is enabled \| backup_enabled=1;;;0;1 time=\d+(\.\d+)?s;;;0$/
      : /^CASSANDRA BACKUP WARNING - Incremental backup is disabled \(expected enabled\) \| backup_enabled=0;;;0;1 time=/,
  );
}

describe('agrees with nodetool statusbackup on the real node', () => {
  it('switched by a Jolokia write, both ways', async () => {
    await setBackupByJolokia(true);
    await expectAgreement(true);
    await setBackupByJolokia(false);
    await expectAgreement(false);
  });

  it('switched by nodetool enablebackup / disablebackup, both ways', async () => {
    await setBackupByNodetool(true);
    await expectAgreement(true);
    await setBackupByNodetool(false);
    await expectAgreement(false);
  });

  it('through a Jolokia 1.x agent (text/plain answers)', async () => {
    await setBackupByNodetool(true);
    await expectAgreement(true, 'plain1');
    await setBackupByNodetool(false);
    await expectAgreement(false, 'plain1');
  });

  it('json and prometheus say what nodetool says', async () => {
    await setBackupByNodetool(true);
    const json = await runPlugin(PLUGIN, ['--url', url('plain2'), '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      backup_enabled: true,
      status: 'running',
      state: 'OK',
      cassandra_version: cassandra().cassandraVersion,
    });
    await setBackupByNodetool(false);
    const prom = await runPlugin(PLUGIN, ['--url', url('plain2'), '--format', 'prometheus']);
    expect(prom.code).toBe(1);
    expect(prom.stdout.split('\n')).toContain('cassandra_incremental_backup_enabled 0');
  });

  it('-v names the real Cassandra version', async () => {
    const run = await runPlugin(PLUGIN, ['--url', url('plain2'), '-v']);
    expect(run.stdout).toContain(`Cassandra ${cassandra().cassandraVersion} at ${url('plain2').replace(/\/$/, '')}`);
  });
});

describe('an agent that demands a user and password', () => {
  const { user, password } = { user: 'monitor', password: 's3cret-pw' };

  it('no credentials → UNKNOWN that says authentication is required', async () => {
    const run = await runPlugin(PLUGIN, ['--url', url('auth')]);
    expect(run.code).toBe(3);
    expect(run.statusLine).toContain('requires authentication (HTTP 401)');
  });

  it('a wrong password → UNKNOWN that says authentication failed', async () => {
    const run = await runPlugin(PLUGIN, ['--url', url('auth'), '-u', user], { env: { JOLOKIA_PASSWORD: 'wrong' } });
    expect(run.code).toBe(3);
    expect(run.statusLine).toMatch(
      /^CASSANDRA BACKUP UNKNOWN - Authentication failed for user monitor at http:\/\/127.0.0.1:\d+\/jolokia\/ \(HTTP 401\)/,
    );
  });

  it('the right password from --password-file → the real status', async () => {
    expect(cassandra().credentials.password).toBe(password);
    const file = join(dir, 'jolokia.pw');
    writeFileSync(file, `${password}\n`);
    chmodSync(file, 0o600);
    await setBackupByNodetool(true);
    const run = await runPlugin(PLUGIN, ['--url', url('auth'), '-u', user, '--password-file', file, '-vvv']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(password);
  });

  it('the right password from --extra-opts → the real status', async () => {
    const ini = join(dir, 'plugins.ini');
    writeFileSync(ini, `[cassandra]\nurl=${url('auth')}\nuser=${user}\npassword=${password}\n`);
    await setBackupByNodetool(false);
    const run = await runPlugin(PLUGIN, [`--extra-opts=cassandra@${ini}`, '--format', 'nodetool']);
    expect([run.stdout, run.code]).toEqual(['not running\n', 1]);
  });
});

describe("an agent serving HTTPS with the test's own CA", () => {
  it('--ca-file → OK', async () => {
    await setBackupByNodetool(true);
    const run = await runPlugin(PLUGIN, ['--url', url('https'), '--ca-file', cassandra().caFile]);
    expect(run.code).toBe(0);
    expect(run.statusLine).toMatch(/^CASSANDRA BACKUP OK/);
  });

  it('no CA → UNKNOWN that says the certificate is not trusted', async () => {
    const run = await runPlugin(PLUGIN, ['--url', url('https')]);
    expect(run.code).toBe(3);
    expect(run.statusLine).toMatch(
      /TLS certificate is not trusted \([A-Z_]+\): give its CA with --ca-file, or --insecure$/,
    );
  });

  it('--insecure → OK, and -vv says verification is off', async () => {
    const run = await runPlugin(PLUGIN, ['--url', url('https'), '--insecure', '-vv']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('certificate NOT verified (--insecure)');
  });

  it('plain HTTP to the HTTPS port → UNKNOWN, not a hang', async () => {
    const https = cassandra().agents.https;
    const run = await runPlugin(PLUGIN, ['-H', '127.0.0.1', '-p', String(https.port), '-t', '5']);
    expect(run.code).toBe(3);
    expect(run.seconds).toBeLessThan(6);
  });
});
