// The plugins over CQL (--transport cql) against a real Cassandra 5.0 node with nothing installed
// on it: no Jolokia agent, PasswordAuthenticator and CassandraAuthorizer, TLS required on the
// native port. A monitoring role with the least grant, and one without; the node's own nodetool
// is the oracle. Every failure an operator meets is one clean line within -t.

import type { Client } from 'cassandra-driver';
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cqlAs,
  createRole,
  DEFAULT_CASSANDRA_VERSION,
  DEFAULT_SUPERUSER,
  startCassandra,
  type CassandraNode,
} from '../../scripts/cassandra/harness.mjs';
import { runPlugin } from '../support/run-plugin.js';
import { nodetoolOk, safeList, setBackupByNodetool, writeRows, type Nodetool } from './node-helpers.js';

const MONITOR = { name: 'monitor', password: 'pw-of-monitor' };
const NO_GRANT = { name: 'nogrant', password: 'pw-of-nogrant' };
const KS = 'shop';

let node: CassandraNode | undefined;
let admin: Client | undefined;
let passwordFile = '';
const nodetool: Nodetool = (...args) => (node as CassandraNode).nodetool(...args);

/** A plugin over CQL and TLS as the monitoring role, its password from a file. */
function cql(plugin: string, args: readonly string[] = [], role = MONITOR) {
  const n = node as CassandraNode;
  writeFileSync(passwordFile, `${role.password}\n`, { mode: 0o600 });
  return runPlugin(plugin, [
    '--transport',
    'cql',
    '-H',
    n.address,
    '--cql-port',
    String(n.nativePort),
    '--ssl',
    '--ca-file',
    n.cqlTls?.caFile ?? '',
    '-u',
    role.name,
    '--password-file',
    passwordFile,
    ...args,
  ]);
}

beforeAll(async () => {
  node = await startCassandra({
    cassandraVersion: DEFAULT_CASSANDRA_VERSION,
    agents: {},
    auth: true,
    clientTls: {},
    log: (m) => process.stderr.write(`[cassandra cql] ${m}\n`),
  });
  passwordFile = join(mkdtempSync(join(tmpdir(), 'cql-transport-')), 'monitor.pw');
  // The least grant on this release (README.md, "No agent on the nodes").
  await createRole(node, { ...MONITOR, grants: ['SELECT ON KEYSPACE system_views'] });
  await createRole(node, NO_GRANT);
  admin = await cqlAs(node, DEFAULT_SUPERUSER.user, DEFAULT_SUPERUSER.password);
  await admin.execute(`CREATE KEYSPACE ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await admin.execute(`CREATE TABLE ${KS}.orders (id int PRIMARY KEY, body text)`);
  await admin.execute(`CREATE TABLE ${KS}.sessions (id int PRIMARY KEY, body text) WITH incremental_backups = false`);
}, 600_000);

afterAll(async () => {
  if (passwordFile) rmSync(dirname(passwordFile), { recursive: true, force: true });
  await admin?.shutdown();
  await node?.stop();
});

describe('check_cassandra_backup over CQL', () => {
  it('the same verdict as nodetool statusbackup, both ways, in every format', async () => {
    for (const enabled of [false, true]) {
      await setBackupByNodetool(enabled, nodetool);
      const said = (await nodetoolOk(['statusbackup'], nodetool)).stdout.trim();
      expect(said).toBe(enabled ? 'running' : 'not running');
      const run = await cql('check_cassandra_backup');
      expect([run.code, run.statusLine]).toEqual([
        enabled ? 0 : 1,
        expect.stringMatching(
          enabled
            ? /^CASSANDRA BACKUP OK - Incremental backup is enabled \| backup_enabled=1;;;0;1 time=[\d.]+s;;;0$/
            : /^CASSANDRA BACKUP WARNING - Incremental backup is disabled \(expected enabled\) \| backup_enabled=0;;;0;1 /,
        ),
      ]);
      expect((await cql('check_cassandra_backup', ['--format', 'nodetool'])).stdout).toBe(`${said}\n`);
      const json = JSON.parse((await cql('check_cassandra_backup', ['--format', 'json'])).stdout);
      expect(json).toMatchObject({ backup_enabled: enabled, status: said, cassandra_version: node?.cassandraVersion });
      expect(json.cql_address).toBe(`${node?.address}:${node?.nativePort} (CQL)`);
    }
  });

  it('a table created WITH incremental_backups = false is left out exactly, listed in -v, no WARNING and no hint', async () => {
    await setBackupByNodetool(true, nodetool);
    await writeRows(admin as Client, KS, 'orders', 20);
    await writeRows(admin as Client, KS, 'sessions', 20);
    await nodetoolOk(['flush', KS], nodetool);
    const run = await cql('check_cassandra_backup', ['--keyspace', KS, '--max-age', '1h', '-v']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('left out, opted out WITH incremental_backups = false: shop.sessions');
    expect(run.stdout).toMatch(/OK: shop\.orders/);
    expect(run.stdout).not.toMatch(/opted out WITH incremental_backups = false\? then --exclude/);
    expect(run.stdout).not.toMatch(/shop\.sessions:/);
  });

  it('--find-config: the cassandra.yaml named in system_properties; enabled until restart is a WARNING', async () => {
    await setBackupByNodetool(true, nodetool);
    const run = await cql('check_cassandra_backup', ['--find-config', '-v']);
    expect(run.code).toBe(1);
    expect(run.statusLine).toMatch(/^CASSANDRA BACKUP WARNING - .*restart/i);
    expect(run.stdout).toContain(
      `${node?.workDir}/conf/cassandra.yaml (found through the cassandra.config system property)`,
    );
  });

  it('--flush over CQL is a usage error that names the Jolokia agent', async () => {
    const run = await cql('check_cassandra_backup', ['--flush', KS]);
    expect([run.code, run.statusLine]).toEqual([3, expect.stringContaining('--flush needs the Jolokia agent')]);
  });
});

describe('who may read what', () => {
  it('a role without the grant: UNKNOWN naming the GRANT statement, which then works as said', async () => {
    const run = await cql('check_cassandra_backup', [], NO_GRANT);
    expect(run.code).toBe(3);
    const grant = /run (GRANT SELECT ON .* TO nogrant)$/.exec(run.statusLine)?.[1];
    expect(grant, run.statusLine).toBe('GRANT SELECT ON KEYSPACE system_views TO nogrant');
    expect(run.statusLine).toContain('may not read system_views.settings');
    await (admin as Client).execute(grant as string);
    try {
      expect((await cql('check_cassandra_backup', [], NO_GRANT)).code).toBe(0);
    } finally {
      await (admin as Client).execute((grant as string).replace(/^GRANT/, 'REVOKE').replace(/ TO /, ' FROM '));
    }
  });

  it('a wrong password: UNKNOWN, the password nowhere in the output', async () => {
    const run = await cql('check_cassandra_backup', ['-vvv'], { name: MONITOR.name, password: 'not-the-password' });
    expect([run.code, run.statusLine]).toEqual([3, expect.stringContaining('Login refused for user monitor')]);
    expect(`${run.stdout}${run.stderr}`).not.toContain('not-the-password');
    expect(`${run.stdout}${run.stderr}`).not.toContain(MONITOR.password);
  });

  it('TLS not trusted (another CA), and no TLS where the node wants it: each one clean UNKNOWN line', async () => {
    const untrusted = await cql('check_cassandra_backup', ['--ca-file', node?.cqlTls?.otherCaFile ?? '']);
    expect([untrusted.code, untrusted.statusLine]).toEqual([
      3,
      expect.stringMatching(
        /^CASSANDRA BACKUP UNKNOWN - Cannot connect to Cassandra's native port at .*: its TLS certificate is not trusted .*--ca-file/,
      ),
    ]);
    const n = node as CassandraNode;
    const plain = await runPlugin(
      'check_cassandra_backup',
      ['--transport', 'cql', '-H', n.address, '--cql-port', String(n.nativePort), '-u', 'monitor', '-t', '5'],
      { env: { CASSANDRA_PASSWORD: MONITOR.password } },
    );
    expect(plain.code).toBe(3);
    expect(plain.stdout.split('\n').filter((l) => l !== '').length).toBe(1);
    expect(plain.statusLine).toMatch(/--ssl/);
  });
});

describe('check_cassandra_node over CQL', () => {
  it('gossip and the mode from gossip_info, as nodetool statusgossip says; what CQL cannot tell is said', async () => {
    const run = await cql('check_cassandra_node', ['-v']);
    expect(run.statusLine).toMatch(/native transport running; gossip running; incremental backup \w+; mode NORMAL/);
    expect(run.stdout).toContain('Joined, Drained, Draining and Decommissioning only over JMX (--transport jolokia)');
    await nodetoolOk(['disablegossip'], nodetool);
    try {
      expect((await nodetoolOk(['statusgossip'], nodetool)).stdout.trim()).toBe('not running');
      const stopped = await cql('check_cassandra_node', ['--format', 'nodetool']);
      expect(stopped.stdout.split('\n')[1]).toBe('Gossip: not running');
      expect(stopped.code).toBe(2);
    } finally {
      await nodetoolOk(['enablegossip'], nodetool);
    }
  });
});

describe('check_cassandra_snapshots over CQL', () => {
  it('system_views.snapshots: the snapshot nodetool listsnapshots shows, with its tables', async () => {
    await nodetoolOk(['snapshot', '-t', 'nightly', KS], nodetool);
    const listed = (await nodetoolOk(['listsnapshots'], nodetool)).stdout;
    expect(listed).toContain('nightly');
    const run = await cql('check_cassandra_snapshots', ['-v', '--format', 'json']);
    const json = JSON.parse(run.stdout);
    expect(json.snapshot_count).toBe(1);
    expect(JSON.stringify(json)).toContain('nightly');
  });
});

describe('check_cassandra_backup_backlog over CQL', () => {
  /** The regular files in every backups/ of the keyspace (.index folders included), walked here, not by the plugin. */
  const backupFiles = (dataDirs: readonly string[]): string[] =>
    dataDirs.flatMap((dataDir) =>
      safeList(join(dataDir, KS))
        .map((table) => join(dataDir, KS, table, 'backups'))
        .filter((backups) => existsSync(backups))
        .flatMap((backups) =>
          readdirSync(backups, { recursive: true, encoding: 'utf8' }).map((name) => join(backups, name)),
        )
        .filter((path) => lstatSync(path).isFile()),
    );
  const backlog = (run: { stdout: string }) => {
    const { files, bytes, tables_with_backups, data_directories } = JSON.parse(run.stdout);
    return { files, bytes, tables_with_backups, paths: data_directories.map((d: { path: string }) => d.path) };
  };

  it("the node's data_file_directories: the backlog --data-dir gives, the files a walk of backups/ finds", async () => {
    const n = node as CassandraNode;
    await setBackupByNodetool(true, nodetool);
    await writeRows(admin as Client, KS, 'orders', 20, { from: 5000 });
    await nodetoolOk(['flush', KS, 'orders'], nodetool);
    const overCql = await cql('check_cassandra_backup_backlog', ['--keyspace', KS, '--format', 'json']);
    expect(overCql.code, overCql.stdout).toBe(0);
    const given = await runPlugin('check_cassandra_backup_backlog', [
      '--keyspace',
      KS,
      '--format',
      'json',
      ...n.dataDirs.flatMap((dir) => ['--data-dir', dir]),
    ]);
    expect(backlog(overCql).paths).toEqual(n.dataDirs);
    expect(backlog(overCql)).toEqual(backlog(given));
    const walked = backupFiles(n.dataDirs);
    expect(walked.length).toBeGreaterThan(0);
    expect(backlog(overCql).files).toBe(walked.length);
    const verbose = await cql('check_cassandra_backup_backlog', ['--keyspace', KS, '-vv']);
    expect(verbose.stdout).toContain(`${n.address}:${n.nativePort} over CQL`);
    expect(verbose.stdout).toContain('as the node reports them (data_file_directories)');
  });

  it('a role without the grant: UNKNOWN naming the GRANT statement and --data-dir', async () => {
    const run = await cql('check_cassandra_backup_backlog', [], NO_GRANT);
    expect([run.code, run.statusLine]).toEqual([
      3,
      expect.stringMatching(
        /^CASSANDRA BACKUP BACKLOG UNKNOWN - .*may not read system_views\.settings.*GRANT SELECT ON KEYSPACE system_views TO nogrant/,
      ),
    ]);
    expect(run.stdout.split('\n').filter((line) => line !== '').length).toBe(1);
  });
});

describe('a node that cannot answer', () => {
  let http: Server | undefined;
  afterAll(() => http?.close());

  it('not a Cassandra node (an HTTP server): UNKNOWN within -t', async () => {
    http = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    const run = await runPlugin('check_cassandra_backup', [
      '--transport',
      'cql',
      '-H',
      '127.0.0.1',
      '--cql-port',
      String(port),
      '-t',
      '4',
    ]);
    expect([run.code, run.seconds < 4.5]).toEqual([3, true]);
    expect(run.statusLine).toMatch(/^CASSANDRA BACKUP UNKNOWN - /);
  });

  it('frozen (SIGSTOP): UNKNOWN within -t, in one line', async () => {
    const n = node as CassandraNode;
    process.kill(n.pid, 'SIGSTOP');
    try {
      const run = await cql('check_cassandra_backup', ['-t', '4']);
      expect([run.code, run.seconds < 4.5]).toEqual([3, true]);
      expect(run.statusLine).toMatch(/in time/);
      expect(run.stdout.split('\n').filter((l) => l !== '').length).toBe(1);
    } finally {
      process.kill(n.pid, 'SIGCONT');
    }
  });
});
