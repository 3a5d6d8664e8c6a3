// The backups/ backlog on temporary folders laid out like data directories: what is counted
// (every name, each inode once, index SSTables, old incarnations), what is shared with live
// SSTables, and how the judgement words it. The real node's flushes: test/integration/backup-backlog.test.ts.
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { measureTable, scanBacklog, type BacklogFilter } from '../../../src/cassandra/backlog.js';
import { judgeBacklog, type BacklogPolicy } from '../../../src/checks/backup-backlog.js';
import { parseDuration } from '../../../src/runtime/duration.js';
import { formatPerfdata } from '../../../src/runtime/perfdata.js';
import { Range } from '../../../src/runtime/range.js';
import { reportState } from '../../../src/runtime/result.js';
import { CRITICAL, OK, WARNING } from '../../../src/runtime/state.js';
import { summaryText } from '../../../src/runtime/summary.js';
import { COMPONENTS, tableDirectory, writeSSTable } from '../../support/data-dir.js';

const ID = '5a1c395e2b7d11efa7a5bd2f6f6c9d1e';
const OLD_ID = '0b2f8a402b7d11efa7a5bd2f6f6c9d1e';
const EVERYTHING: BacklogFilter = { only: [], exclude: [] };
const NO_LIMITS: BacklogPolicy = { age: {}, size: {}, share: {} };
const FAR = Date.now() + 60_000;
let data: string;

beforeEach(async () => {
  data = mkdtempSync(join(tmpdir(), 'backlog-'));
});
afterEach(() => rmSync(data, { recursive: true, force: true }));

const bytesOf = (generation: number): number =>
  COMPONENTS.reduce((n, c) => n + `${c} of generation ${generation}`.length, 0);
const hoursAgo = (hours: number): Date => new Date(Date.now() - hours * 3_600_000);
const age = (spec: string): Range => Range.parse(spec, '--warning-age', (t) => parseDuration(t, '--warning-age'));

/** An SSTable flushed and linked, then compacted away: its backup is the only name left. */
function shippedLate(directory: string, generation: number, mtime?: Date): void {
  writeSSTable(directory, generation, mtime === undefined ? {} : { mtime });
  for (const component of COMPONENTS) rmSync(join(directory, `nb-${generation}-big-${component}`));
}

describe('scanBacklog', () => {
  it('counts every name in backups/, each inode once, and the part still a live SSTable', async () => {
    const orders = tableDirectory(data, 'shop', 'orders', ID);
    writeSSTable(orders, 1); // live and in backups/: shared
    shippedLate(orders, 2); // in backups/ only
    const scan = await scanBacklog([data], EVERYTHING, FAR);
    expect(scan.tables).toHaveLength(1);
    const [t] = scan.tables;
    expect(t).toMatchObject({
      keyspace: 'shop',
      table: 'orders',
      files: 16,
      bytes: bytesOf(1) + bytesOf(2),
      liveSharedBytes: bytesOf(1),
    });
    expect(scan.dataDirectories[0]).toMatchObject({ path: data, files: 16, bytes: bytesOf(1) + bytesOf(2) });
    expect(scan.dataDirectories[0]?.filesystemBytes).toBeGreaterThan(0);
  });

  it("counts a secondary index's backups/.<index>/ with its table", async () => {
    const orders = tableDirectory(data, 'shop', 'orders', ID);
    mkdirSync(join(orders, 'backups', '.orders_by_customer'));
    writeFileSync(join(orders, 'backups', '.orders_by_customer', 'nb-1-big-Data.db'), 'index data');
    expect((await scanBacklog([data], EVERYTHING, FAR)).tables[0]).toMatchObject({
      files: 1,
      bytes: 'index data'.length,
      liveSharedBytes: 0,
    });
  });

  it('a file linked twice in backups/ takes its bytes once', async () => {
    const orders = tableDirectory(data, 'shop', 'orders', ID);
    writeFileSync(join(orders, 'backups', 'nb-1-big-Data.db'), '12345');
    linkSync(join(orders, 'backups', 'nb-1-big-Data.db'), join(orders, 'backups', 'nb-1-big-Data.db.copy'));
    expect((await scanBacklog([data], EVERYTHING, FAR)).tables[0]).toMatchObject({
      files: 2,
      bytes: 5,
      liveSharedBytes: 0,
    });
  });

  it('adds the old incarnation of a dropped and re-created table to the same table, over every data directory', async () => {
    const data2 = join(data, 'second');
    mkdirSync(data2);
    const dirs = [join(data, 'first'), data2];
    mkdirSync(dirs[0] as string);
    shippedLate(tableDirectory(dirs[0] as string, 'shop', 'orders', OLD_ID), 1);
    shippedLate(tableDirectory(data2, 'shop', 'orders', ID), 2);
    const scan = await scanBacklog(dirs, EVERYTHING, FAR);
    expect(scan.tables).toHaveLength(1);
    expect(scan.tables[0]).toMatchObject({
      files: 16,
      directories: [join(dirs[0] as string, 'shop', `orders-${OLD_ID}`), join(data2, 'shop', `orders-${ID}`)],
    });
    expect(scan.dataDirectories.map((d) => d.files)).toEqual([8, 8]);
  });

  it('a table without backups/ is not an error and not a table with a backlog', async () => {
    const orders = tableDirectory(data, 'shop', 'orders', ID);
    rmSync(join(orders, 'backups'), { recursive: true });
    mkdirSync(join(data, 'shop', `empty-${OLD_ID}`, 'backups'), { recursive: true });
    const scan = await scanBacklog([data], EVERYTHING, FAR);
    expect(scan.tables.map((t) => [t.table, t.files])).toEqual([['empty', 0]]);
    expect(scan.unreadable).toEqual([]);
  });

  it('--keyspace and --exclude choose keyspaces and tables, and the rest is listed as left out', async () => {
    for (const [ks, t] of [
      ['shop', 'orders'],
      ['shop', 'sessions'],
      ['billing', 'invoices'],
      ['system', 'local'],
    ] as const)
      shippedLate(tableDirectory(data, ks, t, ID), 1);
    const names = async (filter: BacklogFilter) =>
      (await scanBacklog([data], filter, FAR)).tables.map((t) => `${t.keyspace}.${t.table}`);
    expect(await names(EVERYTHING)).toEqual(['billing.invoices', 'shop.orders', 'shop.sessions', 'system.local']);
    expect(await names({ only: [{ keyspace: 'shop' }], exclude: [{ keyspace: 'shop', table: 'sessions' }] })).toEqual([
      'shop.orders',
    ]);
    expect(
      await names({ only: [{ keyspace: 'shop', table: 'sessions' }, { keyspace: 'billing' }], exclude: [] }),
    ).toEqual(['billing.invoices', 'shop.sessions']);
    expect((await scanBacklog([data], { only: [], exclude: [{ keyspace: 'system' }] }, FAR)).leftOut).toEqual([
      'system',
    ]);
  });

  it('a large backlog is shared with worker threads, and they count what this thread would', async () => {
    const directories = Array.from({ length: 30 }, (_, t) => tableDirectory(data, 'big', `t${t}`, ID));
    directories.forEach((directory, t) => {
      for (let i = 0; i < 1000; i++) writeFileSync(join(directory, 'backups', `nb-${i}-big-Data.db`), 'x'.repeat(t));
    });
    const cwd = process.cwd();
    const scan = await scanBacklog([data], EVERYTHING, FAR);
    expect(scan.threads).toBeGreaterThan(1);
    // This thread read from inside the folders (workers cannot): it is back where it was.
    expect(process.cwd()).toBe(cwd);
    const alone = directories.map((d) => measureTable(fs, d, FAR));
    expect(scan.tables.map((t) => [t.table, t.files, t.bytes])).toEqual(
      directories
        .map((_, t) => [`t${t}`, 1000, 1000 * t])
        .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)),
    );
    expect(alone.every((m) => m.kind === 'measured' && m.files === 1000)).toBe(true);
    // 30,000 files to write first: seconds here, more on a busy CI machine.
  }, 180_000);

  it('a relative data directory means the same as its absolute path', async () => {
    shippedLate(tableDirectory(data, 'shop', 'orders', ID), 1);
    const relative = (await import('node:path')).relative(process.cwd(), data);
    const scan = await scanBacklog([relative], EVERYTHING, FAR);
    expect([scan.unreadable, scan.tables.map((t) => t.files)]).toEqual([[], [8]]);
  });

  it('keeps -t: a scan past its deadline ends as a timeout, not a hang', async () => {
    const orders = tableDirectory(data, 'shop', 'orders', ID);
    for (let i = 0; i < 5000; i++) writeFileSync(join(orders, 'backups', `nb-${i}-big-Data.db`), '');
    await expect(scanBacklog([data], EVERYTHING, Date.now() - 1)).rejects.toThrow(
      expect.objectContaining({ timedOut: true, message: expect.stringContaining('still reading') }),
    );
  });
});

describe('judgeBacklog', () => {
  it('a shipper that keeps up: OK, with the oldest table named', async () => {
    shippedLate(tableDirectory(data, 'shop', 'orders', ID), 1, hoursAgo(0.5));
    const report = judgeBacklog(
      await scanBacklog([data], EVERYTHING, FAR),
      { ...NO_LIMITS, age: { warning: age('2h'), critical: age('6h') } },
      Date.now(),
    );
    expect(reportState(report)).toBe(OK);
    expect(summaryText(report, 200)).toBe(
      `8 files, ${bytesOf(1)} B waiting in backups/; ${data}: 0.0% of its file system; 1 table waiting, oldest file 30m (shop.orders)`,
    );
    expect(report.perfdata.map(formatPerfdata)).toEqual([
      expect.stringMatching(/^oldest_age=18\d\ds;7200;21600;0$/),
      `bytes=${bytesOf(1)}B;;;0`,
      'files=8;;;0',
      'live_shared=0B;;;0',
      'tables=1;;;0',
      expect.stringMatching(/^share=0%;;;0;100$/),
    ]);
  });

  it('a stopped shipper: the tables past the age ranges by name, WARNING then CRITICAL', async () => {
    shippedLate(tableDirectory(data, 'shop', 'orders', ID), 1, hoursAgo(3));
    shippedLate(tableDirectory(data, 'shop', 'carts', ID), 1, hoursAgo(0.1));
    const policy = { ...NO_LIMITS, age: { warning: age('2h'), critical: age('6h') } };
    const warned = judgeBacklog(await scanBacklog([data], EVERYTHING, FAR), policy, Date.now());
    expect(reportState(warned)).toBe(WARNING);
    expect(summaryText(warned, 200)).toBe(
      `shop.orders: oldest file 3h old (warning over 2h); 8 files, ${bytesOf(1)} B`,
    );
    const later = judgeBacklog(await scanBacklog([data], EVERYTHING, FAR), policy, Date.now() + 4 * 3_600_000);
    expect(reportState(later)).toBe(CRITICAL);
    expect(summaryText(later, 200)).toMatch(/^shop\.orders: oldest file 7h old \(critical over 6h\)/);
  });

  it('the total size and the file-system share have ranges of their own', async () => {
    shippedLate(tableDirectory(data, 'shop', 'orders', ID), 1);
    const policy: BacklogPolicy = {
      age: {},
      size: { warning: Range.parse('100') },
      share: { critical: Range.parse('@0:100') },
    };
    const report = judgeBacklog(await scanBacklog([data], EVERYTHING, FAR), policy, Date.now());
    expect(reportState(report)).toBe(CRITICAL);
    expect(report.results.map((r) => [r.state, r.summary])).toEqual([
      [WARNING, `8 files, ${bytesOf(1)} B waiting in backups/ (warning over 100 B)`],
      [CRITICAL, `${data}: 0.0% of its file system (critical inside [0, 100])`],
    ]);
  });

  it('nothing waiting is OK, and the age is 0, not unknown', async () => {
    tableDirectory(data, 'shop', 'orders', ID);
    const report = judgeBacklog(
      await scanBacklog([data], EVERYTHING, FAR),
      { ...NO_LIMITS, age: { critical: age('1h') } },
      Date.now(),
    );
    expect(reportState(report)).toBe(OK);
    expect(summaryText(report, 200)).toMatch(/^nothing waiting in backups\/ \(1 table have one\); /);
    expect(formatPerfdata(report.perfdata[0]!)).toBe('oldest_age=0s;;3600;0');
    expect(report.facts['oldest_age_seconds']).toBeNull();
  });

  it('a table folder that cannot be read is UNKNOWN on its own, named; the others are judged', async () => {
    shippedLate(tableDirectory(data, 'shop', 'orders', ID), 1);
    // Permissions do not stop root, who runs this suite: the scan's record of the failure is given
    // here, and a real unreadable folder is read as nobody in test/plugin/backup-backlog.test.ts.
    const scan = {
      ...(await scanBacklog([data], EVERYTHING, FAR)),
      unreadable: [{ name: 'shop.carts', reason: 'Cannot read /d/shop/carts-1/backups (permission denied)' }],
    };
    const report = judgeBacklog(scan, NO_LIMITS, Date.now());
    expect(reportState(report).name).toBe('UNKNOWN');
    expect(summaryText(report, 200)).toBe('shop.carts: Cannot read /d/shop/carts-1/backups (permission denied)');
    expect(report.subjects?.results.map((r) => [r.subject.name, r.state.name])).toEqual([
      ['shop.orders', 'OK'],
      ['shop.carts', 'UNKNOWN'],
    ]);
  });

  it('a file that is not a folder where backups/ should be is no backups/ at all', async () => {
    const carts = tableDirectory(data, 'shop', 'carts', ID);
    rmSync(join(carts, 'backups'), { recursive: true });
    writeFileSync(join(carts, 'backups'), '');
    const scan = await scanBacklog([data], EVERYTHING, FAR);
    expect([scan.tables, scan.unreadable]).toEqual([[], []]);
  });
});
