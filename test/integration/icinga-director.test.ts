// The generated basket (icinga-director-basket.json) in the real Icinga Director 1.10 (Debian's
// icingaweb2-module-director, run through icingacli), as an operator uses it: the project's Debian
// package installed (its CheckCommands in plugins-contrib.d, the basket in its examples), a
// PostgreSQL of the test's own (initdb in a temp dir, no TCP port: a socket in that dir), Director's
// schema by its migrations, a real Icinga 2 master started by the test, then:
// 1. the basket restored before Director's kickstart: every command (external, every argument),
//    template, field, list and the category imported;
// 2. the kickstart, which imports the package's CheckCommands from the master, finds them as the
//    basket has them: it changes nothing, nor do two restores after it; Director exports what it
//    holds in the very shape of the basket (`basket dump`);
// 3. a host and a service on the cassandra_backup template, deployed by Director to the master,
//    which runs the check against the suite's node (its Jolokia agent with a login): the result
//    read back over the REST API against nodetool statusbackup and the plugin run directly, the
//    password in the plugin's environment only.
// Nothing is written under /etc or /var: ICINGAWEB_CONFIGDIR points icingacli to the temp dir.

import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runProcess, waitFor } from '../support/process.js';
import { cassandra, nodetool } from './cassandra-context.js';
import { buildPackage, DEBIAN_LAYOUT, installPackage, removePackage } from './debian-package.js';
import {
  ICINGA_BASICS,
  IcingaApi,
  icingaHeader,
  makeIcingaPki,
  startIcinga2,
  type CheckResult,
  type Icinga2Instance,
} from './icinga2-instance.js';
import {
  type Daemon,
  freePorts,
  IS_ROOT,
  removeDir,
  requireProgram,
  sampleProcesses,
  startDaemon,
  tempDir,
  userIds,
} from './monitoring-tools.js';
import { setBackupByJolokia } from './node-helpers.js';

const ICINGACLI = '/usr/bin/icingacli';
const DIRECTOR_MODULES = ['director', 'incubator', 'reactbundle'];
const MODULE_PATH = '/usr/share/icingaweb2/modules';
const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_PORT = 5432; // only names the socket file: the server listens on no TCP port
const API_USER = 'director';
const API_PASSWORD = 'director-api-pw';
const BASKET = `${DEBIAN_LAYOUT.documentation}/examples/icinga-director-basket.json`;
const PLUGIN = join(DEBIAN_LAYOUT.plugins, 'check_cassandra_backup');

interface Basket {
  ExternalCommand: Record<string, { arguments: Record<string, unknown> }>;
  DataList: Record<string, unknown>;
  DatafieldCategory: Record<string, unknown>;
  Datafield: Record<string, { varname: string; originalId?: string }>;
  ServiceTemplate: Record<string, { fields: { datafield_id: number }[] }>;
}

const t0 = Date.now();
const timings: Record<string, number> = {};
/** Runs one step, and keeps how long it took for the report at the end. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await run();
  timings[name] = (Date.now() - started) / 1000;
  process.stderr.write(`[director test +${((Date.now() - t0) / 1000).toFixed(1)} s] ${name}: ${timings[name]} s\n`);
  return result;
}

let dir: string;
let postgres: Daemon | undefined;
let master: Icinga2Instance | undefined;
let icinga: IcingaApi;
let packageInstalled = false;
const socketDir = (): string => join(dir, 'postgres-socket');

/** Runs icingacli with the test's Icinga Web 2 configuration; throws with its output when it fails. */
async function icingacli(args: string[], input?: string): Promise<string> {
  const env = { ...process.env, ICINGAWEB_CONFIGDIR: join(dir, 'icingaweb2') };
  const run = await runProcess(ICINGACLI, args, {
    env,
    killAfterMs: 120_000,
    ...(input === undefined ? {} : { input }),
  });
  if (run.code !== 0) throw new Error(`icingacli ${args.join(' ')}: exit ${run.code}\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

/** One value from Director's database, as psql prints it unaligned. */
async function sql(query: string, database = 'director'): Promise<string> {
  const run = await runProcess(
    join(PG_BIN, 'psql'),
    [
      '-X',
      '-h',
      socketDir(),
      '-p',
      String(PG_PORT),
      '-U',
      'postgres',
      '-d',
      database,
      '-v',
      'ON_ERROR_STOP=1',
      '-Atc',
      query,
    ],
    { killAfterMs: 30_000 },
  );
  if (run.code !== 0) throw new Error(`psql ${query}: ${run.stderr}`);
  return run.stdout.trim();
}

/** PostgreSQL refuses to run as root: as root the test runs it as the packaged postgres user. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return IS_ROOT
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]]
    : [command, args];
}

async function startPostgres(): Promise<Daemon> {
  const data = join(dir, 'postgres');
  mkdirSync(socketDir());
  const owner = IS_ROOT ? userIds('postgres') : undefined;
  if (IS_ROOT && owner === undefined)
    throw new Error('no postgres user: install PostgreSQL with scripts/install-monitoring.sh');
  if (owner !== undefined) await runProcess('chown', [`${owner.uid}:${owner.gid}`, socketDir()]);
  mkdirSync(data, { mode: 0o700 });
  if (owner !== undefined) await runProcess('chown', [`${owner.uid}:${owner.gid}`, data]);
  const [initdb, initArgs] = asPostgres(join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  const init = await runProcess(initdb, initArgs, { killAfterMs: 60_000 });
  if (init.code !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
  const settings = ['listen_addresses=', `unix_socket_directories=${socketDir()}`, `port=${PG_PORT}`, 'fsync=off'];
  const [command, args] = asPostgres(join(PG_BIN, 'postgres'), ['-D', data, ...settings.flatMap((s) => ['-c', s])]);
  const daemon = startDaemon('postgres', command, args, { dir });
  try {
    await waitForSql(daemon);
    await sql(`CREATE ROLE director LOGIN PASSWORD 'director-db-pw'`, 'postgres');
    await sql(`CREATE DATABASE director OWNER director ENCODING 'UTF8' TEMPLATE template0`, 'postgres');
    // As Director's installation guide says: some of its PostgreSQL migrations need pgcrypto.
    await sql('CREATE EXTENSION pgcrypto');
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}

async function waitForSql(daemon: Daemon): Promise<void> {
  for (const deadline = Date.now() + 30_000; ; ) {
    if (daemon.exited()) throw new Error(`postgres exited:\n${daemon.log()}`);
    if ((await sql('SELECT 1', 'postgres').catch(() => '')) === '1') return;
    if (Date.now() > deadline) throw new Error(`postgres did not answer:\n${daemon.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Icinga Web 2's configuration for icingacli: the Director module, its database and its kickstart. */
function writeIcingaWebConfig(apiPort: number): void {
  const config = join(dir, 'icingaweb2');
  mkdirSync(join(config, 'enabledModules'), { recursive: true });
  mkdirSync(join(config, 'modules', 'director'), { recursive: true });
  for (const module of DIRECTOR_MODULES) symlinkSync(join(MODULE_PATH, module), join(config, 'enabledModules', module));
  writeFileSync(join(config, 'config.ini'), '[logging]\nlog = "none"\n');
  writeFileSync(
    join(config, 'resources.ini'),
    `[director_db]\ntype = "db"\ndb = "pgsql"\nhost = "${socketDir()}"\nport = "${PG_PORT}"\ndbname = "director"\nusername = "director"\npassword = "director-db-pw"\ncharset = "utf8"\n`,
  );
  writeFileSync(join(config, 'modules', 'director', 'config.ini'), '[db]\nresource = "director_db"\n');
  writeFileSync(
    join(config, 'modules', 'director', 'kickstart.ini'),
    `[config]\nendpoint = "master"\nhost = "127.0.0.1"\nport = "${apiPort}"\nusername = "${API_USER}"\npassword = "${API_PASSWORD}"\n`,
  );
}

/** The master Director deploys to: its endpoint reachable where the kickstart finds it, and Director's global zone. */
function masterConfig(apiPort: number): string {
  return `${icingaHeader('master')}
${ICINGA_BASICS}object CheckerComponent "checker" {}
object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = ${apiPort}; accept_config = false; accept_commands = false }
object ApiUser "${API_USER}" { password = "${API_PASSWORD}"; permissions = [ "*" ] }
object Endpoint "master" { host = "127.0.0.1"; port = ${apiPort} }
object Zone "master" { endpoints = [ "master" ] }
object Zone "director-global" { global = true }
`;
}

/**
 * What the basket's restore and the kickstart touch of the basket's objects, counted and summed in
 * Director's database: whole rows, ids and uuids included, so an object written anew shows too.
 */
async function directorState(commandNames: readonly string[]): Promise<Record<string, string>> {
  const names = commandNames.map((name) => `'${name}'`).join(', ');
  const commandIds = `SELECT id FROM icinga_command WHERE object_name IN (${names})`;
  const digest = (table: string, order: string, where = 'true'): string =>
    `SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY ${order})), '-') FROM ${table} t WHERE ${where}`;
  const queries: Record<string, string> = {
    datalists: 'SELECT count(*) FROM director_datalist',
    entries: digest('director_datalist_entry', 'list_id, entry_name'),
    categories: 'SELECT count(*) FROM director_datafield_category',
    datafields: digest('director_datafield', 'id'),
    externalCommands: digest('icinga_command', 'id', `object_type = 'external_object' AND id IN (${commandIds})`),
    commandArguments: digest('icinga_command_argument', 'id', `command_id IN (${commandIds})`),
    commandVars: digest('icinga_command_var', 'command_id, varname', `command_id IN (${commandIds})`),
    commandFields: 'SELECT count(*) FROM icinga_command_field',
    templates: digest('icinga_service', 'id', "object_type = 'template'"),
    templateFields: digest('icinga_service_field', 'service_id, datafield_id'),
    // The commands' and the templates' entries: they have the same names.
    activityLog: `SELECT count(*) FROM director_activity_log WHERE object_name IN (${names})`,
  };
  const state: Record<string, string> = {};
  for (const [name, query] of Object.entries(queries)) state[name] = await sql(query);
  return state;
}

beforeAll(async () => {
  const icinga2 = requireProgram('icinga2');
  dir = tempDir('it-director-');
  const [apiPort] = (await freePorts(1)) as [number];
  await step('install the .deb', async () => {
    const install = await installPackage(await buildPackage(dir));
    if (install.code !== 0) throw new Error(`dpkg -i failed:\n${install.stdout}${install.stderr}`);
    packageInstalled = true;
  });
  await Promise.all([
    step('PostgreSQL: initdb, start, database', async () => {
      postgres = await startPostgres();
    }),
    step('Icinga 2 master: certificates, start', async () => {
      const caFile = await makeIcingaPki(icinga2, dir, ['master']);
      icinga = new IcingaApi({ port: apiPort, caFile, servername: 'master', user: API_USER, password: API_PASSWORD });
      master = await startIcinga2(icinga2, 'master', join(dir, 'master'), masterConfig(apiPort));
      const running = master;
      await waitFor(
        async () => {
          if (running.exited()) throw new Error(`the master exited:\n${running.log()}`);
          return (await icinga.call('GET', '/v1/status/IcingaApplication')).status === 200;
        },
        "the master's API",
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    }),
  ]);
  writeIcingaWebConfig(apiPort);
  await step('director migration run', () => icingacli(['director', 'migration', 'run']));
}, 300_000);

afterAll(async () => {
  await master?.stop();
  await postgres?.stop(10_000);
  if (packageInstalled) await removePackage();
  await setBackupByJolokia(false);
  removeDir(dir);
  process.stderr.write(`[director test] timings (s): ${JSON.stringify(timings)}\n`);
});

describe('the basket in the real Icinga Director', () => {
  const basket = (): Basket => JSON.parse(readFileSync(BASKET, 'utf8')) as Basket;

  it('is the one the checkout generates, shipped in the package', () => {
    expect(readFileSync(BASKET, 'utf8')).toBe(readFileSync(join(ROOT, 'icinga-director-basket.json'), 'utf8'));
  });

  it('restored before the kickstart: every command external with every argument, every template, field, list', async () => {
    const json = readFileSync(BASKET, 'utf8');
    const expected = basket();
    const names = Object.keys(expected.ExternalCommand);
    const before = await directorState(names);
    await step('basket restore', () => icingacli(['director', 'basket', 'restore'], json));
    const after = await directorState(names);
    const imported = (name: string): number =>
      Number.parseInt(after[name] ?? '', 10) - Number.parseInt(before[name] ?? '', 10);
    const figures = {
      externalCommands: imported('externalCommands'),
      commandArguments: imported('commandArguments'),
      templates: imported('templates'),
      datafields: imported('datafields'),
      datalists: imported('datalists'),
      categories: imported('categories'),
      templateFields: imported('templateFields'),
      commandFields: imported('commandFields'),
    };
    process.stderr.write(`[director test] imported: ${JSON.stringify(figures)}\n`);
    const count = (o: object): number => Object.keys(o).length;
    expect(figures).toEqual({
      externalCommands: names.length,
      commandArguments: Object.values(expected.ExternalCommand).reduce((n, c) => n + count(c.arguments), 0),
      templates: count(expected.ServiceTemplate),
      datafields: count(expected.Datafield),
      datalists: count(expected.DataList),
      categories: count(expected.DatafieldCategory),
      templateFields: Object.values(expected.ServiceTemplate).reduce((n, t) => n + t.fields.length, 0),
      // The fields are the templates': an external command has none, as the kickstart makes it.
      commandFields: 0,
    });
    for (const name of names) {
      const command = JSON.parse(await icingacli(['director', 'command', 'show', name, '--json'])) as {
        object_type: string;
        arguments: Record<string, unknown>;
      };
      expect(command.object_type, name).toBe('external_object');
      expect(Object.keys(command.arguments).sort(), name).toEqual(
        Object.keys(expected.ExternalCommand[name]?.arguments ?? {}).sort(),
      );
      expect(Object.keys(command.arguments), name).toContain('--user');
      expect(Object.keys(command.arguments), name).not.toContain('--password');
    }
  });

  it("the kickstart finds the package's CheckCommands as restored: it and two restores after it change nothing", async () => {
    const json = readFileSync(BASKET, 'utf8');
    const names = Object.keys(basket().ExternalCommand);
    const restored = await directorState(names);
    const external = "SELECT count(*) FROM icinga_command WHERE object_type = 'external_object'";
    const externalBefore = Number(await sql(external));
    await step('director kickstart run', () => icingacli(['director', 'kickstart', 'run']));
    // It ran: the ITL's commands are Director's now too.
    expect(Number(await sql(external))).toBeGreaterThan(externalBefore + 50);
    expect(await directorState(names)).toEqual(restored);
    await step('basket restore after the kickstart', () => icingacli(['director', 'basket', 'restore'], json));
    expect(await directorState(names)).toEqual(restored);
    await step('basket restore again', () => icingacli(['director', 'basket', 'restore'], json));
    expect(await directorState(names)).toEqual(restored);
  });

  it('Director exports what it imported in the very shape of the basket', async () => {
    const ours = basket();
    const selection = {
      DataList: Object.keys(ours.DataList),
      ExternalCommand: Object.keys(ours.ExternalCommand),
      ServiceTemplate: Object.keys(ours.ServiceTemplate),
    };
    const definition = { basket_name: 'cassandra-test', objects: selection, owner_type: 'user', owner_value: 'test' };
    await icingacli(['director', 'basket', 'restore'], JSON.stringify({ Basket: { 'cassandra-test': definition } }));
    const dump = JSON.parse(await icingacli(['director', 'basket', 'dump', '--name', 'cassandra-test'])) as Basket;
    expect(normalized(dump)).toEqual(normalized(ours));
  });
});

/** A basket with Director's database ids replaced by the variables they stand for. */
function normalized(basket: Basket): unknown {
  const varname = (id: number | string): string | undefined => basket.Datafield[String(id)]?.varname;
  const fields = Object.values(basket.Datafield).map(({ originalId: _, ...field }) => field);
  const categories = Object.values(basket.DatafieldCategory).map((c) => ({ ...(c as object), originalId: undefined }));
  return {
    ExternalCommand: basket.ExternalCommand,
    DataList: basket.DataList,
    DatafieldCategory: categories,
    Datafield: fields.sort((a, b) => (a.varname < b.varname ? -1 : 1)),
    ServiceTemplate: Object.fromEntries(
      Object.entries(basket.ServiceTemplate).map(([name, t]) => [
        name,
        { ...t, fields: t.fields.map((f) => ({ ...f, datafield_id: varname(f.datafield_id) })) },
      ]),
    ),
  };
}

describe('a service on the template, deployed by Director, checks the real node', () => {
  const SERVICE = 'cass1!backup';

  beforeAll(async () => {
    const node = cassandra();
    await icingacli(['director', 'basket', 'restore'], readFileSync(BASKET, 'utf8'));
    await step('host and service create', async () => {
      const host = { address: '127.0.0.1', check_command: 'dummy', enable_active_checks: false };
      await icingacli(['director', 'host', 'create', 'cass1', '--json', JSON.stringify(host)]);
      // What an operator fills in the template's fields: the auth agent's port, the login, the
      // transport from its drop-down list.
      const service = {
        host: 'cass1',
        imports: ['cassandra_backup'],
        check_interval: 3600,
        max_check_attempts: 1,
        vars: {
          cassandra_backup_port: node.agents.auth.port,
          cassandra_backup_transport: 'jolokia',
          cassandra_backup_user: node.credentials.user,
          cassandra_backup_password: node.credentials.password,
        },
      };
      await icingacli(['director', 'service', 'create', 'backup', '--json', JSON.stringify(service)]);
    });
    const deployed = await step('config deploy', () => icingacli(['director', 'config', 'deploy']));
    const checksum = /^Config '([0-9a-f]{40})' has been deployed$/m.exec(deployed)?.[1];
    expect(checksum, deployed).toBeDefined();
    // Icinga 2 validates Director's stage, restarts with it, and Director sees it active.
    await step('the stage active in Icinga 2', () =>
      waitFor(
        async () => {
          const status = JSON.parse(await icingacli(['director', 'config', 'deploymentstatus'])) as {
            active_configuration?: { config?: string };
          };
          return status.active_configuration?.config === checksum;
        },
        `Director's configuration ${checksum} active in Icinga 2`,
        { timeoutMs: 60_000, intervalMs: 500 },
      ),
    );
    await step('the service in Icinga 2', () =>
      waitFor(
        async () => (await icinga.call('GET', `/v1/objects/services/${encodeURIComponent(SERVICE)}`)).status === 200,
        `${SERVICE} in the master's API`,
        { timeoutMs: 60_000, intervalMs: 250 },
      ),
    );
  }, 240_000);

  /** The command line Icinga 2 ran, run again by the test: what the plugin prints (text before '|', perfdata after). */
  async function direct(command: string[], password: string) {
    expect(command[0]).toBe(PLUGIN);
    const run = await runProcess(command[0] as string, command.slice(1), {
      env: { PATH: '/usr/bin:/bin', JOLOKIA_PASSWORD: password },
      killAfterMs: 30_000,
    });
    const line = run.stdout.replace(/\n$/, '');
    const bar = line.indexOf('|');
    return {
      code: run.code,
      text: bar < 0 ? line : line.slice(0, bar),
      perfdata:
        bar < 0
          ? []
          : line
              .slice(bar + 1)
              .trim()
              .split(/\s+/),
    };
  }
  const timeless = (perfdata: string[]) => perfdata.map((p) => p.replace(/^time=\d+(\.\d+)?s/, 'time=Xs'));

  it('the state nodetool statusbackup gives and the plugin prints; the password only in the environment', async () => {
    const { password, user } = cassandra().credentials;
    const sampler = sampleProcesses(/check_cassandra_backup/, password, /check_cassandra_backup|icinga2/);
    let sampled: ReturnType<ReturnType<typeof sampleProcesses>['stop']>;
    const rounds: { oracle: string; result: CheckResult; same: Awaited<ReturnType<typeof direct>> }[] = [];
    try {
      // Both ways round, and a few times: the plugin lives a few hundred milliseconds, the sampler must see it.
      for (const enabled of [true, false, true, false]) {
        await setBackupByJolokia(enabled);
        const oracle = (await nodetool('statusbackup')).stdout.trim();
        const result = await step(`checkNow ${rounds.length + 1} (backup ${oracle})`, () => icinga.checkNow(SERVICE));
        rounds.push({ oracle, result, same: await direct(result.command, password) });
      }
    } finally {
      sampled = sampler.stop();
    }

    for (const { oracle, result, same } of rounds) {
      process.stderr.write(`[director test] nodetool: ${oracle}; Icinga 2: state ${result.state}, ${result.output}\n`);
      const running = oracle === 'running';
      expect(oracle).toMatch(/^(running|not running)$/);
      expect(result.check_source).toBe('master');
      expect(result.state).toBe(running ? 0 : 1);
      expect(result.output.trimEnd()).toBe(
        running
          ? 'CASSANDRA BACKUP OK - Incremental backup is enabled'
          : 'CASSANDRA BACKUP WARNING - Incremental backup is disabled (expected enabled)',
      );
      expect(same.code).toBe(result.exit_status);
      expect(result.output).toBe(same.text);
      expect(timeless(result.performance_data)).toEqual(timeless(same.perfdata));
      // The fields' values on the command line, the password not.
      const args = result.command.slice(1).join(' ');
      expect(args).toContain(`--port ${cassandra().agents.auth.port}`);
      expect(args).toContain(`--user ${user}`);
      expect(args).toContain('--transport jolokia');
      expect(result.command.join(' ')).not.toContain(password);
      expect(result.command).not.toContain('--password');
    }

    expect(sampled.samples).toBeGreaterThan(10);
    expect(sampled.secretInArgv).toEqual([]);
    const plugins = sampled.matches.filter((p) => p.cmdline.includes(PLUGIN) && p.parentName === 'icinga2');
    expect(plugins.length, `plugin processes seen in ${sampled.samples} samples`).toBeGreaterThan(0);
    for (const p of plugins) expect(p.cmdline).not.toContain(password);
    expect(plugins.some((p) => p.environ?.includes(`JOLOKIA_PASSWORD=${password}`))).toBe(true);
  });
});
