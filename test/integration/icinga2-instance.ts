// Real Icinga 2 instances for the integration tests (Debian's icinga2 package), each in a folder of
// its own: every path moved under it, its own API port and certificate, run as the test's user.
// Used by the tests that run a master with agents, a Director-managed master and satellites.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { runProcess, waitFor } from '../support/process.js';
import { DEBIAN_LAYOUT } from './debian-package.js';
import { CURRENT_USER, startDaemon, type Daemon } from './monitoring-tools.js';

const CURRENT_GROUP = spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim();

/** Every Icinga 2 path that would otherwise default to /etc, /var or /run, moved under `base`; and run as us. */
export function icingaDefines(base: string): string[] {
  const dirs: Record<string, string> = {
    ConfigDir: 'etc',
    ZonesDir: 'etc/zones.d',
    DataDir: 'data',
    LogDir: 'log',
    CacheDir: 'cache',
    SpoolDir: 'spool',
    InitRunDir: 'run',
  };
  const result: string[] = [];
  for (const [name, sub] of Object.entries(dirs)) {
    mkdirSync(join(base, sub), { recursive: true });
    result.push(`-D${name}=${join(base, sub)}`);
  }
  // As root, Icinga 2 would drop to the packaged user (nagios), who may not read this checkout or the temp dir.
  result.push(`-DRunAsUser=${CURRENT_USER}`, `-DRunAsGroup=${CURRENT_GROUP}`);
  return result;
}

/**
 * The start of an icinga2.conf as Debian's constants.conf and icinga2.conf have it: the plugin
 * folders (PluginContribDir where the project's package puts its plugins) and the ITL includes,
 * `include <plugins-contrib>` among them, which picks up the package's CheckCommands.
 */
export function icingaHeader(nodeName: string): string {
  return [
    `const PluginDir = "/usr/lib/nagios/plugins"`,
    `const PluginContribDir = ${JSON.stringify(DEBIAN_LAYOUT.plugins)}`,
    `const NodeName = ${JSON.stringify(nodeName)}`,
    `const ZoneName = ${JSON.stringify(nodeName)}`,
    `include <itl>`,
    `include <plugins>`,
    `include <plugins-contrib>`,
    '',
  ].join('\n');
}

/** The objects every test instance has: a log file, no notifications, event handlers, flapping or perfdata. */
export const ICINGA_BASICS = `object FileLogger "main" { path = LogDir + "/icinga2.log"; severity = "information" }
object IcingaApplication "app" { enable_notifications = false; enable_event_handlers = false; enable_flapping = false; enable_perfdata = false }
`;

/** What the daemon said, without the noise: the warning and critical lines. */
export function icingaProblems(output: string): string {
  return output
    .split('\n')
    .filter((l) => !/\binformation\//.test(l) && !/\bnotice\//.test(l))
    .join('\n');
}

/**
 * A CA made with Icinga 2's own tooling (`icinga2 pki new-ca`) in `dir`/pki, and for each name a key and
 * a certificate with CN = that endpoint name, signed by it, where an instance based in `dir`/name
 * looks for them (data/certs/, with ca.crt beside). Resolves to the CA's certificate.
 */
export async function makeIcingaPki(icinga2: string, dir: string, names: readonly string[]): Promise<string> {
  const pki = join(dir, 'pki');
  const flags = icingaDefines(pki);
  const pkiRun = async (...args: string[]): Promise<void> => {
    const result = await runProcess(icinga2, ['pki', ...args, ...flags]);
    if (result.code !== 0) throw new Error(`icinga2 pki ${args[0]} failed:\n${result.stdout}${result.stderr}`);
  };
  const caFile = join(pki, 'data', 'ca', 'ca.crt');
  await pkiRun('new-ca');
  for (const name of names) {
    const certs = join(dir, name, 'data', 'certs');
    mkdirSync(certs, { recursive: true });
    await pkiRun('new-cert', '--cn', name, '--key', join(certs, `${name}.key`), '--csr', join(certs, `${name}.csr`));
    await pkiRun('sign-csr', '--csr', join(certs, `${name}.csr`), '--cert', join(certs, `${name}.crt`));
    copyFileSync(caFile, join(certs, 'ca.crt'));
  }
  return caFile;
}

/** A running instance: the daemon, its folder and the flags that moved its paths there. */
export interface Icinga2Instance extends Daemon {
  readonly base: string;
  readonly configFile: string;
  readonly flags: string[];
}

/**
 * Writes `base`/icinga2.conf, validates it with `icinga2 daemon -C` (throws with the warnings and
 * errors if that fails), then starts the daemon in the foreground of a process group of its own.
 */
export async function startIcinga2(
  icinga2: string,
  name: string,
  base: string,
  config: string,
): Promise<Icinga2Instance> {
  mkdirSync(base, { recursive: true });
  const configFile = join(base, 'icinga2.conf');
  writeFileSync(configFile, config);
  const flags = icingaDefines(base);
  const checked = await runProcess(icinga2, ['daemon', '-C', '-c', configFile, ...flags]);
  if (checked.code !== 0)
    throw new Error(`icinga2 daemon -C (${name}) failed:\n${icingaProblems(checked.stdout + checked.stderr)}`);
  const daemon = startDaemon(`icinga2-${name}`, icinga2, ['daemon', '-c', configFile, ...flags], { dir: base });
  return Object.assign(daemon, { base, configFile, flags });
}

/** A check result as Icinga 2's REST API gives it (the attributes the tests read). */
export interface CheckResult {
  command: string[];
  exit_status: number;
  state: number;
  output: string;
  performance_data: string[];
  check_source: string;
  execution_start: number;
  execution_end: number;
}

export interface IcingaApiOptions {
  port: number;
  /** the instances' CA: the API's certificate is verified against it */
  caFile: string;
  /** the endpoint name in the API's certificate */
  servername: string;
  user: string;
  password: string;
}

/** An Icinga 2 REST API client over TLS, verified against the test's CA. */
export class IcingaApi {
  constructor(private readonly options: IcingaApiOptions) {}

  /** One call: the HTTP status and the JSON body. */
  // biome-ignore lint/suspicious/noExplicitAny: the tests read whatever the REST API answers, field by field
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const { port, caFile, servername, user, password } = this.options;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          ca: readFileSync(caFile),
          servername,
          auth: `${user}:${password}`,
          headers: {
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
            } catch {
              reject(
                new Error(`Icinga 2 API ${method} ${path}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 300)}`),
              );
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`Icinga 2 API ${method} ${path}: timeout`)));
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** The last check result of a service (`host!service`), null before its first check. */
  async lastResult(service: string): Promise<CheckResult | null> {
    const res = await this.call('GET', `/v1/objects/services/${encodeURIComponent(service)}?attrs=last_check_result`);
    if (res.status !== 200) throw new Error(`GET service ${service}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    return res.json.results[0].attrs.last_check_result as CheckResult | null;
  }

  /** Asks Icinga 2 to run the check now, and waits for the result of that run (one newer than the request). */
  async checkNow(service: string, timeoutMs = 60_000): Promise<CheckResult> {
    const since = Date.now() / 1000;
    const res = await this.call('POST', '/v1/actions/reschedule-check', {
      type: 'Service',
      filter: `service.__name == ${JSON.stringify(service)}`,
      force: true,
    });
    if (res.status !== 200)
      throw new Error(`reschedule-check ${service}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    return waitFor(
      async () => {
        const result = await this.lastResult(service);
        return result !== null && result.execution_start >= since ? result : undefined;
      },
      `Icinga 2's result for ${service}`,
      { timeoutMs, intervalMs: 200 },
    );
  }

  /** Waits until the endpoint `name` is connected to this instance. */
  async connected(name: string, instances: readonly Daemon[], timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        const gone = instances.find((d) => d.exited());
        if (gone) throw new Error(`${gone.name} exited:\n${gone.log()}`);
        const res = await this.call('GET', `/v1/objects/endpoints/${encodeURIComponent(name)}?attrs=connected`);
        return res.status === 200 && res.json.results[0]?.attrs.connected === true;
      },
      `the endpoint ${name} to be connected`,
      { timeoutMs, intervalMs: 250 },
    );
  }
}
