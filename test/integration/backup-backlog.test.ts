// check_cassandra_backup_backlog on the real node: real flushes fill backups/, a test "shipper"
// moves the files away, ages are set with utimes. What the check reports is compared with what
// this test reads itself from the same folders (names, inodes, sizes), not taken on its word.

import type { Client } from 'cassandra-driver';
import { chmodSync, cpSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlugin } from '../support/run-plugin.js';
import { cassandra } from './cassandra-context.js';
import { removeDir, tempDir } from './monitoring-tools.js';
import {
  ageFiles,
  nodetoolOk,
  openKeyspace,
  runAsNobody,
  safeList,
  setBackupByNodetool,
  writeRows,
} from './node-helpers.js';

const PLUGIN = 'check_cassandra_backup_backlog';
const KS = 'backlog';
const TABLES = ['orders', 'events'];
let cql: Client;
let shipped: string;

interface Answer {
  files: number;
  bytes: number;
  live_shared_bytes: number;
  oldest_age_seconds: number | null;
  oldest_table: string | null;
  tables: {
    keyspace: string;
    table: string;
    state: string;
    files: number;
    bytes: number;
    oldest_age_seconds: number;
  }[];
}

beforeAll(async () => {
  shipped = mkdtempSync(join(tmpdir(), 'it-shipped-'));
  cql = await openKeyspace(KS, TABLES);
  await setBackupByNodetool(true);
});

afterAll(async () => {
  await cql?.shutdown();
  await setBackupByNodetool(false);
  rmSync(shipped, { recursive: true, force: true });
});

async function writeAndFlush(table: string, rows: number): Promise<void> {
  await writeRows(cql, KS, table, rows, { body: (id) => `row ${id} ${'x'.repeat(100)}` });
  await nodetoolOk(['flush', KS, table]);
}

/** Every file in the keyspace's backups/ folders, read here: path, size, inode, links. */
function backupFiles(): { path: string; size: number; ino: number; nlink: number }[] {
  const files: { path: string; size: number; ino: number; nlink: number }[] = [];
  for (const dataDir of cassandra().dataDirs) {
    for (const tableDir of readdirSync(join(dataDir, KS))) {
      const backups = join(dataDir, KS, tableDir, 'backups');
      for (const name of safeList(backups)) {
        const stats = statSync(join(backups, name));
        if (stats.isFile())
          files.push({ path: join(backups, name), size: stats.size, ino: stats.ino, nlink: stats.nlink });
      }
    }
  }
  return files;
}

/** The test's shipper: moves every file out of backups/, as an rsync --remove-source-files would. */
function ship(): void {
  for (const file of backupFiles())
    renameSync(file.path, join(shipped, `${file.ino}-${file.path.split('/').pop() as string}`));
}

const check = (args: string[]) => runPlugin(PLUGIN, ['--keyspace', KS, ...args]);
/** Every data directory of the node (it has two), as --data-dir options. */
const dataDirs = (): string[] => cassandra().dataDirs.flatMap((d) => ['--data-dir', d]);

describe('on the real node', () => {
  it('flushes fill backups/: the check counts what is there, each inode once, and sees it shared with the live SSTables', async () => {
    for (const table of TABLES) await writeAndFlush(table, 50);
    const files = backupFiles();
    expect(files.length).toBeGreaterThan(0);
    const run = await check([...dataDirs(), '--format', 'json']);
    expect(run.code, run.stdout).toBe(0);
    const answer = JSON.parse(run.stdout) as Answer;
    expect(answer.files).toBe(files.length);
    expect(answer.bytes).toBe(files.reduce((n, f) => n + f.size, 0));
    // Straight after a flush every backup file is also a live SSTable component (two links).
    const live = files.filter((f) => f.nlink > 1).reduce((n, f) => n + f.size, 0);
    expect(live).toBeGreaterThan(0);
    expect(answer.live_shared_bytes).toBe(live);
    expect(answer.tables.map((t) => t.table).sort()).toEqual([...TABLES].sort());
  });

  it('without --data-dir the data directories come from the node (AllDataFileLocations)', async () => {
    const run = await check(['--url', cassandra().jolokiaUrl, '-v']);
    expect(run.code, run.stdout).toBe(0);
    for (const [i, dataDir] of cassandra().dataDirs.entries())
      expect(run.stdout).toContain(`share_${i + 1} ${dataDir} (`);
    expect(run.stdout).toMatch(/incremental backup enabled/);
  });

  it('a stopped shipper: files older than the ranges are WARNING, then CRITICAL, naming the table', async () => {
    ageFiles(
      backupFiles()
        .filter((f) => f.path.includes('/orders-'))
        .map((f) => f.path),
      3 * 3600,
    );
    const warned = await check([...dataDirs(), '--warning-age', '2h', '--critical-age', '1d']);
    expect(warned.code, warned.stdout).toBe(1);
    expect(warned.statusLine).toMatch(
      new RegExp(
        `^CASSANDRA BACKUP BACKLOG WARNING - ${KS}\\.orders: oldest file 3h old \\(warning over 2h\\); \\d+ files, `,
      ),
    );
    expect(warned.statusLine.split(' | ')[1]).toMatch(/(^| )oldest_age=108\d\ds;7200;86400;0( |$)/);
    const critical = await check([...dataDirs(), '--warning-age', '1h', '--critical-age', '2h']);
    expect(critical.code, critical.stdout).toBe(2);
  });

  it('the shipper catches up: the files are moved away and the check turns OK with nothing waiting', async () => {
    ship();
    expect(backupFiles()).toEqual([]);
    const run = await check([...dataDirs(), '--warning-age', '2h', '--critical-age', '1d']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.statusLine).toMatch(/^CASSANDRA BACKUP BACKLOG OK - nothing waiting in backups\/ \(2 tables have one\)/);
    expect(run.statusLine.split(' | ')[1]).toMatch(/(^| )oldest_age=0s;7200;86400;0 bytes=0B;;;0 files=0;;;0/);
  });

  it('a compaction leaves the backup as the only name of the file: not shared with live SSTables any more', async () => {
    for (let round = 0; round < 2; round++) await writeAndFlush('events', 20);
    await nodetoolOk(['compact', KS, 'events']);
    const files = backupFiles();
    expect(files.length).toBeGreaterThan(0);
    const run = await check([...dataDirs(), '--format', 'json']);
    const answer = JSON.parse(run.stdout) as Answer;
    expect(answer.files).toBe(files.length);
    expect(answer.live_shared_bytes).toBe(files.filter((f) => f.nlink > 1).reduce((n, f) => n + f.size, 0));
    expect(answer.live_shared_bytes).toBeLessThan(answer.bytes);
    ship();
  });
});

describe('folders that cannot be read', () => {
  it('a table whose backups/ the monitoring user may not read is UNKNOWN, named in the status line', async () => {
    await writeAndFlush('orders', 5);
    await writeAndFlush('events', 5);
    // A copy of the data directory in which one table's backups/ may not be entered, read as nobody.
    const home = tempDir('it-locked-');
    const copy = join(home, 'data');
    cpSync(cassandra().dataDirs[0] as string, copy, { recursive: true });
    const locked = readdirSync(join(copy, KS)).find((d) => d.startsWith('orders-')) as string;
    chmodSync(join(copy, KS, locked, 'backups'), 0o700);
    const run = runAsNobody(PLUGIN, ['--data-dir', copy, '--keyspace', KS]);
    removeDir(home);
    ship();
    expect(run.status, run.stdout).toBe(3);
    expect(run.stdout).toMatch(
      new RegExp(
        `^CASSANDRA BACKUP BACKLOG UNKNOWN - ${KS}\\.orders: Cannot read ${copy}/${KS}/${locked}/backups \\(permission denied\\): the user running the check`,
      ),
    );
  });

  it('a data directory that does not exist here: UNKNOWN saying where to run the check', async () => {
    const run = await check(['--data-dir', '/nonexistent/cassandra/data']);
    expect(run.code).toBe(3);
    expect(run.statusLine).toContain(
      'Data directory /nonexistent/cassandra/data does not exist here: run the check on the Cassandra node itself',
    );
  });
});
