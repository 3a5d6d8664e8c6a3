// Credentials and TLS: the password never appears in the plugin's output, whatever its source,
// the -v level, the format, the outcome, or what the agent echoes back; it is not in the
// process list unless given with --password; a password file others can read earns a warning;
// TLS is verified unless --insecure says otherwise.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { waitFor } from '../support/process.js';
import { entry as plugin } from '../../src/plugins/check_cassandra_backup.js';
import { execute } from '../../src/runtime/plugin.js';
import { asRun, expectCleanRun, expectNoSecret } from '../support/plugin-output.js';
import { runPlugin } from '../support/run-plugin.js';
import { CERT_127, CERT_OTHER_NAME, KEY_127, KEY_OTHER_NAME } from '../support/tls-fixture.js';

const PLUGIN = 'check_cassandra_backup';
const USER = 'monitor';
/** Spaces, URL-special and non-ASCII characters: every encoded form must stay hidden too. */
const PASSWORD = 'S3cr3t pa$$/wörd@42';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  writeFileSync(join(dir, 'jolokia.pw'), `${PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'plugins.ini'), `[cassandra]\nuser=${USER}\npassword=${PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'not-a-pem.txt'), 'hello\n');
  writeFileSync(join(dir, 'ca-127.pem'), CERT_127);
  writeFileSync(join(dir, 'ca-other.pem'), CERT_OTHER_NAME);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Where the password comes from: arguments (given the agent's URL) and environment. */
const SOURCES: Record<string, (url: string) => { args: string[]; env?: NodeJS.ProcessEnv }> = {
  '--password-file': (url) => ({ args: ['--url', url, '-u', USER, '--password-file', join(dir, 'jolokia.pw')] }),
  JOLOKIA_PASSWORD: (url) => ({ args: ['--url', url, '-u', USER], env: { JOLOKIA_PASSWORD: PASSWORD } }),
  '--extra-opts': (url) => ({ args: ['--url', url, `--extra-opts=cassandra@${join(dir, 'plugins.ini')}`] }),
  'the URL': (url) => ({ args: ['--url', url.replace('http://', `http://${USER}:${encodeURIComponent(PASSWORD)}@`)] }),
  '--password': (url) => ({ args: ['--url', url, '-u', USER, '--password', PASSWORD] }),
};

/** Everything an agent, or a proxy in front of it, could echo back. */
const ECHO = `Authorization: Basic ${BASIC} | user ${USER} password ${PASSWORD}\n${encodeURIComponent(PASSWORD)}`;

/** What the agent does with the credentials: [name, handler, expected exit code, expected text]. */
const SCENARIOS: [string, Handler, number, RegExp][] = [
  [
    'the right password',
    requireAuth(USER, PASSWORD, jolokia(CASSANDRA_VALUES(true))),
    0,
    /^Incremental backup is enabled$/,
  ],
  [
    'a wrong password (HTTP 401)',
    requireAuth(USER, 'another', jolokia(CASSANDRA_VALUES(true))),
    3,
    /^Authentication failed for user monitor at http:\/\/127\.0\.0\.1:\d+\/jolokia \(HTTP 401\): check the user and password$/,
  ],
  [
    'an HTTP 500 that echoes the credentials',
    (_q, _b, res) => respond(res, 500, ECHO, 'text/plain'),
    3,
    /answered HTTP 500: Authorization: Basic \*\*\* \/ user monitor password \*\*\*/,
  ],
  [
    'an inner error that echoes them',
    (_q, body, res) => {
      const requests = JSON.parse(body) as unknown[];
      respond(res, 200, JSON.stringify(requests.map(() => ({ status: 500, error: ECHO }))));
    },
    3,
    /with error 500: Authorization: Basic \*\*\* \/ user m/,
  ],
  [
    'a body that is not JSON and starts with them',
    (_q, _b, res) => respond(res, 200, `${PASSWORD} ${BASIC}`, 'text/plain'),
    3,
    /is not JSON \(it starts with "\*\*\* \*\*\*"\)/,
  ],
  [
    'a redirect that carries them',
    (_q, _b, res) => {
      res.writeHead(302, {
        Location: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:1/${encodeURIComponent(PASSWORD)}`,
        'Content-Length': 0,
      });
      res.end();
    },
    3,
    /redirects to http:\/\/127\.0\.0\.1:1\/\*\*\* \(HTTP 302\)/,
  ],
  ['an agent that never answers', () => undefined, 3, /accepted the connection but sent no answer within/],
];

describe.concurrent('the password appears in no output, from any source, in any outcome, at -vvv', () => {
  const cases = Object.keys(SOURCES).flatMap((source) => SCENARIOS.map((scenario) => [source, ...scenario] as const));
  it.each(cases)('%s, %s', async (source, _name, handler, code, message) => {
    const agent = await startFakeAgent(handler);
    try {
      const { args, env } = SOURCES[source]!(agent.url);
      const run = await runPlugin(PLUGIN, [...args, '-vvv', '-t', '2'], { ...(env === undefined ? {} : { env }) });
      expectCleanRun(run, { timeoutSeconds: 2, code, message, verbosity: 3, secrets: [PASSWORD] });
      expect(run.stdout).toContain(`(user ${USER}, password hidden)`);
      // It was sent, so a leak would have had something to leak.
      expect(agent.received[0]?.headers.authorization).toBe(`Basic ${BASIC}`);
    } finally {
      await agent.close();
    }
  });

  it('nor when the agent is not there: the URL is printed without credentials', async () => {
    const port = await closedPort();
    for (const source of Object.keys(SOURCES)) {
      const { args, env } = SOURCES[source]!(`http://127.0.0.1:${port}/jolokia`);
      const run = await runPlugin(PLUGIN, [...args, '-vvv'], { ...(env === undefined ? {} : { env }) });
      expectCleanRun(run, {
        timeoutSeconds: 10,
        code: 3,
        verbosity: 3,
        message: new RegExp(
          `^Cannot connect to Cassandra's Jolokia agent at http://127\\.0\\.0\\.1:${port}/jolokia: connection refused$`,
        ),
        secrets: [PASSWORD],
      });
    }
  });
});

describe('every -v level and every format, against an agent that echoes the credentials', () => {
  let agent: FakeAgent;
  beforeAll(async () => {
    agent = await startFakeAgent((_q, _b, res) => respond(res, 500, ECHO, 'text/plain'));
  });
  afterAll(() => agent.close());

  // In-process: the same code as the plugin's, sixteen times over at no process start each.
  it.each(['nagios', 'json', 'prometheus', 'nodetool'])('--format %s at -v, -vv and -vvv', async (format) => {
    for (const verbosity of ['', '-v', '-vv', '-vvv']) {
      const run = await asRun(
        execute(plugin, ['--url', agent.url, '-u', USER, '--format', format, ...(verbosity ? [verbosity] : [])], {
          JOLOKIA_PASSWORD: PASSWORD,
        }),
      );
      expect(run.code).toBe(3);
      expectNoSecret(run, PASSWORD);
    }
  });
});

describe('usage errors never repeat the password', () => {
  it.each<[string[], string]>([
    [['--pasword=PW', '-u', USER], 'unknown option --pasword'],
    [['--url', 'http://monitor:PW@[bad/jolokia'], '--url: not a valid URL (not shown: it may hold a password)'],
    [
      ['--url', 'http://monitor:PW@127.0.0.1:99999/jolokia'],
      '--url: not a valid URL (not shown: it may hold a password)',
    ],
    [['--url', 'http://u:p/w@ho st/jolokia'], '--url: not a valid URL (not shown: it may hold a password)'],
    [['--url', 'http://u%zz:PW@127.0.0.1/jolokia'], '--url: the user or password in it is not validly %-encoded'],
    [['--url', 'ftp://monitor:PW@127.0.0.1/jolokia'], '--url: the scheme must be http or https, not ftp'],
    [
      ['--url', 'http://monitor:PW@127.0.0.1/jolokia?x=1'],
      "--url: give the agent's base URL without a query or fragment",
    ],
    [['--password', 'PW'], 'a password was given (--password (or password= in --extra-opts)) but no --user'],
    [
      ['-u', USER, '--password', 'PW', '--password-file', 'FILE'],
      'give either --password or --password-file, not both',
    ],
    [['-u', USER, '--password=PW', '--bogus'], 'unknown option --bogus'],
    [['-u', USER, '--password', 'PW', 'stray'], "unexpected argument 'stray': every value belongs to an option"],
  ])('%j', async (args, message) => {
    const run = await runPlugin(
      PLUGIN,
      args.map((a) => a.replace('PW', encodeURIComponent(PASSWORD)).replace(/^FILE$/, join(dir, 'jolokia.pw'))),
    );
    expectCleanRun(run, { timeoutSeconds: 10, code: 3, verbosity: 1, secrets: [PASSWORD] });
    expect(run.statusLine).toBe(`CASSANDRA BACKUP UNKNOWN - ${message}`);
  });

  it('nor does a misspelt key in an --extra-opts section', async () => {
    const ini = join(dir, 'typo.ini');
    writeFileSync(ini, `[cassandra]\nuser=${USER}\npasword=${PASSWORD}\n`, { mode: 0o600 });
    const run = await runPlugin(PLUGIN, [`--extra-opts=cassandra@${ini}`]);
    expectCleanRun(run, {
      timeoutSeconds: 10,
      code: 3,
      verbosity: 1,
      secrets: [PASSWORD],
      message: /^--extra-opts: unknown option 'pasword' in \[cassandra\] of /,
    });
  });
});

describe('the process list', () => {
  let agent: FakeAgent;
  beforeAll(async () => {
    agent = await startFakeAgent(() => undefined); // keeps the plugin running while we look
  });
  afterAll(() => agent.close());

  /** The plugin's command line as `ps` shows it to every local user, read while it runs. */
  async function commandLine(source: string): Promise<string> {
    const { args, env } = SOURCES[source]!(agent.url);
    let pid = 0;
    const before = agent.received.length;
    const running = runPlugin(PLUGIN, [...args, '-t', '5'], {
      onSpawn: (p) => (pid = p),
      ...(env === undefined ? {} : { env }),
    });
    await waitFor(() => agent.received.length > before, "the plugin's request");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    process.kill(pid, 'SIGTERM');
    expect((await running).code).toBe(3);
    return cmdline;
  }

  it.each(['--password-file', 'JOLOKIA_PASSWORD', '--extra-opts'])(
    'with the password from %s, ps does not show it',
    async (source) => {
      const cmdline = await commandLine(source);
      expect(cmdline).toContain(PLUGIN);
      expect(cmdline).not.toContain(PASSWORD);
      expect(cmdline).not.toContain(encodeURIComponent(PASSWORD));
    },
  );

  it('with --password it does (which is why the help and README say so)', async () => {
    expect(await commandLine('--password')).toContain(PASSWORD);
  });
});

describe('a password file that group or others can read', () => {
  let agent: FakeAgent;
  beforeAll(async () => {
    agent = await startFakeAgent(requireAuth(USER, PASSWORD, jolokia(CASSANDRA_VALUES(true))));
  });
  afterAll(() => agent.close());

  it.each([
    [0o640, true],
    [0o604, true],
    [0o644, true],
    [0o600, false],
    [0o400, false],
  ])('mode %o: a warning in the long output: %s', async (mode, warned) => {
    const file = join(dir, `mode-${mode.toString(8)}.pw`);
    writeFileSync(file, `${PASSWORD}\n`);
    chmodSync(file, mode);
    const warning = `warning: password file ${file} can be read by group or others: chmod 600 it`;
    const long = await runPlugin(PLUGIN, ['--url', agent.url, '-u', USER, '--password-file', file, '-v']);
    expectCleanRun(long, { timeoutSeconds: 10, code: 0, verbosity: 1, secrets: [PASSWORD] });
    expect(long.stdout.split('\n').includes(warning)).toBe(warned);
    const short = await runPlugin(PLUGIN, ['--url', agent.url, '-u', USER, '--password-file', file]);
    expectCleanRun(short, { timeoutSeconds: 10, code: 0, verbosity: 0 });
  });
});

describe('TLS is verified by default; --insecure is the only way around it', () => {
  let trusted: FakeAgent;
  let otherName: FakeAgent;
  beforeAll(async () => {
    trusted = await startFakeAgent(requireAuth(USER, PASSWORD, jolokia(CASSANDRA_VALUES(true))), {
      tls: { cert: CERT_127, key: KEY_127 },
    });
    otherName = await startFakeAgent(jolokia(CASSANDRA_VALUES(true)), {
      tls: { cert: CERT_OTHER_NAME, key: KEY_OTHER_NAME },
    });
  });
  afterAll(async () => {
    await trusted.close();
    await otherName.close();
  });
  const auth = { env: { JOLOKIA_PASSWORD: PASSWORD } };

  it('a certificate nobody vouched for is refused, and the password is not sent over it', async () => {
    const run = await runPlugin(PLUGIN, ['--url', trusted.url, '-u', USER, '-t', '5'], auth);
    expectCleanRun(run, {
      timeoutSeconds: 5,
      code: 3,
      message:
        /^Cannot connect to Cassandra's Jolokia agent at https:\/\/127\.0\.0\.1:\d+\/jolokia: its TLS certificate is not trusted \([A-Z_]+\): give its CA with --ca-file, or --insecure$/,
    });
    expect(trusted.connections).toBeGreaterThan(0);
    expect(trusted.received).toHaveLength(0);
  });

  it('--ca-file with the CA that signed it: OK', async () => {
    const run = await runPlugin(
      PLUGIN,
      ['--url', trusted.url, '-u', USER, '--ca-file', join(dir, 'ca-127.pem'), '-vv'],
      auth,
    );
    expectCleanRun(run, { timeoutSeconds: 10, code: 0, verbosity: 2, secrets: [PASSWORD] });
    expect(run.stdout).toContain('tls: verified against --ca-file');
  });

  it('a trusted certificate for another name is refused', async () => {
    const before = otherName.received.length;
    const run = await runPlugin(PLUGIN, ['--url', otherName.url, '--ca-file', join(dir, 'ca-other.pem')]);
    expectCleanRun(run, {
      timeoutSeconds: 10,
      code: 3,
      message: /: its TLS certificate is not valid for 127\.0\.0\.1$/,
    });
    expect(otherName.received.length).toBe(before);
  });

  it('a --ca-file that holds no certificate is a usage error: it never trusts "anything", and nothing is sent', async () => {
    const connections = trusted.connections;
    const pem = join(dir, 'not-a-pem.txt');
    const run = await runPlugin(PLUGIN, ['--url', trusted.url, '-u', USER, '--ca-file', pem], auth);
    expect(run.code).toBe(3);
    expect(run.statusLine).toBe(`CASSANDRA BACKUP UNKNOWN - --ca-file: ${pem} holds no PEM certificate`);
    expect(trusted.connections).toBe(connections);
  });

  it('a --cert / --key that is not PEM: a usage error that says so, not an internal error, nothing sent', async () => {
    const connections = trusted.connections;
    const pem = join(dir, 'not-a-pem.txt');
    const run = await runPlugin(PLUGIN, ['--url', trusted.url, '--insecure', '--cert', pem, '--key', pem]);
    expect(run.code).toBe(3);
    expect(run.statusLine).toBe(`CASSANDRA BACKUP UNKNOWN - --cert: ${pem} holds no PEM certificate`);
    expect(trusted.connections).toBe(connections);
  });

  it('--insecure: -v already warns that the certificate was not verified', async () => {
    const run = await runPlugin(PLUGIN, ['--url', trusted.url, '-u', USER, '--insecure', '-v'], auth);
    expectCleanRun(run, { timeoutSeconds: 10, code: 0, verbosity: 1, secrets: [PASSWORD] });
    expect(run.stdout).toContain('warning: TLS certificate verification is off (--insecure)');
    const quiet = await runPlugin(
      PLUGIN,
      ['--url', trusted.url, '-u', USER, '--ca-file', join(dir, 'ca-127.pem'), '-v'],
      auth,
    );
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toContain('--insecure');
  });

  it('--insecure: OK, and -vv says that the certificate was not verified', async () => {
    const run = await runPlugin(PLUGIN, ['--url', trusted.url, '-u', USER, '--insecure', '-vv'], auth);
    expectCleanRun(run, { timeoutSeconds: 10, code: 0, verbosity: 2, secrets: [PASSWORD] });
    expect(run.stdout).toContain('tls: certificate NOT verified (--insecure)');
  });
});
