// cassandra-jolokia-attach against a real Cassandra 5.0 node started here with no agent at all: the
// real Jolokia 2.x agent attached to the running JVM by the JDK's attach mechanism, the plugins
// answering through it (nodetool as the oracle), the project's policy in force, a wrong password
// refused; then the node restarted with the -javaagent line the command wrote, and the same again.
// The attach time is measured and logged. The user rule: a JVM of `nobody` gets its agent from
// root (who switches to nobody), and nobody may not attach to root's node.

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CASSANDRA_VERSION,
  ensureArtifacts,
  freePorts,
  jolokiaPost,
  startCassandra,
  type AgentInfo,
  type CassandraNode,
} from '../../scripts/cassandra/harness.mjs';
import { PLUGIN_NODE, ROOT, runProcess, type ProcessOptions } from '../support/process.js';
import { runPlugin } from '../support/run-plugin.js';
import { removeDir, tempDir } from './monitoring-tools.js';
import { nodetoolOk, setBackupByNodetool, type Nodetool } from './node-helpers.js';

const TOOL = join(ROOT, 'bin', 'cassandra-jolokia-attach');
const MONITOR = { user: 'monitor', password: 'pw-of-the-attached-agent' };
const WRONG_PASSWORD = 'not-the-agent-password';
const NOBODY = { uid: 65534, gid: 65534 };

const JVM_OPTIONS_BEFORE = "# the node's own settings\n-Xss256k\n";

let node: CassandraNode | undefined;
let dir = '';
let agentJar = '';
let java = '';
let port = 0;
const nodetool: Nodetool = (...args) => started().nodetool(...args);
const files = {
  password: () => join(dir, 'monitor.pw'),
  wrongPassword: () => join(dir, 'wrong.pw'),
  properties: () => join(dir, 'jolokia-agent.properties'),
  policy: () => join(dir, 'jolokia-access.xml'),
  jvmOptions: () => join(dir, 'jvm-server.options'),
};

function started(): CassandraNode {
  if (!node) throw new Error('the node did not start');
  return node;
}

beforeAll(async () => {
  dir = tempDir('it-attach-');
  writeFileSync(files.password(), `${MONITOR.password}\n`, { mode: 0o600 });
  writeFileSync(files.wrongPassword(), `${WRONG_PASSWORD}\n`, { mode: 0o600 });
  // The node's own jvm-server.options, as a package installs it: the command adds to it, never creates it.
  writeFileSync(files.jvmOptions(), JVM_OPTIONS_BEFORE, { mode: 0o640 });
  const art = await ensureArtifacts();
  [agentJar, java] = [art.jolokia2Jar, art.java];
  [port] = (await freePorts(1)) as [number];
  node = await startCassandra({
    cassandraVersion: DEFAULT_CASSANDRA_VERSION,
    agents: {},
    log: (m) => process.stderr.write(`[cassandra attach] ${m}\n`),
  });
}, 600_000);

afterAll(async () => {
  await node?.stop();
  removeDir(dir);
});

/** The command against the node (or `pid`), with the test's files, run as root unless `as` says otherwise. */
function attach(args: readonly string[], options: ProcessOptions & { pid?: number } = {}) {
  const target = ['--pid', String(options.pid ?? started().pid), '--agent-jar', agentJar];
  const where = ['--host', started().address, '--port', String(port)];
  const configured = ['--policy', files.policy(), '--properties', files.properties()];
  return runProcess(PLUGIN_NODE, [TOOL, ...target, ...where, ...configured, ...args], {
    killAfterMs: 180_000,
    ...options,
  });
}

const credentials = (): string[] => ['-u', MONITOR.user, '--password-file', files.password()];

function plugin(name: string, args: readonly string[] = [], passwordFile = files.password()) {
  return runPlugin(name, [
    '-H',
    started().address,
    '-p',
    String(port),
    '-u',
    MONITOR.user,
    '--password-file',
    passwordFile,
    ...args,
  ]);
}

/** Every command line on the machine that names a Jolokia jar, sampled until `done` settles. */
async function commandLinesDuring(done: Promise<unknown>): Promise<string[]> {
  const seen = new Set<string>();
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  while (!finished) {
    for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      try {
        const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
        if (/jolokia/i.test(line)) seen.add(line);
      } catch {
        // ended meanwhile
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [...seen];
}

/** The three plugins through the agent, backup switched both ways with nodetool as the oracle. */
async function pluginsAnswer(): Promise<void> {
  for (const enabled of [false, true]) {
    await setBackupByNodetool(enabled, nodetool);
    const said = (await nodetoolOk(['statusbackup'], nodetool)).stdout.trim();
    expect(said).toBe(enabled ? 'running' : 'not running');
    const status = await plugin('check_cassandra_backup');
    expect([status.code, status.statusLine], status.stdout).toEqual([
      enabled ? 0 : 1,
      expect.stringMatching(
        `^CASSANDRA BACKUP ${enabled ? 'OK' : 'WARNING'} - Incremental backup is ${enabled ? 'enabled' : 'disabled'}`,
      ),
    ]);
    expect((await plugin('check_cassandra_backup', ['--format', 'nodetool'])).stdout).toBe(`${said}\n`);
  }
  const health = await plugin('check_cassandra_node');
  expect([health.code, health.statusLine], health.stdout).toEqual([0, expect.stringMatching(/^CASSANDRA NODE OK - /)]);
  // A ring of one: the contact reports itself, its own agent confirms its flag.
  const ring = await plugin('check_cassandra_cluster_backup');
  expect([ring.code, ring.statusLine], ring.stdout).toEqual([
    0,
    expect.stringMatching(/^CASSANDRA CLUSTER BACKUP OK - 1 member: /),
  ]);
  expect(ring.statusLine).toMatch(/\| .*members=1;.* enabled=1;/);
}

/** The node's host id, as `nodetool info` prints it: kept in its system tables across a restart. */
async function hostId(): Promise<string> {
  const id = /^ID\s*:\s*(\S+)/m.exec((await nodetoolOk(['info'], nodetool)).stdout)?.[1];
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return id as string;
}

/** What the policy does not grant is refused inside the answer (HTTP 200, inner status 403). */
async function policyRefuses(): Promise<void> {
  const agent: AgentInfo = {
    name: 'attached',
    version: 2,
    agentVersion: '',
    url: `http://${started().address}:${port}/jolokia/`,
    port,
    tls: false,
    ...MONITOR,
  };
  const heap = { type: 'read', mbean: 'java.lang:type=Memory', attribute: 'HeapMemoryUsage' };
  const res = await jolokiaPost(agent, heap);
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({
    status: 403,
    error: expect.stringContaining('Reading attribute HeapMemoryUsage is forbidden for MBean java.lang:type=Memory'),
  });
}

describe('a running node without an agent', () => {
  it('--status: no agent (exit 1); the plugins find nothing to ask (UNKNOWN)', async () => {
    const status = await attach(['--status']);
    expect([status.code, status.stdout], status.stderr).toEqual([
      1,
      expect.stringContaining('No Jolokia agent is attached.'),
    ]);
    expect((await plugin('check_cassandra_backup')).code).toBe(3);
  });

  it('refuses nobody, whose attach the JDK would refuse, and says to run it as root', async () => {
    const run = await attach([...credentials()], NOBODY);
    expect(run.code, run.stdout).toBe(2);
    expect(run.stderr).toMatch(/the JVM runs as root \(uid 0\), this command as uid 65534: .*run it as root/);
    expect(() => statSync(files.properties())).toThrow();
    expect((await attach(['--status'])).code).toBe(1);
  });
});

describe('attached by cassandra-jolokia-attach', () => {
  it('attaches: the properties file 0600, the password on no command line, the attach time measured', async () => {
    const run = attach([...credentials(), '--write-jvm-options', files.jvmOptions()]);
    const commandLines = await commandLinesDuring(run);
    const { code, stdout, stderr } = await run;
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    // The agent jar's launcher was seen, naming the file and not the password.
    expect(commandLines.some((line) => line.includes(`--config ${files.properties()} start`))).toBe(true);
    expect(commandLines.filter((line) => line.includes(MONITOR.password))).toEqual([]);
    expect(`${stdout}${stderr}`).not.toContain(MONITOR.password);
    const file = statSync(files.properties());
    expect([file.mode & 0o777, file.uid]).toEqual([0o600, process.getuid?.()]); // the node's user, root here
    expect(readFileSync(files.properties(), 'utf8')).toContain(`password=${MONITOR.password}\n`);
    expect(readFileSync(files.policy(), 'utf8')).toBe(readFileSync(join(ROOT, 'docs', 'jolokia-access.xml'), 'utf8'));
    const attachMs = Number(/answers at \S+ as monitor, (\d+) ms after the attach began/.exec(stdout)?.[1]);
    expect(attachMs).toBeGreaterThan(0);
    process.stderr.write(`[cassandra attach] attach time: ${attachMs} ms (start of the attach → the agent answers)\n`);
  });

  it('the plugins answer through it: the backup status as nodetool statusbackup says, the node, the ring', async () => {
    await pluginsAnswer();
  });

  it('the policy refuses what it does not grant', async () => {
    await policyRefuses();
  });

  it('a wrong password: UNKNOWN (exit 3), and neither password in any output', async () => {
    const run = await plugin('check_cassandra_backup', ['-vvv'], files.wrongPassword());
    expect([run.code, run.statusLine]).toEqual([3, expect.stringMatching(/^CASSANDRA BACKUP UNKNOWN - .*401/)]);
    for (const secret of [WRONG_PASSWORD, MONITOR.password]) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
  });

  it('again: says the agent is there, attaches nothing (exit 0); --status says where it is', async () => {
    const again = await attach([...credentials()]);
    expect([again.code, again.stdout]).toEqual([0, expect.stringContaining('A Jolokia agent is attached already')]);
    const status = await attach(['--status']);
    expect([status.code, status.stdout]).toEqual([0, expect.stringContaining(`:${port}/jolokia`)]);
  });
});

describe('restarted with the line the command wrote', () => {
  it('the node starts again with the -javaagent line of jvm-server.options, on its data', async () => {
    // The node's own lines kept, and the file's mode; the agent's line added once.
    const text = readFileSync(files.jvmOptions(), 'utf8');
    expect(text.startsWith(JVM_OPTIONS_BEFORE)).toBe(true);
    expect(statSync(files.jvmOptions()).mode & 0o777).toBe(0o640);
    const lines = text.split('\n').filter((line) => line.startsWith('-javaagent'));
    expect(lines).toEqual([`-javaagent:${agentJar}=config=${files.properties()}`]);
    const before = { pid: started().pid, hostId: await hostId() };
    // The harness runs java itself, not bin/cassandra: the line of jvm-server.options goes to the
    // JVM exactly as bin/cassandra would pass it, as one argument.
    await started().restart({ extraJvmArgs: lines });
    // Another JVM, the same node: its host id is read back from its data.
    expect(started().pid).not.toBe(before.pid);
    expect(await hostId()).toBe(before.hostId);
    const status = await attach(['--status']);
    expect([status.code, status.stdout]).toEqual([0, expect.stringContaining(`:${port}/jolokia`)]);
  });

  it('the plugins, the policy and the password, as before the restart', async () => {
    await pluginsAnswer();
    await policyRefuses();
    expect((await plugin('check_cassandra_backup', [], files.wrongPassword())).code).toBe(3);
  });
});

describe('the user rule on a JVM of another user', () => {
  let jvm: ChildProcess | undefined;
  afterAll(() => {
    jvm?.kill('SIGKILL');
  });

  it('root switches to the JVM owner (nobody) for the attach; the properties file is nobody’s, 0600', async () => {
    const program = join(dir, 'Idle.java');
    writeFileSync(
      program,
      'class Idle { public static void main(String[] a) throws Exception { System.out.println("ready"); Thread.sleep(600000); } }\n',
    );
    jvm = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', java, program], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      jvm?.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      jvm?.once('exit', (code) => reject(new Error(`the JVM of nobody exited (${code})`)));
    });
    const [otherPort] = (await freePorts(1)) as [number];
    // The later --port and --properties override the node's.
    const elsewhere = ['--port', String(otherPort), '--properties', join(dir, 'nobody.properties')];
    const run = await attach([...credentials(), ...elsewhere], { pid: jvm.pid as number });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('as nobody');
    const file = statSync(join(dir, 'nobody.properties'));
    expect([file.mode & 0o777, file.uid, file.gid]).toEqual([0o600, NOBODY.uid, NOBODY.gid]);
  });
});
