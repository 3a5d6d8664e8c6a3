// Bad input from the operator, each to the plugin run as a process: exit 3 with a message that
// names the option and says why, the usage after it, and not one connection to the agent.
// (test/plugin/check_cassandra_backup.test.ts has a first handful; these are the rest.)

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAgent, type FakeAgent } from '../support/fake-agent.js';
import { expectCleanRun } from '../support/plugin-output.js';
import { runPlugin } from '../support/run-plugin.js';

const PLUGIN = 'check_cassandra_backup';
let agent: FakeAgent;
let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  // Any connection to it is a failure: every case must stop before sending anything.
  agent = await startFakeAgent((_q, _b, res) => res.end());
  dir = mkdtempSync(join(tmpdir(), 'bad-input-'));
  chmodSync(dir, 0o755);
  mkdirSync(file('a-directory'));
  writeFileSync(file('empty.pw'), '');
  writeFileSync(file('good.pw'), 'pw\n', { mode: 0o600 });
  writeFileSync(file('not-a-pem.txt'), 'hello\n');
  writeFileSync(
    file('plugins.ini'),
    [
      '[typo]',
      'pasword=x',
      '[flag]',
      'ssl=maybe',
      '[badport]',
      'port=abc',
      '[self]',
      'extra-opts=other',
      '[check_other]',
      'user=x',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await agent.close();
  rmSync(dir, { recursive: true, force: true });
});

/** [arguments, the status text's start]; AGENT is the fake agent's URL, FILE(x) a file of the test. */
const BAD: [string[], string][] = [
  // durations
  [['--keyspace', 'ks', '--max-age', 'abc'], "--max-age: 'abc' is not a duration (e.g. 90m, 6h, 2d, 1h30m)"],
  [['--keyspace', 'ks', '--max-age', '5x'], "--max-age: '5x' is not a duration"],
  [['--keyspace', 'ks', '--max-age=-5m'], "--max-age: '-5m' is not a duration"],
  [['--keyspace', 'ks', '--max-age', '1h30'], "--max-age: '1h30' is not a duration"],
  [['--keyspace', 'ks', '--critical-age', ''], "--critical-age: '' is not a duration"],
  [['--keyspace', 'ks', '--max-age', '2h', '--critical-age', '1h'], '--critical-age is shorter than --max-age'],
  [['--max-age', '1h'], '--max-age needs tables to look at: give --flush or --keyspace'],
  [['--data-dir', '/var/lib/cassandra/data'], '--data-dir needs tables to look at: give --flush or --keyspace'],
  // the timeout
  [['-t', 'abc'], "--timeout: 'abc' is not a number of seconds between 0 and 86400"],
  [['-t', '-1'], "--timeout needs a value (SECONDS); write --timeout=VALUE for one that starts with '-'"],
  [['--timeout=-1'], "--timeout: '-1' is not a number of seconds between 0 and 86400"],
  [['-t', '1e9'], "--timeout: '1e9' is not a number of seconds"],
  [['-t', 'Infinity'], "--timeout: 'Infinity' is not a number of seconds"],
  [['-t', ' '], "--timeout: ' ' is not a number of seconds"],
  [['-t'], '--timeout needs a value (SECONDS)'],
  // URLs
  [['--url', 'not a url'], "--url: 'not a url' is not a URL"],
  [['--url', 'http://'], "--url: 'http://' is not a URL"],
  [['--url', 'http://127.0.0.1:99999/jolokia'], "--url: 'http://127.0.0.1:99999/jolokia' is not a URL"],
  [['--url', 'ftp://127.0.0.1/jolokia'], '--url: the scheme must be http or https, not ftp'],
  [['--url', 'file:///etc/passwd'], '--url: the scheme must be http or https, not file'],
  [['--url', 'javascript:alert(1)'], '--url: the scheme must be http or https, not javascript'],
  [['--url', 'AGENT?x=1'], "--url: give the agent's base URL without a query or fragment"],
  [['--url', 'AGENT#top'], "--url: give the agent's base URL without a query or fragment"],
  // ports, hosts, paths
  [['-p', '0'], "--port: '0' is not a port number (1-65535)"],
  [['-p', '65536'], "--port: '65536' is not a port number (1-65535)"],
  [['-p', '80.5'], "--port: '80.5' is not a port number (1-65535)"],
  [['--port=-1'], "--port: '-1' is not a port number (1-65535)"],
  [['-p', '0x50'], "--port: '0x50' is not a port number (1-65535)"],
  [['-H', 'bad host'], "--hostname: 'bad host' is not a host name or address"],
  [['-H', 'cass1;reboot'], "--hostname: 'cass1;reboot' is not a host name or address"],
  [['-H', 'http://cass1:8778'], "--hostname: 'http://cass1:8778' is not a host name or address"],
  [['-H', ''], "--hostname: '' is not a host name or address"],
  [['-H'], '--hostname needs a value (HOST)'],
  [['--path', 'jolokia'], "--path: 'jolokia' must start with / and hold no spaces, ? or #"],
  [['--path', '/jolo kia'], "--path: '/jolo kia' must start with / and hold no spaces, ? or #"],
  [['--path', '/jolokia?x=1'], "--path: '/jolokia?x=1' must start with / and hold no spaces, ? or #"],
  // unknown options, stray words, flags given values
  [['-x'], 'unknown option -x'],
  [['--warning', '10'], 'unknown option --warning'],
  [['--hostname=cass1', '--', 'extra'], "unexpected argument 'extra'"],
  [['--ssl=yes'], '--ssl takes no value'],
  [['-vv', '--verbose=3'], '--verbose takes no value'],
  // conflicting options
  [['--url', 'AGENT', '-p', '1', '--ssl'], '--url already says where the agent is: leave out --port, --ssl'],
  [['--url', 'AGENT', '--path', '/other'], '--url already says where the agent is: leave out --path'],
  [
    ['-u', 'm', '--password', 'x', '--password-file', 'FILE(good.pw)'],
    'give either --password or --password-file, not both',
  ],
  [['--password-file', 'FILE(good.pw)'], 'a password was given (--password-file FILE(good.pw)) but no --user'],
  [['--ssl', '--cert', 'FILE(good.pw)'], '--cert and --key go together'],
  [['--ssl', '--key', 'FILE(good.pw)'], '--cert and --key go together'],
  [['--ca-file', 'FILE(good.pw)'], '--ca-file only make sense with HTTPS (--ssl or an https:// --url)'],
  [['--disabled-state', 'fatal'], "--disabled-state: 'fatal' is not one of ok, warning, critical, unknown"],
  [['--enabled-state', '4'], "--enabled-state: '4' is not one of ok, warning, critical, unknown"],
  [['--format', ''], "--format: '' is not one of nagios, json, prometheus, nodetool"],
  // names that are not Cassandra identifiers (they would become paths and MBean names)
  [
    ['--flush', 'ks-1'],
    "--flush: 'ks-1' has a keyspace name that Cassandra does not allow (only letters, digits and _)",
  ],
  [['--flush', '../etc'], "--flush: '../etc' is not KEYSPACE or KEYSPACE.TABLE"],
  [['--flush', ''], "--flush: '' has an empty keyspace name"],
  [['--keyspace', 'a.b.c'], "--keyspace: 'a.b.c' is not KEYSPACE or KEYSPACE.TABLE"],
  [['--keyspace', 'ks.'], "--keyspace: 'ks.' has an empty table name"],
  [['--keyspace', 'ks.tab le'], "--keyspace: 'ks.tab le' has a table name that Cassandra does not allow"],
  [['--keyspace', 'système'], "--keyspace: 'système' has a keyspace name that Cassandra does not allow"],
  [['--keyspace', 'ks,type=Memory'], "--keyspace: 'ks,type=Memory' has a keyspace name that Cassandra does not allow"],
  [
    ['--keyspace', `${'k'.repeat(49)}`],
    `--keyspace: the keyspace name in '${'k'.repeat(49)}' is longer than Cassandra allows (48)`,
  ],
  [['--keyspace', 'ks', '--data-dir', ''], '--data-dir: empty path'],
  // files that cannot be read
  [
    ['-u', 'm', '--password-file', 'FILE(a-directory)'],
    '--password-file: cannot read FILE(a-directory) (is a directory)',
  ],
  [['-u', 'm', '--password-file', 'FILE(empty.pw)'], '--password-file: FILE(empty.pw) is empty'],
  [
    ['-u', 'm', '--password-file', 'FILE(good.pw)/x'],
    '--password-file: cannot read FILE(good.pw)/x (a part of the path is not a directory)',
  ],
  [['--ssl', '--ca-file', '/nonexistent/ca.pem'], '--ca-file: cannot read /nonexistent/ca.pem (no such file)'],
  [['--ssl', '--ca-file', 'FILE(a-directory)'], '--ca-file: cannot read FILE(a-directory) (is a directory)'],
  [
    ['--ssl', '--cert', '/nonexistent/c.pem', '--key', 'FILE(good.pw)'],
    '--cert: cannot read /nonexistent/c.pem (no such file)',
  ],
  // --extra-opts
  [['--extra-opts=nosuch@FILE(plugins.ini)'], '--extra-opts: FILE(plugins.ini) has no section [nosuch]'],
  [['--extra-opts=@FILE(plugins.ini)'], '--extra-opts: FILE(plugins.ini) has no section [check_cassandra_backup]'],
  [['--extra-opts=typo@FILE(plugins.ini)'], "--extra-opts: unknown option 'pasword' in [typo] of FILE(plugins.ini)"],
  [
    ['--extra-opts=flag@FILE(plugins.ini)'],
    "--extra-opts: 'ssl' in [flag] of FILE(plugins.ini) is a flag: write 'ssl=' (or true/false)",
  ],
  [['--extra-opts=badport@FILE(plugins.ini)', '-H', '127.0.0.1'], "--port: 'abc' is not a port number (1-65535)"],
  [['--extra-opts=self@FILE(plugins.ini)'], "--extra-opts: unknown option 'extra-opts' in [self] of FILE(plugins.ini)"],
  [['--extra-opts=@FILE(a-directory)'], '--extra-opts: cannot read FILE(a-directory) (is a directory)'],
  [['--extra-opts'], '--extra-opts: no file named and none found (MP_CONFIG_FILE is not set;'],
];

function resolve(text: string): string {
  return text.replace(/FILE\(([^)]+)\)/g, (_m, name: string) => file(name)).replace(/^AGENT/, agent.url);
}

/** Points the plugin at the fake agent unless the case says where to go itself. */
function withAgent(args: string[]): string[] {
  const located = args.some((a) => /^(--url|-H|--hostname|-p|--port)(=|$)/.test(a));
  return located ? args : ['-p', String(agent.port), ...args];
}

describe.concurrent('bad input from the operator: exit 3, which option and why, nothing sent', () => {
  it.each(BAD)('%j', async (args, message) => {
    const run = await runPlugin(PLUGIN, withAgent(args.map(resolve)));
    const expected = resolve(message);
    expectCleanRun(run, { timeoutSeconds: 10, code: 3, verbosity: 1 });
    expect(
      run.statusLine.startsWith(`CASSANDRA BACKUP UNKNOWN - ${expected}`),
      `${run.statusLine}\n  should start with\n${expected}`,
    ).toBe(true);
    expect(run.stdout).toContain(`\nUsage: ${PLUGIN} `);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`Try '${PLUGIN} --help' for more information.`);
    expect(agent.connections, 'a connection reached the agent').toBe(0);
  });
});

describe('files the plugin may not read', () => {
  // As root, permissions do not stop reading: run the plugin as nobody instead, with root's files.
  const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

  it.each([
    ['--password-file', ['-u', 'm', '--password-file']],
    ['--ca-file', ['--ssl', '--ca-file']],
    ['--key', ['--ssl', '--cert', 'FILE(readable.pem)', '--key']],
  ])('an unreadable %s: permission denied, before anything is sent', async (option, args) => {
    const secret = file(`secret${option}.pem`);
    writeFileSync(secret, 'secret\n', { mode: 0o600 });
    writeFileSync(file('readable.pem'), 'x\n', { mode: 0o644 });
    if (asOther.uid === undefined) chmodSync(secret, 0o000);
    const run = await runPlugin(PLUGIN, withAgent([...args.map(resolve), secret]), asOther);
    expectCleanRun(run, {
      timeoutSeconds: 10,
      code: 3,
      verbosity: 1,
      message: new RegExp(`^${option}: cannot read ${secret} \\(permission denied\\)$`),
    });
    expect(agent.connections).toBe(0);
  });
});
