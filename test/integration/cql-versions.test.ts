// The plugins over CQL on the other releases they support, each a real node with nothing installed
// on it (no agent; PasswordAuthenticator and CassandraAuthorizer): the status agrees with that
// release's own `nodetool statusbackup` both ways, the grant a role lacks is named and works, and
// what the release's virtual tables cannot tell is said. Which tables a release has is read from
// its own system_virtual_schema, the oracle for what the plugins may claim.

import type { Client } from 'cassandra-driver';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cqlAs,
  createRole,
  DEFAULT_SUPERUSER,
  OTHER_CASSANDRA_VERSIONS,
  startCassandra,
  type CassandraNode,
} from '../../scripts/cassandra/harness.mjs';
import { runPlugin } from '../support/run-plugin.js';
import { nodetoolOk, setBackupByNodetool, type Nodetool } from './node-helpers.js';

describe.each(OTHER_CASSANDRA_VERSIONS)('Cassandra %s over CQL', (version) => {
  let node: CassandraNode | undefined;
  let admin: Client | undefined;
  let views = new Set<string>();
  const passwordDir = mkdtempSync(join(tmpdir(), `cql-${version}-`));
  const passwordFile = join(passwordDir, 'monitor.pw');
  const nodetool: Nodetool = (...args) => (node as CassandraNode).nodetool(...args);

  function cql(plugin: string, args: readonly string[] = [], role = { name: 'monitor', password: 'pw-monitor' }) {
    writeFileSync(passwordFile, `${role.password}\n`, { mode: 0o600 });
    const n = node as CassandraNode;
    return runPlugin(plugin, [
      '--transport',
      'cql',
      '-H',
      n.address,
      '--cql-port',
      String(n.nativePort),
      '-u',
      role.name,
      '--password-file',
      passwordFile,
      ...args,
    ]);
  }

  beforeAll(async () => {
    node = await startCassandra({
      cassandraVersion: version,
      agents: {},
      auth: true,
      log: (m) => process.stderr.write(`[cassandra ${version} cql] ${m}\n`),
    });
    await createRole(node, { name: 'monitor', password: 'pw-monitor', grants: ['SELECT ON KEYSPACE system_views'] });
    await createRole(node, { name: 'nogrant', password: 'pw-nogrant' });
    admin = await cqlAs(node, DEFAULT_SUPERUSER.user, DEFAULT_SUPERUSER.password);
    const rows = await admin.execute(
      "SELECT table_name FROM system_virtual_schema.tables WHERE keyspace_name = 'system_views'",
    );
    views = new Set(rows.rows.map((r) => String(r['table_name'])));
  }, 600_000);

  afterAll(async () => {
    rmSync(passwordDir, { recursive: true, force: true });
    await admin?.shutdown();
    await node?.stop();
  });

  it("the status as this release's nodetool statusbackup says, both ways", async () => {
    for (const enabled of [true, false]) {
      await setBackupByNodetool(enabled, nodetool);
      const said = (await nodetoolOk(['statusbackup'], nodetool)).stdout.trim();
      const run = await cql('check_cassandra_backup', ['--format', 'nodetool']);
      expect([run.stdout, run.code]).toEqual([`${said}\n`, enabled ? 0 : 1]);
    }
    const json = JSON.parse((await cql('check_cassandra_backup', ['--format', 'json'])).stdout);
    expect(json.cassandra_version).toBe(version);
  });

  it('a role without the grant: the statement for this release, which then works', async () => {
    const refused = await cql('check_cassandra_backup', [], { name: 'nogrant', password: 'pw-nogrant' });
    expect(refused.code).toBe(3);
    expect(refused.statusLine).toMatch(/run GRANT SELECT ON KEYSPACE system_views TO nogrant$/);
    await (admin as Client).execute('GRANT SELECT ON KEYSPACE system_views TO nogrant');
    const allowed = await cql('check_cassandra_backup', ['--expect-backup', 'disabled'], {
      name: 'nogrant',
      password: 'pw-nogrant',
    });
    expect([allowed.code, allowed.statusLine]).toEqual([0, expect.stringMatching(/^CASSANDRA BACKUP OK /)]);
  });

  it('check_cassandra_node: gossip and the mode where this release has gossip_info, else said as untold', async () => {
    const run = await cql('check_cassandra_node', ['--expect-backup', 'disabled', '-v', '--format', 'json']);
    const json = JSON.parse(run.stdout);
    expect(json.binary_running).toBe(true);
    if (views.has('gossip_info')) {
      expect([json.gossip_running, json.operation_mode]).toEqual([true, 'NORMAL']);
    } else {
      expect([json.gossip_running, json.operation_mode, run.code]).toEqual([null, null, 0]);
      const text = await cql('check_cassandra_node', ['--expect-backup', 'disabled', '-v']);
      expect(text.stdout).toContain(`gossip and the mode are not told by Cassandra ${version}`);
      expect(text.stdout).toContain('Gossip: unknown');
    }
  });

  it('check_cassandra_snapshots: the table where the release has it, else UNKNOWN naming what to use instead', async () => {
    const run = await cql('check_cassandra_snapshots');
    if (views.has('snapshots')) {
      expect(run.code).toBe(0);
    } else {
      expect([run.code, run.statusLine]).toEqual([
        3,
        expect.stringMatching(/has no system_views\.snapshots \(Cassandra [\d.]+\): .*--transport jolokia.*--data-dir/),
      ]);
    }
  });

  it("check_cassandra_backup_backlog: the node's data directories from this release's settings table", async () => {
    const run = await cql('check_cassandra_backup_backlog', ['--format', 'json']);
    expect(run.code, run.stdout).toBe(0);
    const paths = JSON.parse(run.stdout).data_directories.map((d: { path: string }) => d.path);
    expect(paths).toEqual(node?.dataDirs);
  });

  it('--find-config: the file the node loaded where system_properties exists, else UNKNOWN naming --config', async () => {
    const run = await cql('check_cassandra_backup', ['--expect-backup', 'disabled', '--find-config', '-v']);
    if (views.has('system_properties')) {
      expect(run.stdout).toContain(
        `${node?.workDir}/conf/cassandra.yaml (found through the cassandra.config system property)`,
      );
    } else {
      expect([run.code, run.statusLine]).toEqual([3, expect.stringMatching(/system_properties.*--config/)]);
    }
  });
});
