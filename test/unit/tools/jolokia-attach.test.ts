// cassandra-jolokia-attach's decisions, without a JVM: who may attach and how, the process it
// picks from /proc, the properties file the agent reads back, and the lines for the next start.
// The real attach, to a real node and to a JVM of another user: test/integration/agent-attach.test.ts.

import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkAgentPath,
  checkPassword,
  escapeValue,
  persistentLines,
  propertiesText,
  withJvmOption,
} from '../../../src/tools/jolokia-attach/agent-config.js';
import { parseCommand } from '../../../src/tools/jolokia-attach/cli.js';
import { AttachError, AttachFailed } from '../../../src/tools/jolokia-attach/errors.js';
import { installPolicy, rewriteFile, writePrivateFile } from '../../../src/tools/jolokia-attach/files.js';
import { PLUGIN_NODE, ROOT, runProcess } from '../../support/process.js';
import { localAgentUrl, portTaken } from '../../../src/tools/jolokia-attach/probe.js';
import { chooseCassandraPid, findCassandraPids, processOwner } from '../../../src/tools/jolokia-attach/target.js';
import { attachAs, commandAs } from '../../../src/tools/jolokia-attach/user.js';

const ROOT_USER = { uid: 0, gid: 0 };
const CASSANDRA = { uid: 108, gid: 115 };

describe('attachAs: the JDK attaches only from the JVM’s own user and group', () => {
  it('the owner attaches as itself; root to root as itself', () => {
    expect(attachAs(CASSANDRA, CASSANDRA, 'cassandra')).toEqual({ kind: 'self' });
    expect(attachAs(ROOT_USER, ROOT_USER, 'root')).toEqual({ kind: 'self' });
  });

  it('root switches to the owner’s user and group', () => {
    expect(attachAs(ROOT_USER, CASSANDRA, 'cassandra')).toEqual({ kind: 'switch', uid: 108, gid: 115 });
  });

  it('another user is refused, told to run as root or as the owner', () => {
    const as = attachAs({ uid: 1000, gid: 1000 }, CASSANDRA, 'cassandra');
    expect(as).toEqual({
      kind: 'refuse',
      reason: expect.stringMatching(
        /runs as cassandra \(uid 108\), this command as uid 1000: .*run it as root \(it switches to cassandra\) or as cassandra$/,
      ),
    });
    expect(attachAs({ uid: 1000, gid: 1000 }, ROOT_USER, 'root')).toMatchObject({
      reason: expect.stringMatching(/; run it as root$/),
    });
  });

  it('the owner with another group is refused too', () => {
    expect(attachAs({ uid: 108, gid: 0 }, CASSANDRA, 'cassandra')).toMatchObject({
      kind: 'refuse',
      reason: expect.stringContaining('group id 115'),
    });
  });

  it('commandAs: setpriv with the owner’s ids around java, or java itself', () => {
    expect(commandAs({ kind: 'self' }, '/jdk/bin/java', ['-jar', 'a.jar'])).toEqual({
      file: '/jdk/bin/java',
      args: ['-jar', 'a.jar'],
    });
    expect(commandAs({ kind: 'switch', uid: 108, gid: 115 }, '/jdk/bin/java', ['-jar', 'a.jar'])).toEqual({
      file: 'setpriv',
      args: ['--reuid=108', '--regid=115', '--clear-groups', '--', '/jdk/bin/java', '-jar', 'a.jar'],
    });
  });
});

describe('the Cassandra JVM in /proc', () => {
  const proc = mkdtempSync(join(tmpdir(), 'proc-'));
  afterAll(() => rmSync(proc, { recursive: true, force: true }));
  const fakeProcess = (pid: number, argv: string[], status = 'Uid:\t0\t108\t108\t108\nGid:\t0\t115\t115\t115\n') => {
    mkdirSync(join(proc, String(pid)));
    writeFileSync(join(proc, String(pid), 'cmdline'), `${argv.join('\0')}\0`);
    writeFileSync(join(proc, String(pid), 'status'), `Name:\tjava\n${status}`);
  };
  fakeProcess(300, [
    '/usr/bin/java',
    '-Xmx1G',
    '-cp',
    '/etc/cassandra:/usr/share/cassandra/lib/*',
    'org.apache.cassandra.service.CassandraDaemon',
  ]);
  fakeProcess(200, ['grep', 'org.apache.cassandra.service.CassandraDaemon']);
  fakeProcess(100, ['/usr/bin/java', '-cp', 'x', 'org.apache.cassandra.tools.NodeTool', 'status']);
  mkdirSync(join(proc, 'self'));

  it('finds the java running CassandraDaemon, not a grep for it nor nodetool', () => {
    expect(findCassandraPids(proc)).toEqual([300]);
    expect(chooseCassandraPid(undefined, proc)).toBe(300);
    expect(chooseCassandraPid(42, proc)).toBe(42);
  });

  it('two nodes: asks for --pid, naming them', () => {
    fakeProcess(301, ['/opt/jdk/bin/java', 'org.apache.cassandra.service.CassandraDaemon']);
    expect(() => chooseCassandraPid(undefined, proc)).toThrow(
      '2 Cassandra JVMs run here (pids 300, 301): choose one with --pid',
    );
    rmSync(join(proc, '301'), { recursive: true });
  });

  it('the effective user and group from the status file', () => {
    expect(processOwner(300, proc)).toEqual({ uid: 108, gid: 115 });
    expect(() => processOwner(999, proc)).toThrow(AttachError);
  });
});

describe('the properties file', () => {
  it('host, port, user, password and the policy as a file URL, in Properties syntax', () => {
    const text = propertiesText({
      host: '10.0.0.5',
      port: 8778,
      user: 'monitor',
      password: 'p=a:s#s',
      policyFile: '/etc/cassandra/jolokia-access.xml',
    });
    expect(text.split('\n').filter((line) => !line.startsWith('#'))).toEqual([
      'host=10.0.0.5',
      'port=8778',
      'user=monitor',
      'password=p=a:s#s',
      'policyLocation=file:///etc/cassandra/jolokia-access.xml',
      '',
    ]);
  });

  it('escapes what Properties.load would change: backslashes, a leading blank, non-ASCII, line breaks', () => {
    expect(escapeValue('a\\b')).toBe('a\\\\b');
    expect(escapeValue(' lead')).toBe('\\ lead');
    expect(escapeValue('pä\n')).toBe('p\\u00e4\\u000a');
    expect(escapeValue('🔑')).toBe('\\ud83d\\udd11');
  });

  it('refuses an empty password and one the agent would take for encrypted', () => {
    expect(() => checkPassword('')).toThrow('empty');
    expect(() => checkPassword('[[abc]]')).toThrow('encrypted');
    expect(() => checkPassword('[[abc')).not.toThrow();
  });

  it('a path for the -javaagent option: absolute, nothing the agent or the start scripts would split', () => {
    expect(() => checkAgentPath('--properties', '/etc/cassandra/jolokia-agent.properties')).not.toThrow();
    for (const bad of [
      'relative.jar',
      '/opt/my agent.jar',
      '/opt/a,b.jar',
      '/opt/$x.jar',
      '/opt/a=b.jar',
      '/opt/*.jar',
      '/opt/[1].jar',
    ])
      expect(() => checkAgentPath('--agent-jar', bad)).toThrow(AttachError);
    // Only the jar's '=' splits the option; the properties file comes after config=.
    expect(() => checkAgentPath('--properties', '/etc/a=b.properties')).not.toThrow();
  });
});

describe('the line for the next start', () => {
  const lines = persistentLines(
    '/opt/jolokia/jolokia-agent-jvm-2.6.0-javaagent.jar',
    '/etc/cassandra/jolokia-agent.properties',
  );

  it('for jvm-server.options and for cassandra-env.sh, naming the same properties file', () => {
    expect(lines).toEqual({
      jvmOption:
        '-javaagent:/opt/jolokia/jolokia-agent-jvm-2.6.0-javaagent.jar=config=/etc/cassandra/jolokia-agent.properties',
      cassandraEnv:
        'JVM_OPTS="$JVM_OPTS -javaagent:/opt/jolokia/jolokia-agent-jvm-2.6.0-javaagent.jar=config=/etc/cassandra/jolokia-agent.properties"',
    });
  });

  it('added to jvm-server.options once, under a comment; another Jolokia agent there is named', () => {
    const added = withJvmOption('-Xss256k\n', lines.jvmOption);
    expect(added).toMatchObject({
      changed: true,
      text: expect.stringMatching(/^-Xss256k\n# .*\n-javaagent:.*properties\n$/),
    });
    expect(withJvmOption(added.text, lines.jvmOption)).toEqual({ text: added.text, changed: false });
    expect(withJvmOption('-javaagent:/old/jolokia-jvm-1.7.2.jar=port=8778', lines.jvmOption)).toMatchObject({
      changed: true,
      note: 'it also has another Jolokia agent: -javaagent:/old/jolokia-jvm-1.7.2.jar=port=8778',
    });
  });
});

describe('the command line', () => {
  it('defaults: 127.0.0.1:8778, the /etc/cassandra files, 60 s', () => {
    expect(parseCommand(['--agent-jar', '/a.jar'])).toEqual({
      kind: 'run',
      settings: expect.objectContaining({
        host: '127.0.0.1',
        port: 8778,
        propertiesFile: '/etc/cassandra/jolokia-agent.properties',
        policyFile: '/etc/cassandra/jolokia-access.xml',
        timeoutMs: 60_000,
        statusOnly: false,
      }),
    });
  });

  it('--help, -V; no --password option at all, and no positional arguments', () => {
    expect(parseCommand(['-h'])).toEqual({ kind: 'help' });
    expect(parseCommand(['-V'])).toEqual({ kind: 'version' });
    expect(() => parseCommand(['--password', 'x'])).toThrow(AttachError);
    expect(() => parseCommand(['start'])).toThrow(AttachError);
    expect(() => parseCommand(['--port', '70000'])).toThrow('--port must be a whole number from 1 to 65535');
  });

  it('the agent URL for a local probe: a wildcard address is asked on loopback', () => {
    expect(localAgentUrl('0.0.0.0', 8778)).toBe('http://127.0.0.1:8778/jolokia/');
    expect(localAgentUrl('::', 8778)).toBe('http://[::1]:8778/jolokia/');
    expect(localAgentUrl('10.0.0.5', 9000)).toBe('http://10.0.0.5:9000/jolokia/');
  });
});

describe('exit codes, as --help lists them', () => {
  // The built command (its policy text is bundled by esbuild, which vitest cannot load).
  const run = async (argv: string[]) => {
    const result = await runProcess(PLUGIN_NODE, [join(ROOT, 'bin', 'cassandra-jolokia-attach'), ...argv]);
    return { code: result.code, out: result.stdout.trimEnd(), err: result.stderr.trimEnd() };
  };

  it('0 for --help and -V; 2 for a usage error, one line on stderr', async () => {
    expect((await run(['--help'])).code).toBe(0);
    expect((await run(['-V'])).out).toMatch(/^cassandra-jolokia-attach \d/);
    const bad = await run(['--no-such-option']);
    expect([bad.code, bad.out]).toEqual([2, '']);
    expect(bad.err).toMatch(/^cassandra-jolokia-attach: .*--no-such-option/);
    expect(bad.err.split('\n')).toHaveLength(1);
  });

  it('1 when the attach itself failed, 2 for what the operator must change first', () => {
    expect(new AttachFailed('the attach to process 1 failed').exitCode).toBe(1);
    expect(new AttachError('give the agent a user: -u USER').exitCode).toBe(2);
    expect(new AttachFailed('x')).toBeInstanceOf(AttachError);
  });
});

describe('the files it writes as root', () => {
  const folder = mkdtempSync(join(tmpdir(), 'attach-files-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const modeOf = (file: string) => statSync(file).mode & 0o7777;

  it('the properties file: 0600 whatever the umask, replaced whole, no temporary file left', () => {
    const file = join(folder, 'agent.properties');
    const umask = process.umask(0o000);
    try {
      expect(writePrivateFile(file, 'password=one\n', null)).toBe(true);
    } finally {
      process.umask(umask);
    }
    expect([modeOf(file), readFileSync(file, 'utf8')]).toEqual([0o600, 'password=one\n']);
    expect(writePrivateFile(file, 'password=one\n', null)).toBe(false);
    expect(writePrivateFile(file, 'password=two\n', null)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('password=two\n');
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a symlink where the properties file goes is replaced, its target untouched', () => {
    const target = join(folder, 'not-ours');
    writeFileSync(target, 'precious\n', { mode: 0o644 });
    const file = join(folder, 'linked.properties');
    symlinkSync(target, file);
    writePrivateFile(file, 'password=x\n', null);
    expect([readFileSync(target, 'utf8'), modeOf(target)]).toEqual(['precious\n', 0o644]);
    expect([readFileSync(file, 'utf8'), modeOf(file)]).toEqual(['password=x\n', 0o600]);
  });

  it('the policy: 0644 under a strict umask, so the JVM user can read it; an existing one kept', () => {
    const file = join(folder, 'policy.xml');
    const umask = process.umask(0o077);
    try {
      expect(installPolicy(file, '<restrict/>')).toBe(true);
    } finally {
      process.umask(umask);
    }
    expect(modeOf(file)).toBe(0o644);
    expect(installPolicy(file, '<other/>')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('<restrict/>');
  });

  it('jvm-server.options: rewritten keeping its mode; a file that does not exist is refused, not made', () => {
    const file = join(folder, 'jvm-server.options');
    writeFileSync(file, '-Xss256k\n', { mode: 0o640 });
    rewriteFile(file, '-Xss256k\n-javaagent:/a.jar=config=/b\n');
    expect([readFileSync(file, 'utf8'), modeOf(file)]).toEqual(['-Xss256k\n-javaagent:/a.jar=config=/b\n', 0o640]);
    const typo = join(folder, 'jvm.options');
    expect(() => rewriteFile(typo, 'x')).toThrow(/jvm\.options does not exist/);
    expect(readdirSync(folder)).not.toContain('jvm.options');
  });
});

describe('the port, before the attach', () => {
  it('taken when anything accepts a connection there, and nothing is sent to it; free when refused', async () => {
    const received: Buffer[] = [];
    const server = createServer((socket) => socket.on('data', (d: Buffer) => received.push(d)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await portTaken(localAgentUrl('127.0.0.1', port))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await portTaken(localAgentUrl('127.0.0.1', port))).toBe(false);
  });
});
