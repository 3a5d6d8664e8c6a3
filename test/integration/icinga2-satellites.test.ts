// One Icinga 2 satellite per Cassandra data center, as operators build distributed monitoring: a
// real master (zone master) and two real satellites (zones dc1 and analytics, parent master), each
// an icinga2 daemon of its own with its own API port, folders and certificate from `icinga2 pki`.
// The master connects to dc1's satellite; analytics' satellite connects to the master (a data
// center behind a firewall calls out). The master's zones.d/<zone>/ holds each data center's Host
// and Service and syncs them top-down (accept_config); each satellite runs cassandra_cluster_backup
// from the installed Debian package with --dc <its data center>, the password in the command's env.
// Against a real 3-node, 2-DC cluster started here (a member is stopped at the end, which the
// suite's shared cluster must not suffer). Every check is forced through the master's API and
// read back from the master: both OK; backup disabled on one member (nodetool) turns only its data
// center's service WARNING; a stopped member likewise, named down by gossip.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/cassandra/cluster.mjs';
import { runNodetool, type CassandraNode } from '../../scripts/cassandra/harness.mjs';
import { MONITOR_PASSWORD, MONITOR_USER } from './cassandra-context.js';
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
import { freePorts, removeDir, requireProgram, sampleProcesses, tempDir } from './monitoring-tools.js';
import { setBackupByNodetool } from './node-helpers.js';
import { waitFor } from '../support/process.js';

/** The cluster of this file: two members in dc1, one in analytics (a name of its own: it never meets the suite's). */
const MEMBERS = [
  { address: '127.0.0.1', datacenter: 'dc1', rack: 'r1' },
  { address: '127.0.0.2', datacenter: 'dc1', rack: 'r2' },
  { address: '127.0.0.3', datacenter: 'analytics', rack: 'r1' },
];

/**
 * Each data center's satellite: its zone is named after the data center, its endpoint after the
 * machine; the contacts are a member of its own data center first, then one for when that is down.
 */
const SATELLITES = [
  { zone: 'dc1', endpoint: 'satellite-dc1', contacts: ['127.0.0.1', '127.0.0.2'], members: 2 },
  { zone: 'analytics', endpoint: 'satellite-analytics', contacts: ['127.0.0.3', '127.0.0.1'], members: 1 },
] as const;
type Satellite = (typeof SATELLITES)[number];
type Zone = Satellite['zone'];

const SERVICE_NAME = 'cassandra-cluster-backup';
const serviceOf = (zone: Zone): string => `cassandra-${zone}!${SERVICE_NAME}`;
const PLUGIN = join(DEBIAN_LAYOUT.plugins, 'check_cassandra_cluster_backup');
const API_USER = 'it';
const API_PASSWORD = 'it-api-pw';
const STATES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/** A satellite discards a next-check change from its parent in its first 60 s (Icinga 2's ClusterEvents), reloads included. */
const RESCHEDULE_QUIET_S = 60;

/** The master's zones.conf: it connects to dc1's satellite, analytics' satellite connects to it. */
function masterZones(satellitePorts: Record<Zone, number>): string {
  return `object Endpoint "master" {}
object Zone "master" { endpoints = [ "master" ] }

object Endpoint "satellite-dc1" { host = "127.0.0.1"; port = ${satellitePorts.dc1} }
object Zone "dc1" { endpoints = [ "satellite-dc1" ]; parent = "master" }

object Endpoint "satellite-analytics" {}
object Zone "analytics" { endpoints = [ "satellite-analytics" ]; parent = "master" }
`;
}

/** A satellite's zones.conf: its own zone and its parent's, and who connects to whom. */
function satelliteZones(satellite: Satellite, masterPort: number): string {
  const master = satellite.zone === 'analytics' ? ` host = "127.0.0.1"; port = ${masterPort} ` : '';
  return `object Endpoint "master" {${master}}
object Zone "master" { endpoints = [ "master" ] }

object Endpoint "${satellite.endpoint}" {}
object Zone "${satellite.zone}" { endpoints = [ "${satellite.endpoint}" ]; parent = "master" }
`;
}

/** zones.d/<zone>/cassandra.conf on the master: the data center as a Host, its audit as a Service. */
function zoneObjects(satellite: Satellite, jolokiaPort: number): string {
  const contacts = satellite.contacts.map((c) => `"${c}"`).join(', ');
  return `object Host "cassandra-${satellite.zone}" {
  check_command = "dummy"
  enable_active_checks = false
}

object Service "${SERVICE_NAME}" {
  host_name = "cassandra-${satellite.zone}"
  check_command = "cassandra_cluster_backup"
  check_interval = 1h
  max_check_attempts = 1
  vars.cassandra_cluster_backup_hostname = [ ${contacts} ]
  vars.cassandra_cluster_backup_port = ${jolokiaPort}
  vars.cassandra_cluster_backup_dc = [ "${satellite.zone}" ]
  vars.cassandra_cluster_backup_user = "${MONITOR_USER}"
  vars.cassandra_cluster_backup_password = "${MONITOR_PASSWORD}"
  vars.cassandra_cluster_backup_verbose = 1
}
`;
}

const t0 = Date.now();
function log(message: string): void {
  process.stderr.write(`[satellites +${((Date.now() - t0) / 1000).toFixed(1)} s] ${message}\n`);
}

describe('one Icinga 2 satellite per Cassandra data center', () => {
  let dir: string | undefined;
  let packageDir: string | undefined;
  let cluster: Cluster | undefined;
  const daemons: Icinga2Instance[] = [];
  let master: IcingaApi;
  const satelliteApis = new Map<Zone, IcingaApi>();
  let sampler: ReturnType<typeof sampleProcesses> | undefined;
  let sampled: ReturnType<ReturnType<typeof sampleProcesses>['stop']> | undefined;
  /** What the master said at each step, and how long the step took: printed at the end. */
  const figures: string[] = [];

  const member = (address: string): CassandraNode => {
    const node = cluster?.nodes.find((n) => n.address === address);
    if (node === undefined) throw new Error(`no member ${address}`);
    return node;
  };
  const nodetoolOf =
    (address: string) =>
    (...args: string[]) =>
      runNodetool(member(address).nodetoolSpec, ...args);

  function figure(line: string): void {
    figures.push(line);
    log(line);
  }
  const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

  /**
   * Forces both services' checks through the master and reads the results back from the master;
   * records the states, the time since the step began (its action included) and the checks' own.
   */
  async function checkBoth(step: string, stepStarted: number): Promise<Record<Zone, CheckResult>> {
    const started = Date.now();
    const [dc1, analytics] = await Promise.all(SATELLITES.map((s) => master.checkNow(serviceOf(s.zone), 30_000)));
    const results = { dc1: dc1 as CheckResult, analytics: analytics as CheckResult };
    const states = Object.entries(results).map(
      ([zone, r]) => `${zone} ${STATES[r.state] ?? r.state} (${r.check_source}: ${r.output.split('\n')[0]?.trim()})`,
    );
    figure(`${step}: ${states.join('; ')} — step ${seconds(stepStarted)}, forced checks ${seconds(started)}`);
    return results;
  }

  beforeAll(async () => {
    const icinga2 = requireProgram('icinga2');
    dir = tempDir('it-icinga2-satellites-');
    packageDir = tempDir('it-icinga2-satellites-deb-');
    const [masterPort, dc1Port, analyticsPort, jolokiaPort] = (await freePorts(4)) as [number, number, number, number];
    const satellitePorts: Record<Zone, number> = { dc1: dc1Port, analytics: analyticsPort };
    const base = dir;

    // The slow parts side by side: the cluster (its agents' port chosen here, so that Icinga 2 can
    // be configured while the nodes start), the package (dpkg), the certificates.
    const started = Date.now();
    const ring = startCluster({
      members: MEMBERS,
      agent: { user: MONITOR_USER, password: MONITOR_PASSWORD },
      jolokiaPort,
      clusterName: 'satellites',
      log: (message) => log(`cluster ${message}`),
    }).then((c) => {
      cluster = c;
      figure(`3-node cluster up after ${(c.startupMs / 1000).toFixed(1)} s, Jolokia port ${c.jolokiaPort}`);
      return c;
    });
    const installed = buildPackage(packageDir)
      .then(installPackage)
      .then((install) => {
        if (install.code !== 0) throw new Error(`dpkg -i failed:\n${install.stdout}${install.stderr}`);
      });
    const caFile = makeIcingaPki(icinga2, base, ['master', ...SATELLITES.map((s) => s.endpoint)]);
    const monitoring = Promise.all([caFile, installed]).then(async ([ca]) => {
      const api = (port: number, servername: string): IcingaApi =>
        new IcingaApi({ port, caFile: ca, servername, user: API_USER, password: API_PASSWORD });
      master = api(masterPort, 'master');
      for (const s of SATELLITES) satelliteApis.set(s.zone, api(satellitePorts[s.zone], s.endpoint));

      // In the order that spares each connection Icinga 2's reconnect timer (10 s): dc1's satellite
      // listens before the master connects to it, the master before analytics' satellite calls it.
      const [dc1, analytics] = SATELLITES;
      await startSatellite(icinga2, dc1, satellitePorts[dc1.zone], masterPort);
      await startMaster(icinga2, masterPort, satellitePorts, jolokiaPort);
      await startSatellite(icinga2, analytics, satellitePorts[analytics.zone], masterPort);
      figure(`icinga2 master and satellites started and listening at ${seconds(started)}`);

      // Each satellite receives its zone's config, validates it and reloads itself; then it ignores
      // a reschedule from the master for 60 s (while the cluster starts): wait for that, and for
      // the connections to be back.
      await Promise.all(SATELLITES.map((s) => readyForForcedChecks(s)));
      for (const s of SATELLITES) await master.connected(s.endpoint, daemons);
      figure(`satellites ready for forced checks at ${seconds(started)}`);
    });
    // All settle before anything is judged: afterAll must find the cluster if it started at all.
    const [ringDone, monitoringDone] = await Promise.allSettled([ring, monitoring]);
    for (const done of [ringDone, monitoringDone]) if (done.status === 'rejected') throw done.reason;
  }, 600_000);

  /** The master, its zones.d/<zone>/ holding what it syncs to each satellite. */
  async function startMaster(
    icinga2: string,
    port: number,
    satellitePorts: Record<Zone, number>,
    jolokiaPort: number,
  ): Promise<void> {
    const base = join(dir as string, 'master');
    writeConfig(join(base, 'etc', 'zones.conf'), masterZones(satellitePorts));
    for (const s of SATELLITES)
      writeConfig(join(base, 'etc', 'zones.d', s.zone, 'cassandra.conf'), zoneObjects(s, jolokiaPort));
    const config = `${icingaHeader('master')}${ICINGA_BASICS}object CheckerComponent "checker" {}
object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = ${port} }
object ApiUser "${API_USER}" { password = "${API_PASSWORD}"; permissions = [ "*" ] }
include "etc/zones.conf"
`;
    daemons.push(await startIcinga2(icinga2, 'master', base, config));
    await listening(master);
  }

  /** A satellite: nothing of Cassandra in its own config, all of that comes from the master. */
  async function startSatellite(icinga2: string, satellite: Satellite, port: number, masterPort: number) {
    const base = join(dir as string, satellite.endpoint);
    writeConfig(join(base, 'etc', 'zones.conf'), satelliteZones(satellite, masterPort));
    const config = `${icingaHeader(satellite.endpoint)}${ICINGA_BASICS}object CheckerComponent "checker" {}
object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = ${port}; accept_config = true; accept_commands = true }
// The test's look at the satellite itself: when it (re)started, and what config it runs.
object ApiUser "${API_USER}" { password = "${API_PASSWORD}"; permissions = [ "status/query", "objects/query/*" ] }
include "etc/zones.conf"
`;
    daemons.push(await startIcinga2(icinga2, satellite.endpoint, base, config));
    await listening(satelliteApis.get(satellite.zone) as IcingaApi);
  }

  /** Until the instance's API answers (its listener is up), or an instance has exited. */
  async function listening(api: IcingaApi): Promise<void> {
    await waitFor(
      async () => {
        const gone = daemons.find((d) => d.exited());
        if (gone) throw new Error(`${gone.name} exited:\n${gone.log()}`);
        return (await api.call('GET', '/v1/status/IcingaApplication')).status === 200;
      },
      'an Icinga 2 API to answer',
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  function writeConfig(file: string, text: string): void {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }

  /** Until the satellite runs the synced config, and its quiet time after that reload has passed. */
  async function readyForForcedChecks(satellite: Satellite): Promise<void> {
    const api = satelliteApis.get(satellite.zone) as IcingaApi;
    await waitFor(
      async () => {
        const gone = daemons.find((d) => d.exited());
        if (gone) throw new Error(`${gone.name} exited:\n${gone.log()}`);
        return (
          (await api.call('GET', `/v1/objects/services/${encodeURIComponent(serviceOf(satellite.zone))}`)).status ===
          200
        );
      },
      `${satellite.endpoint} to run the config synced from the master`,
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    const status = await api.call('GET', '/v1/status/IcingaApplication');
    const programStart = status.json.results[0].status.icingaapplication.app.program_start as number;
    figure(`${satellite.endpoint} runs the synced config, reloaded ${seconds(programStart * 1000)} ago`);
    const quietUntil = (programStart + RESCHEDULE_QUIET_S + 1) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, quietUntil - Date.now())));
  }

  afterAll(async () => {
    sampler?.stop();
    const stopped = await Promise.allSettled([...daemons.map((d) => d.stop()), cluster?.stop(), removePackage()]);
    removeDir(dir);
    removeDir(packageDir);
    process.stderr.write(`[satellites] figures, states read back from the master:\n  ${figures.join('\n  ')}\n`);
    const failed = stopped.find((s) => s.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }, 120_000);

  it('each satellite runs only its own zone, synced from the master', async () => {
    for (const s of SATELLITES) {
      const onMaster = await master.call(
        'GET',
        `/v1/objects/services/${encodeURIComponent(serviceOf(s.zone))}?attrs=zone`,
      );
      expect(onMaster.status).toBe(200);
      expect(onMaster.json.results[0].attrs.zone).toBe(s.zone);
      const api = satelliteApis.get(s.zone) as IcingaApi;
      const own = await api.call('GET', `/v1/objects/services?attrs=zone`);
      expect(own.json.results.map((r: { name: string }) => r.name)).toEqual([serviceOf(s.zone)]);
    }
  });

  it('both OK, each run by its own satellite with --dc, the two contacts and no password on the command line', async () => {
    sampler = sampleProcesses(/check_cassandra_cluster_backup/, MONITOR_PASSWORD, /check_cassandra|icinga2/);
    const results = await checkBoth('all members up, backup on everywhere', Date.now());
    for (const s of SATELLITES) {
      const result = results[s.zone];
      expect(result.check_source, 'run by the satellite of that data center').toBe(s.endpoint);
      expect(result.state, result.output).toBe(0);
      expect(result.output).toMatch(
        new RegExp(`^CASSANDRA CLUSTER BACKUP OK - ${s.members} members?: ${s.members} enabled \\n`),
      );
      const own = MEMBERS.filter((m) => m.datacenter === s.zone);
      for (const m of own)
        expect(result.output).toContain(`OK: ${m.address}: backup enabled in ${m.datacenter}/${m.rack}`);
      for (const m of MEMBERS.filter((x) => x.datacenter !== s.zone))
        expect(result.output).not.toContain(`${m.address}:`);
      expect(result.output).toContain(`ring from http://${s.contacts[0]}:${cluster?.jolokiaPort}/jolokia`);

      expect(result.command[0]).toBe(PLUGIN);
      const args = result.command.slice(1).join(' ');
      expect(args).toContain(`--dc ${s.zone}`);
      expect(args).toContain(`--hostname ${s.contacts[0]} --hostname ${s.contacts[1]}`);
      expect(args).toContain(`--user ${MONITOR_USER}`);
      expect(result.command.join(' ')).not.toContain(MONITOR_PASSWORD);
      expect(result.performance_data).toEqual(
        expect.arrayContaining([`members=${s.members};;;0`, `unreachable=0;0;;0;${s.members}`]),
      );
    }
  });

  it('nodetool disablebackup on the analytics member: only analytics turns WARNING; enablebackup: OK again', async () => {
    const analyticsMember = nodetoolOf('127.0.0.3');
    const disabling = Date.now();
    await setBackupByNodetool(false, analyticsMember);
    expect((await analyticsMember('statusbackup')).stdout.trim()).toBe('not running');
    const off = await checkBoth('nodetool disablebackup on 127.0.0.3 (analytics)', disabling);
    expect(off.analytics.state, off.analytics.output).toBe(1);
    expect(off.analytics.check_source).toBe('satellite-analytics');
    expect(off.analytics.output).toMatch(
      /^CASSANDRA CLUSTER BACKUP WARNING - 127\.0\.0\.3: backup disabled in analytics\/r1\b/,
    );
    expect(off.analytics.performance_data).toContain('disabled=1;0;;0;1');
    expect(off.dc1.state, off.dc1.output).toBe(0);
    expect(off.dc1.output).toMatch(/^CASSANDRA CLUSTER BACKUP OK - 2 members: 2 enabled \n/);

    const enabling = Date.now();
    await setBackupByNodetool(true, analyticsMember);
    const on = await checkBoth('nodetool enablebackup on 127.0.0.3 (analytics)', enabling);
    expect(on.analytics.state, on.analytics.output).toBe(0);
    expect(on.dc1.state, on.dc1.output).toBe(0);
  });

  it('the password reached the plugins only through their environment', () => {
    sampled = sampler?.stop();
    sampler = undefined;
    expect(sampled?.samples).toBeGreaterThan(10);
    expect(sampled?.secretInArgv).toEqual([]);
    // The plugins the satellites started: six runs, at least one seen.
    const plugins = (sampled?.matches ?? []).filter((p) => p.cmdline.includes(PLUGIN) && p.parentName === 'icinga2');
    expect(plugins.length, `plugin processes seen in ${sampled?.samples} samples`).toBeGreaterThan(0);
    for (const p of plugins) expect(p.cmdline).not.toContain(MONITOR_PASSWORD);
    expect(plugins.some((p) => p.environ?.includes(`JOLOKIA_PASSWORD=${MONITOR_PASSWORD}`))).toBe(true);
  });

  it("a dc1 member stopped (SIGTERM): only dc1's service says so, gossip says down; its second contact reports the ring", async () => {
    const stopped = member('127.0.0.1');
    const started = Date.now();
    await stopped.stop();
    expect(() => process.kill(stopped.pid, 0), 'the JVM has exited').toThrow();
    figure(`127.0.0.1 stopped (SIGTERM, the JVM exited) in ${seconds(started)}`);

    // A node that shuts down tells gossip so; the check may run before the others have heard it.
    let results = await checkBoth('127.0.0.1 (dc1) stopped, check 1', started);
    let checks = 1;
    while (!/gossip says down/.test(results.dc1.output) && Date.now() - started < 60_000) {
      results = await checkBoth(`127.0.0.1 (dc1) stopped, check ${++checks}`, started);
    }
    const { dc1, analytics } = results;
    log(`dc1's output in full:\n${dc1.output}`);
    expect(dc1.check_source).toBe('satellite-dc1');
    expect(dc1.state, dc1.output).toBe(1);
    expect(dc1.output).toMatch(
      /^CASSANDRA CLUSTER BACKUP WARNING - 127\.0\.0\.1: unreachable in dc1\/r1 \(gossip says down\): Cannot connect to Cassandra's Jolokia agent at http:\/\/127\.0\.0\.1:\d+\/jolokia: connection refused/,
    );
    expect(dc1.output).toContain(`ring from http://127.0.0.2:${cluster?.jolokiaPort}/jolokia`);
    expect(dc1.output).toContain('OK: 127.0.0.2: backup enabled in dc1/r2');
    expect(dc1.performance_data).toContain('unreachable=1;0;;0;2');
    expect(analytics.check_source).toBe('satellite-analytics');
    expect(analytics.state, analytics.output).toBe(0);
    expect(analytics.output).toMatch(/^CASSANDRA CLUSTER BACKUP OK - 1 member: 1 enabled \n/);
  });
});
