// check_cassandra_backup run as a process against a local Jolokia-speaking server, one outcome
// each. The same claims are proven against a real Cassandra node in test/integration.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CASSANDRA_VALUES,
  jolokia,
  requireAuth,
  respond,
  startFakeAgent,
  type FakeAgent,
  type Handler,
} from '../support/fake-agent.js';
import { closedPort } from '../support/fault-servers.js';
import { runPlugin } from '../support/run-plugin.js';

const PLUGIN = 'check_cassandra_backup';
const PASSWORD = 's3cr3t-Pa55';

let agent: FakeAgent | undefined;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'check-backup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

async function against(handler: Handler, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  agent = await startFakeAgent(handler);
  return runPlugin(PLUGIN, ['--url', agent.url, ...args], { env });
}

describe('status', () => {
  it("enabled is OK with nodetool's words and perfdata", async () => {
    const run = await against(jolokia(CASSANDRA_VALUES(true)));
    expect(run.code).toBe(0);
    expect(run.statusLine).toMatch(
      /^CASSANDRA BACKUP OK - Incremental backup is enabled \| backup_enabled=1;;;0;1 time=\d+(\.\d+)?s;;;0$/,
    );
    expect(run.stdout.split('\n')).toHaveLength(2); // one line and the final newline
  });

  it('disabled is WARNING', async () => {
    const run = await against(jolokia(CASSANDRA_VALUES(false)));
    expect(run.code).toBe(1);
    expect(run.statusLine).toMatch(
      /^CASSANDRA BACKUP WARNING - Incremental backup is disabled \(expected enabled\) \| backup_enabled=0;;;0;1 /,
    );
  });

  it('--disabled-state critical makes disabled CRITICAL', async () => {
    const run = await against(jolokia(CASSANDRA_VALUES(false)), ['--disabled-state', 'critical']);
    expect(run.code).toBe(2);
    expect(run.statusLine).toMatch(/^CASSANDRA BACKUP CRITICAL - Incremental backup is disabled/);
  });

  it('--expect disabled: disabled is OK, enabled is WARNING', async () => {
    const off = await against(jolokia(CASSANDRA_VALUES(false)), ['--expect', 'disabled']);
    expect(off.code).toBe(0);
    expect(off.statusLine).toMatch(/^CASSANDRA BACKUP OK - Incremental backup is disabled \|/);
    await agent?.close();
    const on = await against(jolokia(CASSANDRA_VALUES(true)), ['--expect', 'disabled']);
    expect(on.code).toBe(1);
    expect(on.statusLine).toMatch(/^CASSANDRA BACKUP WARNING - Incremental backup is enabled \(expected disabled\)/);
  });

  it('reads a text/plain answer (Jolokia 1.x and 2.0)', async () => {
    const run = await against(jolokia(CASSANDRA_VALUES(true), { contentType: 'text/plain;charset=utf-8' }));
    expect(run.code).toBe(0);
  });

  it('sends one bulk POST asking for JSON and no stack traces', async () => {
    await against(jolokia(CASSANDRA_VALUES(true)));
    expect(agent!.received).toHaveLength(1);
    const sent = JSON.parse(agent!.received[0]!.body) as { type: string; mbean: string; attribute: string }[];
    expect(Array.isArray(sent)).toBe(true);
    expect(sent[0]).toEqual({
      type: 'read',
      mbean: 'org.apache.cassandra.db:type=StorageService',
      attribute: 'IncrementalBackupsEnabled',
    });
    expect(agent!.received[0]!.url).toBe(
      '/jolokia/?mimeType=application/json&includeStackTrace=false&serializeException=false',
    );
  });
});

describe('could not find out: UNKNOWN with a sentence that says what and where', () => {
  it('MBean missing (inner status 404)', async () => {
    const run = await against(jolokia({}, { mbeanMissing: true }));
    expect(run.code).toBe(3);
    expect(run.statusLine).toMatch(
      /^CASSANDRA BACKUP UNKNOWN - The agent at http:\/\/127.0.0.1:\d+\/jolokia has no MBean org.apache.cassandra.db:type=StorageService \(is this a Cassandra node/,
    );
    expect(run.statusLine).toContain('is this a Cassandra node');
  });

  it('HTTP 500', async () => {
    const run = await against((_q, _b, res) =>
      respond(res, 500, '{"error":"java.lang.IllegalStateException : boom","status":500}'),
    );
    expect(run.code).toBe(3);
    expect(run.statusLine).toMatch(
      /^CASSANDRA BACKUP UNKNOWN - The agent at http:\/\/127\.0\.0\.1:\d+\/jolokia answered HTTP 500: java.lang.IllegalStateException : boom$/,
    );
  });

  it('a body that is not JSON', async () => {
    const run = await against((_q, _b, res) => respond(res, 200, '<html>Welcome to nginx</html>', 'text/html'));
    expect(run.code).toBe(3);
    expect(run.statusLine).toContain('is not JSON (it starts with "<html>Welcome to nginx</html>")');
  });

  it('a value of the wrong type ("true" as a string)', async () => {
    const run = await against(jolokia(CASSANDRA_VALUES('true')));
    expect(run.code).toBe(3);
    expect(run.statusLine).toContain(
      'gave the string "true" for IncrementalBackupsEnabled, where Cassandra has a boolean',
    );
  });

  it('an agent that accepts and never answers: ends within -t + 1 s', async () => {
    const run = await against(() => undefined, ['-t', '2']);
    expect(run.code).toBe(3);
    expect(run.statusLine).toMatch(/accepted the connection but sent no answer within [12](\.\d)? s$/);
    expect(run.seconds).toBeLessThan(3);
  });

  it('--timeout-state critical applies to a timeout', async () => {
    const run = await against(() => undefined, ['-t', '1', '--timeout-state', 'critical']);
    expect(run.code).toBe(2);
    expect(run.statusLine).toMatch(/^CASSANDRA BACKUP CRITICAL - The agent at .* sent no answer/);
  });

  it('connection refused', async () => {
    const port = await closedPort();
    const run = await runPlugin(PLUGIN, ['-H', '127.0.0.1', '-p', String(port)]);
    expect(run.code).toBe(3);
    expect(run.statusLine).toBe(
      `CASSANDRA BACKUP UNKNOWN - Cannot connect to Cassandra's Jolokia agent at http://127.0.0.1:${port}/jolokia: connection refused`,
    );
  });

  it('error text full of | and newlines stays one line, with no perfdata of its own', async () => {
    const evil = 'boom|evil=1;2;3\nCASSANDRA BACKUP OK - fake\r\n| more=1';
    const run = await against((_q, _b, res) => respond(res, 500, JSON.stringify({ error: evil, status: 500 })));
    expect(run.code).toBe(3);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(run.statusLine).not.toContain('|');
    expect(run.statusLine).toContain('boom/evil=1;2;3 CASSANDRA BACKUP OK - fake / more=1');
  });
});

describe('authentication', () => {
  const guarded = () => requireAuth('monitor', PASSWORD, jolokia(CASSANDRA_VALUES(true)));

  it('HTTP 401 without credentials says that some are needed', async () => {
    const run = await against(guarded());
    expect(run.code).toBe(3);
    expect(run.statusLine).toContain('requires authentication (HTTP 401): give --user and a password');
  });

  it('a wrong password says authentication failed, and never shows the password', async () => {
    const file = writeSecret('wrong.pw', 'not-the-password\n');
    const run = await against(guarded(), ['-u', 'monitor', '--password-file', file, '-vvv']);
    expect(run.code).toBe(3);
    expect(run.statusLine).toContain('Authentication failed for user monitor');
    expect(run.stdout + run.stderr).not.toContain('not-the-password');
  });

  it('the right password from --password-file is OK, and invisible at -vvv', async () => {
    const file = writeSecret('right.pw', `${PASSWORD}\n`);
    const run = await against(guarded(), ['-u', 'monitor', '--password-file', file, '-vvv']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('password hidden');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(run.stdout).not.toContain(Buffer.from(`monitor:${PASSWORD}`).toString('base64'));
  });

  it('the right password from JOLOKIA_PASSWORD is OK', async () => {
    const run = await against(guarded(), ['-u', 'monitor'], { JOLOKIA_PASSWORD: PASSWORD });
    expect(run.code).toBe(0);
  });

  it('user and password from --extra-opts are OK, and the command line wins', async () => {
    const ini = writeSecret(
      'plugins.ini',
      `[other]\nuser=nobody\n\n[${PLUGIN}]\n# the monitoring user\nuser = monitor\npassword = ${PASSWORD}\nexpect=disabled\n`,
    );
    const run = await against(guarded(), [`--extra-opts=@${ini}`, '--expect', 'enabled', '-vv']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`extra-opts: read [${PLUGIN}]@${ini}`);
    expect(run.stdout).not.toContain(PASSWORD);
  });

  it('MP_CONFIG_FILE names the INI file when --extra-opts names none', async () => {
    const ini = writeSecret('mp.ini', `[cassandra]\nuser=monitor\npassword=${PASSWORD}\n`);
    const run = await against(guarded(), ['--extra-opts=cassandra'], { MP_CONFIG_FILE: ini });
    expect(run.code).toBe(0);
  });
});

describe('formats keep the exit codes', () => {
  it("json carries the health line's keys plus state and message", async () => {
    const run = await against(jolokia(CASSANDRA_VALUES(true)), ['--format', 'json']);
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(body).toMatchObject({
      backup_enabled: true,
      status: 'running',
      state: 'OK',
      exit_code: 0,
      message: 'Incremental backup is enabled',
      cassandra_version: '5.0.6',
    });
  });

  it('json when disabled, and when unknown', async () => {
    const off = await against(jolokia(CASSANDRA_VALUES(false)), ['--format', 'json']);
    expect(off.code).toBe(1);
    expect(JSON.parse(off.stdout)).toMatchObject({ backup_enabled: false, status: 'not running', state: 'WARNING' });
    const port = await closedPort();
    const unknown = await runPlugin(PLUGIN, ['-p', String(port), '--format', 'json']);
    expect(unknown.code).toBe(3);
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      backup_enabled: null,
      status: 'unknown',
      state: 'UNKNOWN',
      exit_code: 3,
    });
  });

  it('prometheus has HELP, TYPE and the backup metric', async () => {
    const run = await against(jolokia(CASSANDRA_VALUES(false)), ['--format', 'prometheus']);
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toContain('# TYPE cassandra_incremental_backup_enabled gauge');
    expect(lines).toContain('cassandra_incremental_backup_enabled 0');
    expect(lines).toContain('cassandra_backup_check_state 1');
    expect(lines.filter((l) => l.startsWith('# HELP '))).toHaveLength(3);
    for (const line of lines.filter((l) => !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+ -?\d+(\.\d+)?$/);
  });

  it('nodetool prints exactly what nodetool statusbackup prints', async () => {
    const on = await against(jolokia(CASSANDRA_VALUES(true)), ['--format', 'nodetool']);
    expect([on.stdout, on.code]).toEqual(['running\n', 0]);
    await agent?.close();
    const off = await against(jolokia(CASSANDRA_VALUES(false)), ['--format', 'nodetool']);
    expect([off.stdout, off.code]).toEqual(['not running\n', 1]);
  });

  it('nodetool prints nothing on stdout when it cannot find out, like nodetool itself', async () => {
    const port = await closedPort();
    const run = await runPlugin(PLUGIN, ['-p', String(port), '--format', 'nodetool']);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('connection refused');
  });
});

describe('verbosity', () => {
  it('-v adds long output after the status line', async () => {
    const run = await against(jolokia(CASSANDRA_VALUES(true)), ['-v']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CASSANDRA BACKUP OK/);
    expect(lines).toContain('nodetool statusbackup would print: running');
    expect(lines.some((l) => l.startsWith('Cassandra 5.0.6 at http://127.0.0.1:'))).toBe(true);
  });

  it('-vvv traces the protocol', async () => {
    const run = await against(jolokia(CASSANDRA_VALUES(true)), ['-vvv']);
    expect(run.stdout).toContain('> POST http://127.0.0.1:');
    expect(run.stdout).toContain('< HTTP 200 application/json');
  });
});

describe('options', () => {
  it('-h prints a help with options, states and examples; exit 3', async () => {
    const run = await runPlugin(PLUGIN, ['-h']);
    expect(run.code).toBe(3);
    for (const text of [
      'Usage: check_cassandra_backup',
      '--password-file=FILE',
      'States:',
      'UNKNOWN (3)',
      'Examples:',
      '--format nodetool',
    ]) {
      expect(run.stdout).toContain(text);
    }
  });

  it('-V prints the version', async () => {
    const run = await runPlugin(PLUGIN, ['-V']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^check_cassandra_backup \d+\.\d+\.\d+/);
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['-p', 'http'], "--port: 'http' is not a port number"],
    [['--url', 'http://x/jolokia', '-H', 'y'], '--url already says where the agent is: leave out --hostname'],
    [['--expect', 'maybe'], "--expect-backup: 'maybe' is not enabled or disabled"],
    [['--expect-backup', 'maybe'], "--expect-backup: 'maybe' is not enabled or disabled"],
    [['--format', 'xml'], "--format: 'xml' is not one of nagios, json, prometheus, nodetool"],
    [['-t', '0'], "--timeout: '0' is not a number of seconds"],
    [['--timeout-state', 'bad'], "--timeout-state: 'bad' is not one of ok, warning, critical, unknown"],
    [['--password-file', '/nonexistent/pw', '-u', 'x'], '--password-file: cannot read /nonexistent/pw (no such file)'],
    [['--extra-opts=nosuch@/nonexistent.ini'], '--extra-opts: cannot read /nonexistent.ini'],
    [['--insecure'], '--insecure only make sense with HTTPS (--ssl or an https:// --url)'],
    [['positional'], "unexpected argument 'positional'"],
  ])('%j → usage, exit 3', async (args, message) => {
    const run = await runPlugin(PLUGIN, args);
    expect(run.code).toBe(3);
    expect(run.statusLine.startsWith(`CASSANDRA BACKUP UNKNOWN - ${message}`)).toBe(true);
    expect(run.stdout).toContain('Usage: check_cassandra_backup');
  });

  it('a usage error sends no request', async () => {
    agent = await startFakeAgent(jolokia(CASSANDRA_VALUES(true)));
    const run = await runPlugin(PLUGIN, ['--url', agent.url, '--expect', 'sometimes']);
    expect(run.code).toBe(3);
    expect(agent.received).toHaveLength(0);
  });
});

function writeSecret(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  chmodSync(file, 0o600);
  return file;
}
