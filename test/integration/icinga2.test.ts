// The CheckCommands with the real Icinga 2 (Debian's icinga2 package), as an operator gets them: the
// project's Debian package is installed (dpkg -i; removed afterwards), and each configuration is the
// stock one, PluginContribDir where Debian puts it and `include <plugins-contrib>`, which picks up
// the package's plugins-contrib.d/cassandra.conf. Nothing is included from the checkout.
// 1. `icinga2 daemon -C` validates a configuration of our own that defines a host and services
//    using every CheckCommand, and an agent-executed (command_endpoint) flush check.
// 2. A real Icinga 2 master (its own config, state and ports in a temp dir) runs cassandra_backup
//    against the suite's Cassandra node, the password through the command's env; a second real
//    Icinga 2 as the node's agent runs the --flush check for it (command_endpoint). The results are
//    read back through the REST API and compared with what the plugin prints when run directly.

import type { Client } from 'cassandra-driver';
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../support/fault-servers.js';
import { runProcess } from '../support/process.js';
import { cassandra, cluster } from './cassandra-context.js';
import { buildPackage, DEBIAN_LAYOUT, installPackage, removePackage } from './debian-package.js';
import {
  ICINGA_BASICS,
  IcingaApi,
  icingaDefines,
  icingaHeader,
  icingaProblems,
  makeIcingaPki,
  startIcinga2,
  type CheckResult,
  type Icinga2Instance,
} from './icinga2-instance.js';
import { freePorts, removeDir, requireProgram, sampleProcesses, tempDir } from './monitoring-tools.js';
import { openKeyspace, safeList, setBackupByJolokia, writeRows } from './node-helpers.js';

const COMMANDS_FILE = DEBIAN_LAYOUT.icingaCommands;
const PLUGIN_DIR = DEBIAN_LAYOUT.plugins;
const API_USER = 'it';
const API_PASSWORD = 'it-api-pw';
const KEYSPACE = 'icinga_it';

let packageDir: string;
beforeAll(async () => {
  packageDir = tempDir('it-icinga2-deb-');
  const install = await installPackage(await buildPackage(packageDir));
  if (install.code !== 0) throw new Error(`dpkg -i failed:\n${install.stdout}${install.stderr}`);
}, 180_000);
afterAll(async () => {
  await removePackage();
  removeDir(packageDir);
});

/** An installed plugin run directly, as Icinga 2 runs it: what it prints. */
async function runInstalled(path: string, args: string[], env: NodeJS.ProcessEnv) {
  const run = await runProcess(path, args, { env: { PATH: '/usr/bin:/bin', ...env }, killAfterMs: 30_000 });
  return { ...run, statusLine: run.stdout.split('\n')[0] ?? '' };
}

/** The CheckCommand objects that icinga-commands.conf defines. */
function commandNames(): string[] {
  return [...readFileSync(COMMANDS_FILE, 'utf8').matchAll(/^object CheckCommand "([^"]+)"/gm)].map(
    (m) => m[1] as string,
  );
}

describe('icinga2 daemon -C validates icinga-commands.conf', () => {
  let dir: string;
  let icinga2: string;

  beforeAll(() => {
    icinga2 = requireProgram('icinga2');
    dir = tempDir('it-icinga2-validate-');
  });
  afterAll(() => removeDir(dir));

  function config(extra = ''): string {
    const services = commandNames()
      .map((command) => `object Service "${command}" {\n  host_name = "cass1"\n  check_command = "${command}"\n}`)
      .join('\n');
    return `${icingaHeader('master')}
object Endpoint "master" {}
object Zone "master" { endpoints = [ "master" ] }
object Endpoint "cass1" {}
object Zone "cass1" { endpoints = [ "cass1" ]; parent = "master" }

object Host "cass1" {
  address = "127.0.0.1"
  check_command = "dummy"
  vars.cassandra_agent = true
}

// Every command with its defaults.
${services}

// The variants an operator writes.
object Service "backup-url" {
  host_name = "cass1"
  check_command = "cassandra_backup"
  vars.cassandra_backup_url = "https://cass1.example.com:8778/jolokia"
  vars.cassandra_backup_ca_file = "/etc/icinga2/cassandra-ca.pem"
}
object Service "backup-auth" {
  host_name = "cass1"
  check_command = "cassandra_backup"
  vars.cassandra_backup_user = "monitor"
  vars.cassandra_backup_password = "s3cret"
  vars.cassandra_backup_expect = "disabled"
  vars.cassandra_backup_disabled_state = "critical"
  vars.cassandra_backup_timeout = 10
  vars.cassandra_backup_verbose = true
}
object Service "backup-extra-opts" {
  host_name = "cass1"
  check_command = "cassandra_backup"
  vars.cassandra_backup_extra_opts = "cassandra@/etc/icinga2/cassandra.ini"
}

// Freshness runs on the node: through its Icinga 2 agent (command_endpoint).
apply Service "cassandra-backup-flush" {
  check_command = "cassandra_backup"
  command_endpoint = host.name
  zone = "master"
  vars.cassandra_backup_hostname = "127.0.0.1"
  vars.cassandra_backup_flush = [ "shop", "billing.invoices" ]
  vars.cassandra_backup_max_age = "1d"
  vars.cassandra_backup_critical_age = "2d"
  assign where host.vars.cassandra_agent
}
${extra}`;
  }

  async function validate(name: string, text: string) {
    const base = join(dir, name);
    mkdirSync(base);
    const file = join(base, 'icinga2.conf');
    writeFileSync(file, text);
    const flags = icingaDefines(base);
    const result = await runProcess(icinga2, ['daemon', '-C', '-c', file, ...flags]);
    return { ...result, output: result.stdout + result.stderr, flags };
  }

  it('accepts a host, a service per command and variant, and an apply rule with command_endpoint', async () => {
    const result = await validate('ok', config());
    expect(result.code, icingaProblems(result.output)).toBe(0);
    expect(icingaProblems(result.output)).not.toMatch(/warning\/|critical\//);
    expect(result.output).toContain('Finished validating the configuration file(s).');
    expect(result.output).toMatch(new RegExp(`Instantiated ${commandNames().length + 4} Services`));

    // The apply rule matched and the agent is the one to run it.
    const listed = await runProcess(icinga2, [
      'object',
      'list',
      '--type',
      'Service',
      '--name',
      'cass1!cassandra-backup-flush',
      ...result.flags,
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`Object 'cass1!cassandra-backup-flush' of type 'Service'`);
    expect(listed.stdout).toContain('command_endpoint = "cass1"');
    expect(listed.stdout).toContain('cassandra_backup_flush = [ "shop", "billing.invoices" ]');
  });

  it('is a real validation: a command_endpoint outside a child zone is refused', async () => {
    const result = await validate(
      'bad',
      config(`
object Endpoint "elsewhere" {}
object Zone "elsewhere" { endpoints = [ "elsewhere" ] }
object Service "misplaced" {
  host_name = "cass1"
  check_command = "cassandra_backup"
  command_endpoint = "elsewhere"
}`),
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("Validation failed for object 'cass1!misplaced'");
  });
});

// ---------------------------------------------------------------------------------------------

describe('a real Icinga 2 runs cassandra_backup against the real node', () => {
  let dir: string;
  let master: Icinga2Instance | undefined;
  let agent: Icinga2Instance | undefined;
  let cql: Client | undefined;
  const startedAt = Date.now();

  /** The master's REST API (TLS verified against the test's Icinga CA, identity "master"). */
  let icinga: IcingaApi;
  const api = (method: string, path: string, body?: unknown) => icinga.call(method, path, body);
  const checkNow = (service: string): Promise<CheckResult> => icinga.checkNow(service);

  /** The same command line, run directly by the test: what the plugin prints. */
  async function direct(command: string[], env: NodeJS.ProcessEnv = {}) {
    expect(command[0]).toBe(join(PLUGIN_DIR, 'check_cassandra_backup'));
    const plugin = await runInstalled(command[0] as string, command.slice(1), env);
    // As Icinga 2 (2.13) parses a one-line output: the text is everything before the first '|' (its
    // trailing space included), the perfdata the space-separated items after it.
    const line = plugin.stdout.replace(/\n$/, '');
    const bar = line.indexOf('|');
    const text = bar < 0 ? line : line.slice(0, bar);
    const perfdata =
      bar < 0
        ? []
        : line
            .slice(bar + 1)
            .trim()
            .split(/\s+/);
    return { plugin, text, perfdata };
  }

  const timeless = (perfdata: string[]) => perfdata.map((p) => p.replace(/^time=\d+(\.\d+)?s/, 'time=Xs'));

  beforeAll(async () => {
    const icinga2 = requireProgram('icinga2');
    const node = cassandra();
    dir = tempDir('it-icinga2-run-');
    const [apiPort, agentPort] = (await freePorts(2)) as [number, number];

    // PKI with Icinga 2's own tooling: a CA, and certificates with CN = endpoint name for both
    // instances. Meanwhile, rows to flush in a keyspace of this test, and backup on.
    const certificates = async () => {
      const caFile = await makeIcingaPki(icinga2, dir, ['master', 'cass1']);
      icinga = new IcingaApi({ port: apiPort, caFile, servername: 'master', user: API_USER, password: API_PASSWORD });
      log('certificates made');
    };
    const keyspace = async () => {
      cql = await openKeyspace(KEYSPACE, ['orders'], node.nativePort);
      await setBackupByJolokia(true);
      log('keyspace ready');
    };
    await Promise.all([certificates(), keyspace()]);

    const auth = node.agents.auth;
    const plain = node.agents.plain2;
    const masterConf = `${icingaHeader('master')}
${ICINGA_BASICS}object CheckerComponent "checker" {}
object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = ${apiPort}; accept_config = false; accept_commands = false }
object ApiUser "${API_USER}" { password = "${API_PASSWORD}"; permissions = [ "*" ] }

object Endpoint "master" {}
object Zone "master" { endpoints = [ "master" ] }
object Endpoint "cass1" { host = "127.0.0.1"; port = ${agentPort}; log_duration = 0 }
object Zone "cass1" { endpoints = [ "cass1" ]; parent = "master" }

object Host "cass1" {
  address = "127.0.0.1"
  check_command = "dummy"
  enable_active_checks = false
  vars.cassandra_agent = true
}

// The status, from the monitoring server: the auth agent, the password through env.
object Service "backup" {
  host_name = "cass1"
  check_command = "cassandra_backup"
  check_interval = 1h
  max_check_attempts = 1
  vars.cassandra_backup_port = ${auth.port}
  vars.cassandra_backup_user = "${node.credentials.user}"
  vars.cassandra_backup_password = "${node.credentials.password}"
}

// A whole URL instead of the pieces.
object Service "backup-url" {
  host_name = "cass1"
  check_command = "cassandra_backup"
  check_interval = 1h
  max_check_attempts = 1
  vars.cassandra_backup_url = "${plain.url}"
}

// The cluster audit, one service per data center, each run by the endpoint that can reach that
// data center's members (here the agent stands for dc1's satellite); the contact node is any member.
object Host "cassandra-cluster" {
  address = "127.0.0.2"
  check_command = "dummy"
  enable_active_checks = false
}
object Service "backup-dc1" {
  host_name = "cassandra-cluster"
  check_command = "cassandra_cluster_backup"
  command_endpoint = "cass1"
  zone = "master"
  check_interval = 1h
  max_check_attempts = 1
  vars.cassandra_cluster_backup_port = ${cluster().jolokiaPort}
  vars.cassandra_cluster_backup_user = "${cluster().credentials.user}"
  vars.cassandra_cluster_backup_password = "${cluster().credentials.password}"
  vars.cassandra_cluster_backup_dc = [ "dc1" ]
  vars.cassandra_cluster_backup_verbose = 1
}

// Freshness, on the node itself: run by its agent.
apply Service "backup-flush" {
  check_command = "cassandra_backup"
  command_endpoint = host.name
  zone = "master"
  check_interval = 1h
  max_check_attempts = 1
  vars.cassandra_backup_hostname = "127.0.0.1"
  vars.cassandra_backup_port = ${plain.port}
  vars.cassandra_backup_flush = [ "${KEYSPACE}" ]
  vars.cassandra_backup_timeout = 60
  assign where host.vars.cassandra_agent
}
`;
    const agentConf = `${icingaHeader('cass1')}
${ICINGA_BASICS}object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = ${agentPort}; accept_config = false; accept_commands = true }

object Endpoint "master" {}
object Zone "master" { endpoints = [ "master" ] }
object Endpoint "cass1" {}
object Zone "cass1" { endpoints = [ "cass1" ]; parent = "master" }
`;
    // The agent first, so that the master finds it listening.
    agent = await startIcinga2(icinga2, 'cass1', join(dir, 'cass1'), agentConf);
    master = await startIcinga2(icinga2, 'master', join(dir, 'master'), masterConf);
    log('daemons started');
    await icinga.connected('cass1', [master, agent]);
    log('master connected to its agent');
  });

  afterAll(async () => {
    await master?.stop();
    await agent?.stop();
    await cql?.execute(`DROP KEYSPACE IF EXISTS ${KEYSPACE}`).catch(() => undefined);
    await cql?.shutdown();
    await setBackupByJolokia(false);
    removeDir(dir);
  });

  it('OK and WARNING: state, output and perfdata as the plugin printed them; the password only in the environment', async () => {
    const { password, user } = cassandra().credentials;
    const sampler = sampleProcesses(/check_cassandra_backup/, password, /check_cassandra_backup|icinga2/);
    let sampled: ReturnType<ReturnType<typeof sampleProcesses>['stop']>;
    const results: { enabled: boolean; result: CheckResult; same: Awaited<ReturnType<typeof direct>> }[] = [];
    try {
      // The plugin lives for a few hundred milliseconds: run the check a few times so the sampler
      // surely sees it (it must see it at least once for the assertion below to mean anything).
      for (const enabled of [true, false, true, false]) {
        await setBackupByJolokia(enabled);
        const result = await checkNow('cass1!backup');
        // The same command line run by the test, while the node still says the same.
        results.push({ enabled, result, same: await direct(result.command, { JOLOKIA_PASSWORD: password }) });
      }
    } finally {
      sampled = sampler.stop();
    }

    for (const { enabled, result, same } of results) {
      expect(result.check_source).toBe('master');
      expect(result.exit_status).toBe(enabled ? 0 : 1);
      expect(result.state).toBe(enabled ? 0 : 1);
      // The host's address by default (ITL's $check_address$), the agent's port, the user; no password.
      expect(result.command.slice(1).join(' ')).toContain('--hostname 127.0.0.1');
      expect(result.command.slice(1).join(' ')).toContain(`--port ${cassandra().agents.auth.port}`);
      expect(result.command.slice(1).join(' ')).toContain(`--user ${user}`);
      expect(result.command.join(' ')).not.toContain(password);
      expect(result.command.join(' ')).not.toContain('--password');

      expect(same.plugin.code).toBe(result.exit_status);
      expect(result.output).toBe(same.text);
      expect(timeless(result.performance_data)).toEqual(timeless(same.perfdata));
      expect(result.output.trimEnd()).toBe(
        enabled
          ? 'CASSANDRA BACKUP OK - Incremental backup is enabled'
          : 'CASSANDRA BACKUP WARNING - Incremental backup is disabled (expected enabled)',
      );
      expect(result.performance_data[0]).toBe(`backup_enabled=${enabled ? 1 : 0};;;0;1`);
      expect(result.performance_data[1]).toMatch(/^time=\d+(\.\d+)?s;;;0$/);
    }

    // The process list: the plugin was seen, with the password in its environment only.
    expect(sampled.samples).toBeGreaterThan(10);
    expect(sampled.secretInArgv).toEqual([]);
    // Only the plugins Icinga 2 started (the test's own direct runs have the password in their env too).
    const plugins = sampled.matches.filter(
      (p) => p.cmdline.includes(join(PLUGIN_DIR, 'check_cassandra_backup')) && p.parentName === 'icinga2',
    );
    expect(plugins.length, `plugin processes seen in ${sampled.samples} samples`).toBeGreaterThan(0);
    for (const p of plugins) expect(p.cmdline).not.toContain(password);
    expect(plugins.some((p) => p.environ?.includes(`JOLOKIA_PASSWORD=${password}`))).toBe(true);
  });

  it("UNKNOWN from the plugin reaches Icinga 2 as UNKNOWN, with the plugin's own words", async () => {
    // Change where the check looks at runtime (a closed port), through the API as an operator would.
    const closed = await closedPort();
    const changed = await api('POST', '/v1/objects/services/cass1!backup', {
      attrs: { 'vars.cassandra_backup_port': closed },
    });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    try {
      const result = await checkNow('cass1!backup');
      expect(result.exit_status).toBe(3);
      expect(result.state).toBe(3);
      expect(result.output.trimEnd()).toBe(
        `CASSANDRA BACKUP UNKNOWN - Cannot connect to Cassandra's Jolokia agent at http://127.0.0.1:${closed}/jolokia: connection refused`,
      );
      const same = await direct(result.command, { JOLOKIA_PASSWORD: cassandra().credentials.password });
      expect(same.plugin.code).toBe(3);
      expect(result.output).toBe(same.text);
      expect(timeless(result.performance_data)).toEqual(timeless(same.perfdata));
    } finally {
      await api('POST', '/v1/objects/services/cass1!backup', {
        attrs: { 'vars.cassandra_backup_port': cassandra().agents.auth.port },
      });
    }
  });

  it('cassandra_backup_url replaces hostname, port and path (set_if), and the check still works', async () => {
    await setBackupByJolokia(true);
    const result = await checkNow('cass1!backup-url');
    expect(result.command.slice(1)).toEqual(['--url', cassandra().agents.plain2.url]);
    expect(result.exit_status, result.output).toBe(0);
    expect(result.output.trimEnd()).toBe('CASSANDRA BACKUP OK - Incremental backup is enabled');
  });

  it("the flush check runs on the node's agent (command_endpoint), and the new SSTables are in backups/", async () => {
    await setBackupByJolokia(true);
    await writeRows(cql!, KEYSPACE, 'orders', 20, { body: (id) => `order ${id}` });
    const result = await checkNow('cass1!backup-flush');
    expect(result.check_source, 'executed by the agent endpoint').toBe('cass1');
    expect(result.exit_status, result.output).toBe(0);
    expect(result.output).toMatch(/^CASSANDRA BACKUP OK - Incremental backup is enabled\b/);
    expect(result.output).toContain('1 flushed');
    expect(result.command.join(' ')).toContain(`--flush ${KEYSPACE}`);
    expect(result.performance_data.length).toBeGreaterThan(2);

    // Independently of the plugin: the table's backups/ directory now holds the hard links.
    const backups = cassandra().dataDirs.flatMap((d) => {
      const ks = join(d, KEYSPACE);
      return safeList(ks)
        .filter((t) => t.startsWith('orders-'))
        .flatMap((t) => safeList(join(ks, t, 'backups')));
    });
    expect(backups.some((f) => f.endsWith('-Data.db'))).toBe(true);
  });

  it('the cluster audit of one data center runs on the endpoint that reaches it, and names each member', async () => {
    const result = await checkNow('cassandra-cluster!backup-dc1');
    expect(result.check_source, 'executed by the agent endpoint').toBe('cass1');
    expect(result.exit_status, result.output).toBe(0);
    expect(result.output).toMatch(/^CASSANDRA CLUSTER BACKUP OK - 2 members: 2 enabled \n/);
    expect(result.output).toContain('OK: 127.0.0.1: backup enabled in dc1/r1');
    expect(result.output).toContain('OK: 127.0.0.2: backup enabled in dc1/r2');
    const command = result.command.slice(1).join(' ');
    expect(command).toContain('--hostname 127.0.0.2');
    expect(command).toContain('--dc dc1');
    expect(command).toContain('-v');
    expect(command).not.toContain(cluster().credentials.password);
    expect(result.performance_data).toEqual(
      expect.arrayContaining(['members=2;;;0', 'enabled=2;;;0;2', 'disabled=0;0;;0;2', 'unreachable=0;0;;0;2']),
    );
  });

  it('touched none of the packaged paths (/etc, /var, /run of icinga2)', () => {
    const changed: string[] = [];
    const walk = (p: string): void => {
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(p);
      } catch {
        return;
      }
      if (st.mtimeMs >= startedAt) changed.push(p);
      if (st.isDirectory()) for (const name of safeList(p)) walk(join(p, name));
    };
    for (const root of [
      '/etc/icinga2',
      '/var/lib/icinga2',
      '/var/log/icinga2',
      '/var/cache/icinga2',
      '/var/spool/icinga2',
      '/run/icinga2',
    ])
      walk(root);
    expect(changed).toEqual([]);
  });
});

const t0 = Date.now();
function log(message: string): void {
  process.stderr.write(`[icinga2 test +${((Date.now() - t0) / 1000).toFixed(1)} s] ${message}\n`);
}
