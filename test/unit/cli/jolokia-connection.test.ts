// The Jolokia connection options every plugin shares, turned into settings: where the agent is,
// who we are (the password from exactly one place, never echoed), TLS, and what the operator can
// change when the agent cannot be reached. Local files are read here: a missing or wrong one is a
// usage error before anything is sent.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  callLimits,
  connectionHint,
  connectionHintOr,
  describeConnection,
  JOLOKIA_OPTIONS,
  jolokiaClient,
  jolokiaSource,
  PASSWORD_ENV,
  readJolokiaConnection,
  readJolokiaConnections,
  withUrl,
} from '../../../src/cli/jolokia-connection.js';
import { parsePort } from '../../../src/cli/agent-url.js';
import {
  JolokiaConnectionError,
  JolokiaHttpError,
  JolokiaProtocolError,
  type Remedy,
} from '../../../src/jolokia/errors.js';
import { CheckError, UsageError } from '../../../src/runtime/errors.js';
import { parseOptions, type OptionSpec } from '../../../src/runtime/options.js';
import type { CheckContext } from '../../../src/runtime/plugin.js';
import { VERSION } from '../../../src/version.js';
import { CERT_127, KEY_127 } from '../../support/tls-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'jolokia-connection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const connect = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  readJolokiaConnection(parseOptions(JOLOKIA_OPTIONS, argv), env, 'check_test');
const url = (argv: string[]) => connect(argv).endpoint.url.href;

describe('where the agent is', () => {
  it('by default the local agent on its default port and path, named in the User-Agent', () => {
    const { endpoint, passwordSource, warnings } = connect([]);
    expect(endpoint).toEqual({
      url: new URL('http://127.0.0.1:8778/jolokia'),
      userAgent: `check_test/${VERSION}`,
      label: "Cassandra's Jolokia agent",
    });
    expect([passwordSource, warnings]).toEqual(['none', []]);
  });

  it.each([
    [['-H', 'cass1.example.com', '-p', '9999', '--path', '/agent'], 'http://cass1.example.com:9999/agent'],
    [['-H', 'cass1', '--ssl'], 'https://cass1:8778/jolokia'],
    [['-H', '2001:db8::1'], 'http://[2001:db8::1]:8778/jolokia'],
    [['-H', '[::1]'], 'http://[::1]:8778/jolokia'],
    [['-H', 'cass1.'], 'http://cass1.:8778/jolokia'],
    [['--url', 'https://cass1:8443/jolokia/'], 'https://cass1:8443/jolokia/'],
  ])('%j → %s', (argv, expected) => {
    expect(url(argv)).toBe(expected);
  });

  it.each<[string[], string]>([
    [['-H', 'cass 1'], "--hostname: 'cass 1' is not a host name or address"],
    [['-H', 'cass1/evil'], "--hostname: 'cass1/evil' is not a host name or address"],
    [['--hostname=-cass1'], "--hostname: '-cass1' is not a host name or address"],
    [['-p', '0'], "--port: '0' is not a port number (1-65535)"],
    [['-p', '65536'], "--port: '65536' is not a port number (1-65535)"],
    [['-p', '80a'], "--port: '80a' is not a port number (1-65535)"],
    [['--path', 'jolokia'], "--path: 'jolokia' must start with / and hold no spaces, ? or #"],
    [['--path', '/jolokia?x=1'], "--path: '/jolokia?x=1' must start with / and hold no spaces, ? or #"],
    [
      ['--url', 'http://cass1:8778/jolokia', '-H', 'cass2', '--ssl'],
      '--url already says where the agent is: leave out --hostname, --ssl',
    ],
    [['--url', 'cass1:8778'], '--url: the scheme must be http or https, not cass1'],
    [['--url', 'not a url'], "--url: 'not a url' is not a URL"],
    [['--url', 'http://monitor:pw@'], '--url: not a valid URL (not shown: it may hold a password)'],
    [['--url', 'ftp://cass1/jolokia'], '--url: the scheme must be http or https, not ftp'],
    [['--url', 'http://cass1:8778/jolokia?x=1'], "--url: give the agent's base URL without a query or fragment"],
    [['--url', 'http://cass1:8778/jolokia#top'], "--url: give the agent's base URL without a query or fragment"],
  ])('%j is a usage error', (argv, message) => {
    expect(() => connect(argv)).toThrow(new UsageError(message));
  });
});

describe('who we are: the password from exactly one place', () => {
  it('--password, with the source said for -vv', () => {
    const { endpoint, passwordSource } = connect(['-u', 'monitor', '--password', 'pw']);
    expect([endpoint.user, endpoint.password, passwordSource]).toEqual([
      'monitor',
      'pw',
      '--password (or password= in --extra-opts)',
    ]);
  });

  it('--password-file: its first line; a file others can read is a warning', () => {
    const private_ = file('private.pw', 'from-file\nsecond line\n');
    expect(connect(['-u', 'monitor', '--password-file', private_])).toMatchObject({
      endpoint: { password: 'from-file' },
      passwordSource: `--password-file ${private_}`,
      warnings: [],
    });
    const open = file('open.pw', 'from-file\r\n', 0o644);
    expect(connect(['-u', 'monitor', '--password-file', open])).toMatchObject({
      endpoint: { password: 'from-file' },
      warnings: [`password file ${open} can be read by group or others: chmod 600 it`],
    });
  });

  it('from the URL, decoded, and the URL keeps no credentials', () => {
    const { endpoint, passwordSource } = connect(['--url', 'http://mon%40itor:p%40ss@cass1:8778/jolokia']);
    expect([endpoint.user, endpoint.password, passwordSource, endpoint.url.href]).toEqual([
      'mon@itor',
      'p@ss',
      'the URL',
      'http://cass1:8778/jolokia',
    ]);
    expect(connect(['--url', 'http://someone:x@cass1:8778/jolokia', '-u', 'monitor']).endpoint.user).toBe('monitor');
  });

  it(`from ${PASSWORD_ENV}, when nothing else gives one; an empty one is none`, () => {
    expect(connect(['-u', 'monitor'], { [PASSWORD_ENV]: 'from-env' })).toMatchObject({
      endpoint: { password: 'from-env' },
      passwordSource: `the ${PASSWORD_ENV} environment variable`,
    });
    expect(connect(['-u', 'monitor'], { [PASSWORD_ENV]: '' }).endpoint).not.toHaveProperty('password');
  });

  it('the command line before the URL, the URL before the environment', () => {
    const env = { [PASSWORD_ENV]: 'from-env' };
    expect(
      connect(['--url', 'http://monitor:from-url@cass1:8778/jolokia', '--password', 'given'], env).endpoint.password,
    ).toBe('given');
    expect(connect(['--url', 'http://monitor:from-url@cass1:8778/jolokia'], env).endpoint.password).toBe('from-url');
  });

  it.each<[string[], NodeJS.ProcessEnv, string]>([
    [['--password', 'pw', '--password-file', '/x'], {}, 'give either --password or --password-file, not both'],
    [['--password', 'pw'], {}, 'a password was given (--password (or password= in --extra-opts)) but no --user'],
    [[], { [PASSWORD_ENV]: 'pw' }, `a password was given (the ${PASSWORD_ENV} environment variable) but no --user`],
    [
      ['-u', 'monitor', '--password-file', '/nonexistent/pw'],
      {},
      '--password-file: cannot read /nonexistent/pw (no such file)',
    ],
    [
      ['--url', 'http://monitor:%E0%A4%A@cass1/jolokia'],
      {},
      '--url: the user or password in it is not validly %-encoded',
    ],
  ])('%j is a usage error that never repeats the password', (argv, env, message) => {
    expect(() => connect(argv, env)).toThrow(new UsageError(message));
  });

  it('an empty password file is a usage error', () => {
    const empty = file('empty.pw', '\nsecond\n');
    expect(() => connect(['-u', 'monitor', '--password-file', empty])).toThrow(
      new UsageError(`--password-file: ${empty} is empty`),
    );
  });

  it('an empty user is no user', () => {
    expect(connect(['-u', '']).endpoint).not.toHaveProperty('user');
  });
});

describe('TLS', () => {
  const ca = file('ca.pem', CERT_127);
  const key = file('key.pem', KEY_127);
  const notPem = file('not.pem', 'hello');

  it('the CA, client certificate and key are read and kept; verification is on unless --insecure', () => {
    const { endpoint, warnings } = connect(['-H', 'cass1', '--ssl', '--ca-file', ca, '--cert', ca, '--key', key]);
    expect(endpoint.tls).toEqual({ insecure: false, ca: CERT_127, cert: CERT_127, key: KEY_127 });
    expect(warnings).toEqual([]);
    expect(connect(['--url', 'https://cass1:8778/jolokia']).endpoint.tls).toEqual({ insecure: false });
  });

  it('--insecure: kept, and warned about', () => {
    const { endpoint, warnings } = connect(['--url', 'https://cass1:8778/jolokia', '--insecure']);
    expect(endpoint.tls).toEqual({ insecure: true });
    expect(warnings).toEqual([
      'TLS certificate verification is off (--insecure): anyone on the path can pose as the agent and read the password',
    ]);
  });

  it.each<[string[], string]>([
    [['--ca-file', ca], '--ca-file only make sense with HTTPS (--ssl or an https:// --url)'],
    [['--insecure', '--ca-file', ca], '--ca-file, --insecure only make sense with HTTPS (--ssl or an https:// --url)'],
    [['--ssl', '--cert', ca], '--cert and --key go together'],
    [['--ssl', '--key', key], '--cert and --key go together'],
    [['--ssl', '--ca-file', notPem], `--ca-file: ${notPem} holds no PEM certificate`],
    [['--ssl', '--cert', key, '--key', key], `--cert: ${key} holds no PEM certificate`],
    [['--ssl', '--cert', ca, '--key', ca], `--key: ${ca} holds no PEM private key`],
    [
      ['--ssl', '--ca-file', join(dir, 'missing.pem')],
      `--ca-file: cannot read ${join(dir, 'missing.pem')} (no such file)`,
    ],
  ])('%j is a usage error', (argv, message) => {
    expect(() => connect(argv)).toThrow(new UsageError(message));
  });
});

describe("several agents (the cluster audit's contact nodes)", () => {
  // As check_cassandra_cluster_backup declares them: --url and -H repeatable.
  const CONTACTS: OptionSpec[] = JOLOKIA_OPTIONS.map((o) =>
    o.name === 'url' || o.name === 'hostname' ? { ...o, kind: 'list' } : o,
  );
  const connectAll = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    readJolokiaConnections(parseOptions(CONTACTS, argv), env, 'check_test');

  it('each -H with the shared port, path and scheme; each --url as given; the same credentials for all', () => {
    expect(
      connectAll(['-H', 'cass1', '-H', 'cass2', '-p', '9000', '--ssl', '-u', 'monitor', '--password', 'pw']).map(
        (c) => [c.endpoint.url.href, c.endpoint.user, c.endpoint.password],
      ),
    ).toEqual([
      ['https://cass1:9000/jolokia', 'monitor', 'pw'],
      ['https://cass2:9000/jolokia', 'monitor', 'pw'],
    ]);
    expect(connectAll(['--url', 'http://a:1/j', '--url', 'http://b:2/j']).map((c) => c.endpoint.url.href)).toEqual([
      'http://a:1/j',
      'http://b:2/j',
    ]);
    expect(connectAll([]).map((c) => c.endpoint.url.href)).toEqual(['http://127.0.0.1:8778/jolokia']);
  });

  it('--url beside -H is refused for every contact', () => {
    expect(() => connectAll(['--url', 'http://a:1/j', '-H', 'b'])).toThrow(
      '--url already says where the agent is: leave out --hostname',
    );
  });
});

describe('withUrl', () => {
  it('the same settings for another agent; credentials in that URL are never taken over', () => {
    const contact = connect(['-H', 'cass1', '-u', 'monitor', '--password', 'pw']);
    const member = withUrl(contact, new URL('http://intruder:stolen@10.0.0.2:8778/jolokia'));
    expect(member.endpoint).toEqual({ ...contact.endpoint, url: new URL('http://10.0.0.2:8778/jolokia') });
    expect(member.passwordSource).toBe(contact.passwordSource);
    expect(contact.endpoint.url.href).toBe('http://cass1:8778/jolokia');
  });
});

describe('limits, client and source', () => {
  const context = (verbosity: number, lines: string[] = []): CheckContext => ({
    verbosity,
    deadline: 1_000_000,
    signal: new AbortController().signal,
    debug: (level, line) => lines.push(`${level}: ${line}`),
  });

  it('the client gives up a little before the plugin, so its more precise message wins', () => {
    const ctx = context(0);
    expect(callLimits(ctx)).toEqual({ deadline: 999_900, signal: ctx.signal });
  });

  it('the protocol trace only at -vvv, into the -vvv lines', () => {
    expect(callLimits(context(2))).not.toHaveProperty('trace');
    const lines: string[] = [];
    callLimits(context(3, lines)).trace?.('> POST');
    expect(lines).toEqual(['3: > POST']);
  });

  it('a client and a source for the agent, named by its URL without credentials', () => {
    const settings = connect(['--url', 'http://monitor:pw@cass1:8778/jolokia']);
    expect(jolokiaClient(settings).where).toBe('http://cass1:8778/jolokia');
    const source = jolokiaSource(settings, context(0));
    expect([source.client.where, source.limits.deadline]).toEqual(['http://cass1:8778/jolokia', 999_900]);
  });
});

describe('what the operator can change', () => {
  it.each<[Remedy, string]>([
    ['agent-location', 'check --path or --url'],
    ['credentials', 'give --user and a password'],
    ['trust', 'give its CA with --ca-file, or --insecure'],
    ['tls-files', 'check --ca-file, --cert and --key'],
  ])('%s: %s', (remedy, hint) => {
    expect(connectionHint(new JolokiaConnectionError('x', { remedy }))).toBe(hint);
  });

  it("nothing for a failure no option can help with, nor for one that is not the agent's", () => {
    expect(connectionHint(new JolokiaProtocolError('not JSON'))).toBeUndefined();
    expect(connectionHint(new CheckError('x'))).toBeUndefined();
    expect(connectionHint('x')).toBeUndefined();
  });

  it('a plugin that can do without the agent adds its alternative to any agent failure', () => {
    const hint = connectionHintOr('or give --data-dir, which needs no agent');
    expect(hint(new JolokiaHttpError(404, 'No Jolokia agent', { remedy: 'agent-location' }))).toBe(
      'check --path or --url, or give --data-dir, which needs no agent',
    );
    expect(hint(new JolokiaConnectionError('refused'))).toBe('or give --data-dir, which needs no agent');
    expect(hint(new CheckError('a data directory'))).toBeUndefined();
  });
});

describe('describeConnection (-vv)', () => {
  const ca = file('ca2.pem', CERT_127);
  const key = file('key2.pem', KEY_127);

  it('the agent and user, where the password came from, never the password', () => {
    const lines = describeConnection(connect(['-H', 'cass1', '-u', 'monitor', '--password', 'pw']));
    expect(lines).toEqual([
      'agent: http://cass1:8778/jolokia',
      'user: monitor; password from --password (or password= in --extra-opts)',
    ]);
    expect(describeConnection(connect([]))[1]).toBe('user: (none); password from none');
  });

  it.each([
    [['--ssl'], 'tls: verified against the system CAs'],
    [['--ssl', '--ca-file', ca], 'tls: verified against --ca-file'],
    [['--ssl', '--insecure'], 'tls: certificate NOT verified (--insecure)'],
    [['--ssl', '--cert', ca, '--key', key], 'tls: verified against the system CAs, client certificate given'],
  ])('HTTPS %j: how the certificate is verified', (argv, line) => {
    expect(describeConnection(connect(argv))[2]).toBe(line);
  });
});

describe('parsePort', () => {
  it('1 to 65535, digits only', () => {
    expect([parsePort('1'), parsePort(' 8778 '), parsePort('65535')]).toEqual([1, 8778, 65535]);
    for (const bad of ['', '0', '-1', '1e3', '8778.0', '99999']) expect(() => parsePort(bad)).toThrow(UsageError);
  });
});
