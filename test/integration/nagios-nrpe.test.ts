// Nagios 4 and NRPE, the real programs from Debian's packages (nagios4, nagios-nrpe-server,
// nagios-nrpe-plugin):
// 1. `nagios4 -v` verifies docs/nagios/commands.cfg and services.cfg, loaded beside Debian's stock
//    object configuration (its templates, and its own commands: no name may clash).
// 2. The real NRPE daemon (foreground, own config, free port, allowed_hosts=127.0.0.1, hard-coded
//    arguments, no dont_blame_nrpe) runs check_cassandra_backup against the suite's Cassandra node,
//    called by the real check_nrpe: exit code, status line and perfdata arrive unchanged.

import { chmodSync, chownSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, waitFor } from '../support/process.js';
import { ROOT, runPlugin } from '../support/run-plugin.js';
import { cassandra } from './cassandra-context.js';
import {
  CURRENT_USER,
  IS_ROOT,
  freePorts,
  readableBy,
  removeDir,
  requireProgram,
  startDaemon,
  tempDir,
  userIds,
  type Daemon,
} from './monitoring-tools.js';
import { setBackupByJolokia } from './node-helpers.js';

const PLUGIN = 'check_cassandra_backup';
const DOCS = join(ROOT, 'docs');

/** The user the daemons run plugins as: Debian's nagios when we are root (NRPE refuses root), else us. */
function daemonUser(): { name: string; uid: number; gid: number } {
  if (!IS_ROOT) return { name: CURRENT_USER, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const ids = userIds('nagios');
  if (ids === undefined)
    throw new Error(
      "user nagios is missing: Debian's nagios4 / nagios-nrpe-server packages create it (bash scripts/install-monitoring.sh)",
    );
  return { name: 'nagios', ...ids };
}

function groupName(gid: number): string {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? String(gid);
}

/** chown to the daemon user, when we are root (so that a daemon that dropped privileges can write there). */
function giveTo(path: string, user: { uid: number; gid: number }): void {
  if (IS_ROOT) chownSync(path, user.uid, user.gid);
}

const timeless = (text: string) => text.replace(/ time=\d+(\.\d+)?s;/g, ' time=Xs;').replace(/\n+$/, '');

describe('nagios4 -v verifies docs/nagios/commands.cfg and services.cfg', () => {
  let dir: string;
  let nagios4: string;

  beforeAll(() => {
    nagios4 = requireProgram('nagios4');
    dir = tempDir('it-nagios4-');
  });
  afterAll(() => removeDir(dir));

  /** A main config of our own: Debian's stock object files, ours, and every state path in the temp dir. */
  function mainConfig(name: string, ourFiles: string[]): string {
    const base = join(dir, name);
    const user = daemonUser();
    mkdirSync(join(base, 'checkresults'), { recursive: true });
    giveTo(base, user);
    giveTo(join(base, 'checkresults'), user);
    const stock = readFileSync('/etc/nagios4/nagios.cfg', 'utf8');
    const stockObjects = stock
      .split('\n')
      .filter((l) => /^(cfg_file|cfg_dir)=/.test(l) && !l.includes('/etc/nagios4/conf.d'));
    const illegal =
      stock.split('\n').find((l) => l.startsWith('illegal_macro_output_chars=')) ??
      'illegal_macro_output_chars=`~$&|\'"<>';
    writeFileSync(join(base, 'resource.cfg'), '$USER1$=/usr/lib/nagios/plugins\n');
    const file = join(base, 'nagios.cfg');
    writeFileSync(
      file,
      [
        ...stockObjects,
        // As if copied into /etc/nagios4/conf.d/:
        ...ourFiles.map((f) => `cfg_file=${f}`),
        `resource_file=${join(base, 'resource.cfg')}`,
        `log_file=${join(base, 'nagios.log')}`,
        `object_cache_file=${join(base, 'objects.cache')}`,
        `precached_object_file=${join(base, 'objects.precache')}`,
        `status_file=${join(base, 'status.dat')}`,
        `temp_file=${join(base, 'nagios.tmp')}`,
        `temp_path=${base}`,
        `lock_file=${join(base, 'nagios.lock')}`,
        `command_file=${join(base, 'nagios.cmd')}`,
        `check_result_path=${join(base, 'checkresults')}`,
        `state_retention_file=${join(base, 'retention.dat')}`,
        `debug_file=${join(base, 'nagios.debug')}`,
        `log_archive_path=${base}`,
        `nagios_user=${user.name}`,
        `nagios_group=${groupName(user.gid)}`,
        illegal,
        '',
      ].join('\n'),
    );
    return file;
  }

  it('accepts them beside the stock configuration: no errors, no warnings', async () => {
    const file = mainConfig('ok', [join(DOCS, 'nagios', 'commands.cfg'), join(DOCS, 'nagios', 'services.cfg')]);
    const result = await runProcess(nagios4, ['-v', file]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Total Warnings: 0\s+Total Errors:\s+0\n/);
    expect(result.stdout).toContain('Things look okay');
    // Our two hosts and two services per host are in (beside the stock localhost's).
    const services = Number(/Checked (\d+) services/.exec(result.stdout)?.[1]);
    const stockOnly = await runProcess(nagios4, ['-v', mainConfig('stock', [])]);
    expect(stockOnly.code, stockOnly.stdout).toBe(0);
    expect(services - Number(/Checked (\d+) services/.exec(stockOnly.stdout)?.[1])).toBe(4);
  });

  it('is a real verification: services.cfg without commands.cfg is refused', async () => {
    const result = await runProcess(nagios4, ['-v', mainConfig('bad', [join(DOCS, 'nagios', 'services.cfg')])]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/check_cassandra_backup.*not defined|not defined.*check_cassandra_backup/i);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the real NRPE daemon runs the plugin, the real check_nrpe brings back its answer', () => {
  let dir: string;
  let nrpe: Daemon | undefined;
  let checkNrpe: string;
  let port: number;
  let pluginDir: string;
  let silent: Server | undefined;
  const sockets = new Set<Socket>();
  let commands: Record<string, string>;

  beforeAll(async () => {
    const nrpeBin = requireProgram('nrpe');
    checkNrpe = requireProgram('check_nrpe');
    const node = cassandra();
    const user = daemonUser();
    dir = tempDir('it-nrpe-');

    // NRPE runs the plugins as nrpe_user (nagios when we are root): that user must read the plugin.
    pluginDir = join(ROOT, 'plugins');
    if (!readableBy(user.name, join(ROOT, 'dist', `${PLUGIN}.cjs`))) {
      cpSync(join(ROOT, 'plugins'), join(dir, 'app', 'plugins'), { recursive: true });
      cpSync(join(ROOT, 'dist'), join(dir, 'app', 'dist'), { recursive: true });
      pluginDir = join(dir, 'app', 'plugins');
    }

    // The password file as the docs say: one line, 0600, owned by the user NRPE runs plugins as.
    const pwFile = join(dir, 'jolokia.pw');
    writeFileSync(pwFile, `${node.credentials.password}\n`);
    chmodSync(pwFile, 0o600);
    giveTo(pwFile, user);

    // A server that accepts connections and never answers: for the timeout chain.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    let silentPort: number;
    let closedPort: number;
    [port, silentPort, closedPort] = (await freePorts(3)) as [number, number, number];
    await new Promise<void>((resolve) => silent?.listen(silentPort, '127.0.0.1', resolve));

    const plugin = join(pluginDir, PLUGIN);
    // The documented status line (docs/nrpe.cfg), pointed at this suite's auth agent and password file.
    const documented = /^command\[check_cassandra_backup\]=(.*)$/m.exec(
      readFileSync(join(DOCS, 'nrpe.cfg'), 'utf8'),
    )?.[1];
    if (documented === undefined) throw new Error('docs/nrpe.cfg has no command[check_cassandra_backup] line');
    commands = {
      check_cassandra_backup: documented
        .replace('/usr/lib/nagios/plugins/check_cassandra_backup', plugin)
        .replace('-H 127.0.0.1', `-H 127.0.0.1 -p ${node.agents.auth.port}`)
        .replace('/etc/nagios/jolokia.pw', pwFile),
      check_cassandra_backup_verbose: `${plugin} --url ${node.agents.plain2.url} -v -t 10`,
      check_cassandra_backup_down: `${plugin} -H 127.0.0.1 -p ${closedPort} -t 10`,
      check_cassandra_backup_hang: `${plugin} -H 127.0.0.1 -p ${silentPort} -t 2`,
      check_cassandra_backup_hang_long: `${plugin} -H 127.0.0.1 -p ${silentPort} -t 30`,
    };
    expect(commands['check_cassandra_backup']).toContain(`--password-file ${pwFile}`);
    expect(commands['check_cassandra_backup']).not.toContain(node.credentials.password);

    const config = join(dir, 'nrpe.cfg');
    writeFileSync(
      config,
      [
        `log_file=${join(dir, 'nrpe.log')}`,
        'debug=1',
        'disable_syslog=1',
        `server_port=${port}`,
        'server_address=127.0.0.1',
        `nrpe_user=${user.name}`,
        `nrpe_group=${groupName(user.gid)}`,
        'allowed_hosts=127.0.0.1',
        'dont_blame_nrpe=0',
        'allow_bash_command_substitution=0',
        'command_timeout=60',
        'connection_timeout=300',
        ...Object.entries(commands).map(([name, line]) => `command[${name}]=${line}`),
        '',
      ].join('\n'),
    );
    giveTo(dir, user);

    nrpe = startDaemon('nrpe', nrpeBin, ['-c', config, '-f'], { dir });
    await waitFor(
      async () => {
        if (nrpe?.exited()) throw new Error(`nrpe exited:\n${nrpe.log()}\n${safeRead(join(dir, 'nrpe.log'))}`);
        const hello = await runProcess(checkNrpe, ['-H', '127.0.0.1', '-p', String(port)], { killAfterMs: 5_000 });
        return hello.code === 0 && /^NRPE v\d/.test(hello.stdout);
      },
      'nrpe to answer',
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    await nrpe?.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
    await setBackupByJolokia(false);
    removeDir(dir);
  });

  function viaNrpe(command: string, timeout = '30:UNKNOWN') {
    return runProcess(checkNrpe, ['-H', '127.0.0.1', '-p', String(port), '-c', command, '-t', timeout], {
      killAfterMs: 90_000,
    });
  }

  /** The command line NRPE runs, run directly by the test. */
  function direct(name: string) {
    const [, ...args] = (commands[name] as string).split(' ');
    return runPlugin(PLUGIN, args);
  }

  it.each([
    ['OK', true, 0],
    ['WARNING', false, 1],
  ] as const)(
    '%s: exit code, status line and perfdata arrive unchanged (the documented line, password from its file)',
    async (_state, enabled, code) => {
      await setBackupByJolokia(enabled);
      const remote = await viaNrpe('check_cassandra_backup');
      const local = await direct('check_cassandra_backup');
      expect(remote.code, remote.stdout).toBe(code);
      expect(local.code).toBe(code);
      expect(timeless(remote.stdout)).toBe(timeless(local.stdout));
      expect(remote.stdout).toMatch(
        enabled
          ? /^CASSANDRA BACKUP OK - Incremental backup is enabled \| backup_enabled=1;;;0;1 time=\d+(\.\d+)?s;;;0\n$/
          : /^CASSANDRA BACKUP WARNING - Incremental backup is disabled \(expected enabled\) \| backup_enabled=0;;;0;1 time=\d+(\.\d+)?s;;;0\n$/,
      );
    },
  );

  it("UNKNOWN: the plugin's own reason arrives, with exit code 3", async () => {
    const remote = await viaNrpe('check_cassandra_backup_down');
    const local = await direct('check_cassandra_backup_down');
    expect(remote.code).toBe(3);
    expect(remote.stdout).toMatch(
      /^CASSANDRA BACKUP UNKNOWN - Cannot connect to Cassandra's Jolokia agent at http:\/\/127\.0\.0\.1:\d+\/jolokia: connection refused/,
    );
    expect(timeless(remote.stdout)).toBe(timeless(local.stdout));
  });

  it('long output (-v) arrives whole, every line', async () => {
    await setBackupByJolokia(true);
    const remote = await viaNrpe('check_cassandra_backup_verbose');
    const local = await direct('check_cassandra_backup_verbose');
    expect(remote.code).toBe(0);
    expect(local.stdout.split('\n').length).toBeGreaterThan(2);
    expect(timeless(remote.stdout)).toBe(timeless(local.stdout));
  });

  it("the timeout chain: plugin -t < check_nrpe -t, so the plugin's own message arrives", async () => {
    const nested = await viaNrpe('check_cassandra_backup_hang', '20:UNKNOWN');
    expect(nested.code).toBe(3);
    expect(nested.stdout).toMatch(/^CASSANDRA BACKUP UNKNOWN - .*127\.0\.0\.1:\d+.*(timeout|timed out|no answer)/i);
    expect(nested.seconds).toBeLessThan(10);

    // The wrong way round: check_nrpe gives up first and all that arrives is its own socket timeout.
    const inverted = await viaNrpe('check_cassandra_backup_hang_long', '3:UNKNOWN');
    expect(inverted.code).toBe(3);
    expect(inverted.stdout).toMatch(/^CHECK_NRPE STATE UNKNOWN: Socket timeout after 3 seconds/);
  });

  it('no arguments from the client: NRPE refuses a request that carries any (dont_blame_nrpe=0)', async () => {
    const result = await runProcess(
      checkNrpe,
      ['-H', '127.0.0.1', '-p', String(port), '-c', 'check_cassandra_backup', '-a', '--expect', 'disabled'],
      { killAfterMs: 30_000 },
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout).not.toMatch(/^CASSANDRA BACKUP/);
    await waitFor(
      () => safeRead(join(dir, 'nrpe.log')).includes('Request contained command arguments'),
      "NRPE's log to say why",
    );
  });

  it('an unknown command is refused by NRPE, not run', async () => {
    const result = await viaNrpe('check_cassandra_backup_nonexistent');
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/NRPE: Command 'check_cassandra_backup_nonexistent' not defined/);
  });
});

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
