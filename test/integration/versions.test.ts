// The core cases on the other Cassandra releases the plugins support, each a real node of its
// own from Maven Central's jars, with the real nodetool of the same release as the oracle: the
// status agrees with `nodetool statusbackup` both ways, and a flush is proven by its hard links.
// (The 5.0 node of the global setup has these and every other case.) Each node finds its
// cassandra.yaml on its class path, as packaged nodes do, and is started with the 4.1 system-property
// override of incremental_backups, which 4.1 honours and 4.0 ignores.

import type { Client } from 'cassandra-driver';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_CASSANDRA_VERSIONS, startCassandra, type CassandraNode } from '../../scripts/cassandra/harness.mjs';
import { runPlugin } from '../support/run-plugin.js';
import { liveDataFiles, nodetoolOk, openKeyspace, setBackupByNodetool, writeRows } from './node-helpers.js';

const PLUGIN = 'check_cassandra_backup';
const KS = 'versions';

describe.each(OTHER_CASSANDRA_VERSIONS)('Cassandra %s', (version) => {
  let node: CassandraNode | undefined;
  let cql: Client | undefined;
  const url = (): string => (node as CassandraNode).jolokiaUrl!;

  beforeAll(async () => {
    node = await startCassandra({
      cassandraVersion: version,
      agents: { main: {} },
      configFromClassPath: true,
      extraJvmArgs: [
        '-Dcassandra.config.allow_system_properties=true',
        '-Dcassandra.settings.incremental_backups=true',
      ],
      log: (m) => process.stderr.write(`[cassandra ${version}] ${m}\n`),
    });
    cql = await openKeyspace(KS, ['orders'], node.nativePort);
  }, 600_000);

  afterAll(async () => {
    await cql?.shutdown();
    await node?.stop();
  });

  it('is the release asked for', async () => {
    expect(node?.cassandraVersion).toBe(version);
    const json = await runPlugin(PLUGIN, ['--url', url(), '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ cassandra_version: version });
  });

  it('--find-config: the yaml found on the class path, and the override as this release treats it', async () => {
    const honoured = version !== '4.0.19';
    const yaml = join(node!.workDir, 'conf', 'cassandra.yaml');
    expect((await node!.nodetool('statusbackup')).stdout).toBe(honoured ? 'running\n' : 'not running\n');
    const started = await runPlugin(PLUGIN, ['--url', url(), '--find-config', '-v']);
    expect(started.stdout).toContain(
      `configuration: ${yaml} (found through the node's class path (cassandra.yaml)) has incremental_backups: false`,
    );
    if (honoured) {
      expect([started.code, started.statusLine]).toEqual([
        0,
        expect.stringMatching(
          /^CASSANDRA BACKUP OK - Incremental backup is enabled \|.* backup_after_restart=1;;;0;1$/,
        ),
      ]);
      expect(started.stdout).toContain(
        'the node was started with -Dcassandra.settings.incremental_backups=true, which overrides the file',
      );
      await setBackupByNodetool(false, node!.nodetool);
      const disabled = await runPlugin(PLUGIN, ['--url', url(), '--find-config']);
      expect(disabled.statusLine).toMatch(
        /^CASSANDRA BACKUP WARNING - Incremental backup is disabled \(expected enabled\); a restart would turn it back on \(someone ran nodetool disablebackup\) \|/,
      );
    } else {
      expect([started.code, started.statusLine]).toEqual([
        1,
        expect.stringMatching(
          /^CASSANDRA BACKUP WARNING - Incremental backup is disabled \(expected enabled\) \|.* backup_after_restart=0;;;0;1$/,
        ),
      ]);
      expect(started.stdout).not.toContain('overrides the file');
      await setBackupByNodetool(true, node!.nodetool);
      const enabled = await runPlugin(PLUGIN, ['--url', url(), '--find-config']);
      expect(enabled.statusLine).toMatch(
        /^CASSANDRA BACKUP WARNING - enabled until the next restart: cassandra.yaml has incremental_backups: false \|/,
      );
    }
  });

  it('agrees with nodetool statusbackup, switched by nodetool both ways', async () => {
    for (const enabled of [true, false]) {
      await setBackupByNodetool(enabled, node!.nodetool);
      const oracle = await node!.nodetool('statusbackup');
      expect(oracle.stdout).toBe(enabled ? 'running\n' : 'not running\n');
      const asNodetool = await runPlugin(PLUGIN, ['--url', url(), '--format', 'nodetool']);
      expect(asNodetool.stdout).toBe(oracle.stdout);
      const nagios = await runPlugin(PLUGIN, ['--url', url()]);
      expect([nagios.code, nagios.statusLine]).toEqual([
        enabled ? 0 : 1,
        expect.stringMatching(
          enabled
            ? /^CASSANDRA BACKUP OK - Incremental backup is enabled \| backup_enabled=1;/
            : /^CASSANDRA BACKUP WARNING - Incremental backup is disabled \(expected enabled\) \|/,
        ),
      ]);
    }
  });

  it('--flush: the new SSTables are hard-linked in backups/, as the test sees for itself', async () => {
    await setBackupByNodetool(true, node!.nodetool);
    await writeRows(cql!, KS, 'orders', 50, { body: (id) => `order ${id}` });
    const run = await runPlugin(PLUGIN, ['--url', url(), '--flush', `${KS}.orders`, '-t', '60', '--format', 'json']);
    expect(run.code, run.stdout).toBe(0);
    const body = JSON.parse(run.stdout) as {
      tables: { table: string; state: string; had_data: boolean; new_sstables: number }[];
    };
    expect(body.tables).toEqual([expect.objectContaining({ table: 'orders', state: 'OK', had_data: true })]);
    expect(body.tables[0]!.new_sstables).toBeGreaterThan(0);

    // Independently of the plugin: every live Data file of the table has its inode in backups/.
    const directories = node!.dataDirs.flatMap((d) =>
      readdirSync(join(d, KS))
        .filter((t) => t.startsWith('orders-'))
        .map((t) => join(d, KS, t)),
    );
    const live = liveDataFiles(directories);
    expect(live.length).toBeGreaterThan(0);
    for (const file of live) expect(file.linked, file.name).toBe(true);
  });

  it('check_cassandra_snapshots: the snapshot listsnapshots shows, with its creation time (4.0 reports none over JMX: read from the folders here)', async () => {
    await writeRows(cql!, KS, 'orders', 10, { from: 1000, body: () => 'for the snapshot' });
    await nodetoolOk(['snapshot', '-t', 'versions-snap', KS], node!.nodetool);
    expect((await node!.nodetool('listsnapshots')).stdout).toMatch(new RegExp(`^versions-snap +${KS} +orders `, 'm'));
    const run = await runPlugin('check_cassandra_snapshots', [
      '--url',
      url(),
      '--warning-age',
      '1h',
      '--format',
      'json',
      '-v',
    ]);
    expect(run.code, run.stdout).toBe(0);
    const answer = JSON.parse(run.stdout) as {
      snapshots: { snapshot: string; tables: string[]; age_seconds: number | null }[];
    };
    const snapshot = answer.snapshots.find((s) => s.snapshot === 'versions-snap');
    expect(snapshot?.tables).toEqual([`${KS}.orders`]);
    expect(snapshot?.age_seconds).toBeLessThan(600);
    const verbose = await runPlugin('check_cassandra_snapshots', ['--url', url(), '-v']);
    expect(verbose.stdout.includes('creation times from the snapshot folders')).toBe(version === '4.0.19');
  });
});
