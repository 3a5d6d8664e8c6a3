// The freshness check on the real node: rows written with the real CQL driver, a real flush
// through Jolokia, and the hard links checked by the test itself (inode comparison), not taken
// from the plugin's word.

import type { Client } from 'cassandra-driver';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlugin } from '../support/run-plugin.js';
import { cassandra, jolokia } from './cassandra-context.js';
import {
  ageFiles,
  liveDataFiles,
  nodetoolOk,
  openKeyspace,
  runAsNobody,
  safeList,
  setBackupByNodetool,
  writeRows,
} from './node-helpers.js';

const PLUGIN = 'check_cassandra_backup';
const KS = 'fresh';
let cql: Client;
let scratch: string;

interface TableFacts {
  keyspace: string;
  table: string;
  state: string;
  flushed: boolean;
  had_data: boolean | null;
  new_sstables: number;
  unlinked_sstables: string[];
  backup_files: number;
  newest_backup_age_seconds: number | null;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'it-fresh-'));
  cql = await openKeyspace(KS, ['orders', 'events', 'idle', 'recreated']);
  await setBackupByNodetool(true);
});

afterAll(async () => {
  await cql?.shutdown();
  rmSync(scratch, { recursive: true, force: true });
  await setBackupByNodetool(false);
});

const write = (table: string, rows: number, from = 0): Promise<void> => writeRows(cql, KS, table, rows, { from });

/** The current directory of a table in every data directory, from the schema's table id. */
async function tableDirectories(table: string): Promise<string[]> {
  const row = (
    await cql.execute('SELECT id FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?', [KS, table], {
      prepare: true,
    })
  ).first();
  const id = String(row?.['id']).replace(/-/g, '');
  return cassandra().dataDirs.map((d) => join(d, KS, `${table}-${id}`));
}

/** Live Data.db files, and whether each has a hard link (same inode) in backups/: checked here, independently. */
const liveSSTables = async (table: string): Promise<{ name: string; linked: boolean }[]> =>
  liveDataFiles(await tableDirectories(table));

async function check(args: string[], options: { uid?: number; gid?: number } = {}) {
  const run = await runPlugin(PLUGIN, ['--url', cassandra().jolokiaUrl, '-t', '60', ...args], options);
  return run;
}

async function checkJson(args: string[]) {
  const run = await check([...args, '--format', 'json', '-v']);
  const body = JSON.parse(run.stdout) as { state: string; message: string; tables: TableFacts[]; details: string[] };
  return { run, body, table: (name: string) => body.tables.find((t) => t.table === name) as TableFacts };
}

describe('--flush on the real node', () => {
  it('flushes, and every table that had data gets a new SSTable hard-linked in backups/', async () => {
    await write('orders', 50);
    await write('events', 20);
    const before = await liveSSTables('orders');
    const { run, body, table } = await checkJson(['--flush', KS]);
    expect(run.code, run.stdout).toBe(0);
    expect(body.state).toBe('OK');
    expect(table('orders')).toMatchObject({ flushed: true, had_data: true, state: 'OK', unlinked_sstables: [] });
    expect(table('orders').new_sstables).toBeGreaterThanOrEqual(1);
    expect(table('events')).toMatchObject({ flushed: true, had_data: true, state: 'OK' });
    expect(table('idle')).toMatchObject({ flushed: true, had_data: false, state: 'OK', new_sstables: 0 });

    // Independently of the plugin: new SSTables exist, and every one is hard-linked in backups/.
    const after = await liveSSTables('orders');
    expect(after.length).toBeGreaterThan(before.length);
    expect(after.every((f) => f.linked)).toBe(true);
    expect((await liveSSTables('events')).every((f) => f.linked)).toBe(true);
  });

  it('a second run with nothing new is OK, "nothing to flush"', async () => {
    const run = await check(['--flush', `${KS}.orders`, '-v']);
    expect(run.code).toBe(0);
    expect(run.statusLine).toMatch(
      /^CASSANDRA BACKUP OK - Incremental backup is enabled; 1 table: 1 with nothing to flush; newest backups within \d+s \|/,
    );
    expect(run.stdout).toContain(`OK: ${KS}.orders: nothing to flush`);
    expect(run.statusLine).toMatch(
      / \| backup_enabled=1;;;0;1 time=[\d.]+s;;;0 backup_age=\d+s;;;0 backup_files=\d+;;;0 tables_flushed=1;;;0$/,
    );
  });

  it('backup off: WARNING, no flush sent, and the freshness check says it was skipped', async () => {
    await setBackupByNodetool(false);
    try {
      await write('orders', 10, 1000);
      const before = await liveSSTables('orders');
      const run = await check(['--flush', `${KS}.orders`]);
      expect(run.code).toBe(1);
      expect(run.statusLine).toContain(
        'Incremental backup is disabled (expected enabled); freshness check skipped: backup is off, so no flush was sent',
      );
      expect(await liveSSTables('orders')).toEqual(before);
    } finally {
      await setBackupByNodetool(true);
    }
  });

  it('a dropped and re-created table: only the current directory is looked at', async () => {
    await write('recreated', 5);
    await check(['--flush', `${KS}.recreated`]);
    const [oldDirectory] = await tableDirectories('recreated');
    await cql.execute(`DROP TABLE ${KS}.recreated`);
    await cql.execute(`CREATE TABLE ${KS}.recreated (id int PRIMARY KEY, body text)`);
    const [newDirectory] = await tableDirectories('recreated');
    expect(newDirectory).not.toBe(oldDirectory);
    expect(safeList(join(oldDirectory!, 'backups')).length).toBeGreaterThan(0); // the old incarnation's backups stay

    await write('recreated', 3);
    const { run, table } = await checkJson(['--flush', `${KS}.recreated`]);
    expect(run.code, run.stdout).toBe(0);
    expect(table('recreated')).toMatchObject({ had_data: true, state: 'OK' });
    // Counted from the new directory only: the new flush's components, not the old incarnation's.
    const newBackups = (await tableDirectories('recreated')).flatMap((d) => safeList(join(d, 'backups')));
    expect(table('recreated').backup_files).toBe(newBackups.length);
  });

  it('an unknown keyspace or table → UNKNOWN naming it', async () => {
    const ks = await check(['--flush', 'no_such_ks']);
    expect([ks.code, ks.statusLine]).toEqual([
      3,
      'CASSANDRA BACKUP UNKNOWN - Keyspace no_such_ks does not exist on this node (or has no tables)',
    ]);
    const table = await check(['--keyspace', `${KS}.no_such_table`]);
    expect([table.code, table.statusLine]).toEqual([
      3,
      `CASSANDRA BACKUP UNKNOWN - Table ${KS}.no_such_table does not exist on this node`,
    ]);
  });
});

describe('--max-age on a copy of the real layout', () => {
  it('both sides of the thresholds, with file times moved back', async () => {
    const copy = join(scratch, 'aged');
    for (const [i, d] of cassandra().dataDirs.entries())
      cpSync(d, join(copy, String(i)), { recursive: true, preserveTimestamps: true });
    const dataDirs = cassandra().dataDirs.flatMap((_, i) => ['--data-dir', join(copy, String(i))]);

    const fresh = await check(['--keyspace', `${KS}.orders`, ...dataDirs, '--max-age', '1h', '--critical-age', '1d']);
    expect(fresh.code, fresh.stdout).toBe(0);

    for (const directory of (await tableDirectories('orders')).map((d) =>
      d.replace(cassandra().dataDirs[0]!, join(copy, '0')).replace(cassandra().dataDirs[1]!, join(copy, '1')),
    )) {
      ageFiles(
        safeList(join(directory, 'backups')).map((name) => join(directory, 'backups', name)),
        3 * 3600,
      );
    }
    const old = await check(['--keyspace', `${KS}.orders`, ...dataDirs, '--max-age', '1h', '--critical-age', '1d']);
    expect(old.code).toBe(1);
    expect(old.statusLine).toMatch(
      new RegExp(
        `^CASSANDRA BACKUP WARNING - ${KS}.orders: newest backup 3h old \\(warning over 1h\\) \\| .* backup_age=10[78]\\d\\ds;3600;86400;0 `,
      ),
    );
    const critical = await check([
      '--keyspace',
      `${KS}.orders`,
      ...dataDirs,
      '--max-age',
      '1h',
      '--critical-age',
      '2h',
    ]);
    expect(critical.code).toBe(2);
  });

  it('a table with SSTables but no backup file at all is WARNING; an empty one is OK', async () => {
    // Written and flushed while backup was off: data on disk that no backup holds.
    await cql.execute(`CREATE TABLE IF NOT EXISTS ${KS}.before_backup (id int PRIMARY KEY, body text)`);
    await write('before_backup', 5);
    await setBackupByNodetool(false);
    try {
      await nodetoolOk(['flush', KS, 'before_backup']);
    } finally {
      await setBackupByNodetool(true);
    }
    const run = await check(['--keyspace', `${KS}.before_backup`, '--keyspace', `${KS}.idle`, '--max-age', '1h', '-v']);
    await cql.execute(`DROP TABLE ${KS}.before_backup`); // keep the keyspace-wide checks below about their own tables
    expect(run.code).toBe(1);
    expect(run.statusLine).toMatch(
      new RegExp(
        `^CASSANDRA BACKUP WARNING - ${KS}.before_backup: \\d+ SSTable\\(s\\) but no backup file; opted out WITH incremental_backups = false\\? then --exclude ${KS}.before_backup \\|`,
      ),
    );
    expect(run.stdout).toContain(`OK: ${KS}.idle: no data on disk yet`);
  });
});

describe('a table that opted out of incremental backup (Cassandra 5.0: WITH incremental_backups = false)', () => {
  // Neither JMX nor Jolokia shows the table option (the table's MBean has no such attribute): the
  // check says what such a table looks like, and --exclude leaves it out.
  beforeAll(async () => {
    await cql.execute(
      `CREATE TABLE IF NOT EXISTS ${KS}.optout (id int PRIMARY KEY, body text) WITH incremental_backups = false`,
    );
  });
  afterAll(async () => {
    await cql.execute(`DROP TABLE IF EXISTS ${KS}.optout`);
  });

  it('--flush: its new SSTable has no link, as the test sees too, and the line says why it may be so', async () => {
    await write('optout', 10);
    const run = await check(['--flush', `${KS}.optout`]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.statusLine).toMatch(
      new RegExp(
        `^CASSANDRA BACKUP WARNING - ${KS}.optout: new SSTables? \\S+-Data\\.db(, \\S+-Data\\.db)* ha(s|ve) no hard link in backups/; opted out WITH incremental_backups = false\\? then --exclude ${KS}.optout \\|`,
      ),
    );
    const files = await liveSSTables('optout');
    expect(files.length).toBeGreaterThan(0);
    expect(files.some((f) => f.linked)).toBe(false);
  });

  it('--exclude leaves it out of --flush and --keyspace, and -v says so', async () => {
    await write('optout', 10, 100);
    await write('orders', 5, 5000);
    const flushed = await check(['--flush', KS, '--exclude', `${KS}.optout`, '-v']);
    expect(flushed.code, flushed.stdout).toBe(0);
    expect(flushed.stdout).toContain(`excluded (--exclude): ${KS}.optout`);
    expect(flushed.stdout).not.toContain(`: ${KS}.optout:`);
    // Not flushed either: its memtable still holds the rows written above.
    const memtable = await jolokia('plain2', {
      type: 'read',
      mbean: `org.apache.cassandra.metrics:type=Table,keyspace=${KS},scope=optout,name=MemtableColumnsCount`,
      attribute: 'Value',
    });
    expect((memtable.json as { value: number }).value).toBeGreaterThan(0);

    const looked = await check(['--keyspace', KS, '--exclude', `${KS}.optout`, '--max-age', '1h']);
    expect(looked.code, looked.stdout).toBe(0);
    const everything = await check(['--keyspace', `${KS}.optout`, '--exclude', KS]);
    expect([everything.code, everything.statusLine]).toEqual([
      3,
      `CASSANDRA BACKUP UNKNOWN - Every table asked for is left out by --exclude: ${KS}.optout`,
    ]);
  });
});

describe('data directories that cannot be read from here', () => {
  it('a directory the monitoring user may not read → UNKNOWN naming the path and the permission needed', async () => {
    // Run as nobody against a copy of the layout nobody may enter.
    const locked = join(scratch, 'locked');
    cpSync(cassandra().dataDirs[0]!, locked, { recursive: true });
    chmodSync(scratch, 0o755);
    chmodSync(locked, 0o700);
    const run = runAsNobody(PLUGIN, [
      '--url',
      cassandra().jolokiaUrl,
      '--keyspace',
      `${KS}.orders`,
      '--data-dir',
      locked,
    ]);
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(
      new RegExp(
        `^CASSANDRA BACKUP UNKNOWN - Cannot read ${locked} \\(permission denied\\): the user running the check \\(e.g. nagios\\) needs read and execute permission`,
      ),
    );
  });

  it('a data directory that does not exist here → UNKNOWN saying to run on the node', async () => {
    const run = await check(['--keyspace', KS, '--data-dir', '/nonexistent/cassandra/data']);
    expect(run.code).toBe(3);
    expect(run.statusLine).toContain(
      'Data directory /nonexistent/cassandra/data does not exist here: run the check on the Cassandra node itself',
    );
  });
});

describe('through an agent restricted by docs/jolokia-access.xml', () => {
  it('the documented policy allows everything the flush check needs', async () => {
    await write('orders', 5, 5000);
    const run = await runPlugin(PLUGIN, ['--url', cassandra().agents.policy.url, '--flush', KS, '-t', '60']);
    expect(run.code, run.stdout).toBe(0);
  });

  it('a policy that forbids the exec → UNKNOWN that says so', async () => {
    const run = await runPlugin(PLUGIN, [
      '--url',
      cassandra().agents.policyStrict.url,
      '--flush',
      `${KS}.orders`,
      '-t',
      '60',
    ]);
    expect(run.code).toBe(3);
    expect(run.statusLine).toMatch(
      /access policy of the agent at .* forbids exec of operation forceKeyspaceFlush of MBean org.apache.cassandra.db:type=StorageService/,
    );
  });

  it('the policy refuses what the plugins do not need (a write, another exec)', async () => {
    const write = await jolokia('policy', {
      type: 'write',
      mbean: 'org.apache.cassandra.db:type=StorageService',
      attribute: 'IncrementalBackupsEnabled',
      value: false,
    });
    expect((write.json as { status: number }).status).toBe(403);
    const stop = await jolokia('policy', {
      type: 'exec',
      mbean: 'org.apache.cassandra.db:type=StorageService',
      operation: 'stopGossiping',
    });
    expect((stop.json as { status: number }).status).toBe(403);
  });
});
