// The freshness logic on temporary folders laid out like a data directory: fast, and including
// the case a real node cannot easily be made to show (a new SSTable whose backup link is missing).
// The scans measure; the judge gets their values only.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataDirectoryError,
  newFiles,
  requireDataDirectories,
  scanTable,
  type TableFiles,
} from '../../../src/cassandra/data-layout.js';
import {
  freshnessPerfdata,
  freshnessSubjects,
  judgeTable,
  type FreshnessPolicy,
} from '../../../src/checks/backup-freshness.js';
import { formatPerfdata } from '../../../src/runtime/perfdata.js';
import { attempt, judgeSubject, type Report } from '../../../src/runtime/result.js';
import { upperLimits } from '../../../src/runtime/thresholds.js';
import { CRITICAL, OK, UNKNOWN, WARNING } from '../../../src/runtime/state.js';
import { CheckError } from '../../../src/runtime/errors.js';
import { subjectLine, summaryParts } from '../../../src/runtime/summary.js';

/** --max-age and --critical-age, in seconds, as the plugin turns them into thresholds. */
const ages = (maxAge?: number, criticalAge?: number): FreshnessPolicy => ({ age: upperLimits(maxAge, criticalAge) });
const NO_AGES = ages();
import { tableDirectory, writeSSTable } from '../../support/data-dir.js';

const ID = '5a1c395e2b7d11efa7a5bd2f6f6c9d1e';
const OLD_ID = '0b2f8a402b7d11efa7a5bd2f6f6c9d1e';
const table = { keyspace: 'shop', table: 'orders' };
let root: string;
let data1: string;
let data2: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'freshness-'));
  data1 = join(root, 'data1');
  data2 = join(root, 'data2');
  mkdirSync(data1);
  mkdirSync(data2);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const scan = () => scanTable([data1, data2], 'shop', `orders-${ID}`);
const identity = (path: string): string => {
  const stats = statSync(path, { bigint: true });
  return `${stats.dev}:${stats.ino}`;
};

/** Measures as the check does (a second scan and the new files' inodes after a flush), then judges. */
function judge(
  observation: { flushed?: boolean; hadData?: boolean; before?: TableFiles; after?: TableFiles } = {},
  policy: FreshnessPolicy = NO_AGES,
  now = Date.now(),
) {
  const { flushed = false, hadData = false } = observation;
  const before = observation.before ?? scan();
  const after = observation.after ?? scan();
  const added = flushed ? newFiles(before, after) : { live: [], backups: [] };
  const verdict = judgeTable(table, { flushed, hadData, files: after, added }, policy, now);
  return {
    ...verdict,
    line: subjectLine(verdict),
    newSSTables: verdict.measured.newSSTables,
    unlinked: verdict.measured.unlinked,
  };
}

describe('scanTable', () => {
  it('finds live SSTables and their backups in every data directory, by inode', () => {
    writeSSTable(tableDirectory(data1, 'shop', 'orders', ID), 1);
    writeSSTable(tableDirectory(data2, 'shop', 'orders', ID), 2);
    const files = scan();
    expect(files.directories).toHaveLength(2);
    expect(files.liveData.map((path) => path.split('/').pop()).sort()).toEqual([
      'nb-1-big-Data.db',
      'nb-2-big-Data.db',
    ]);
    expect(files.backupFileCount).toBe(16);
    expect(new Set(files.backupData.map((f) => identity(f.path)))).toEqual(new Set(files.liveData.map(identity)));
  });

  it('does not look at the directory of an older incarnation of the table', () => {
    writeSSTable(tableDirectory(data1, 'shop', 'orders', OLD_ID), 7);
    tableDirectory(data1, 'shop', 'orders', ID);
    const files = scan();
    expect(files.liveData).toHaveLength(0);
    expect(files.backupFileCount).toBe(0);
  });

  it('counts secondary-index backups in backups/.<index>/', () => {
    const directory = tableDirectory(data1, 'shop', 'orders', ID);
    writeSSTable(directory, 1);
    const index = join(directory, 'backups', '.orders_by_customer');
    mkdirSync(index);
    writeFileSync(join(index, 'nb-1-big-Data.db'), 'index data');
    writeFileSync(join(index, 'nb-1-big-Index.db'), 'index index');
    const files = scan();
    expect(files.backupData).toHaveLength(2);
    expect(files.backupFileCount).toBe(10);
  });

  it('a data directory that does not exist here says to run on the node', () => {
    expect(() => requireDataDirectories([data1, join(root, 'nowhere')])).toThrow(DataDirectoryError);
    expect(() => requireDataDirectories([join(root, 'nowhere')])).toThrow(
      /does not exist here: run the check on the Cassandra node itself/,
    );
    expect(() => requireDataDirectories([])).toThrow('The node reports no data directories: give --data-dir');
  });
});

describe('judgeTable after a flush', () => {
  it('OK when every new SSTable has its hard link in backups/', () => {
    const directory = tableDirectory(data1, 'shop', 'orders', ID);
    writeSSTable(directory, 1);
    const before = scan();
    writeSSTable(directory, 2);
    const verdict = judge({ flushed: true, hadData: true, before, after: scan() });
    expect(verdict.state).toBe(OK);
    expect(verdict.line).toBe('shop.orders: flushed: 1 new SSTable(s) hard-linked in backups/; newest backup 0s old');
    expect(verdict.newSSTables).toBe(1);
  });

  it('WARNING naming the table and the file when a new SSTable has no backup link', () => {
    const directory = tableDirectory(data1, 'shop', 'orders', ID);
    const before = scan();
    writeSSTable(directory, 3, { backup: false });
    const verdict = judge({ flushed: true, hadData: true, before, after: scan() });
    expect(verdict.state).toBe(WARNING);
    expect(verdict.line).toContain('shop.orders: new SSTable nb-3-big-Data.db has no hard link in backups/');
    expect(verdict.unlinked).toEqual(['nb-3-big-Data.db']);
  });

  it('a backup file with the same name but another inode is not a backup', () => {
    const directory = tableDirectory(data1, 'shop', 'orders', ID);
    const before = scan();
    writeSSTable(directory, 4);
    const backup = join(directory, 'backups', 'nb-4-big-Data.db');
    unlinkSync(backup);
    // The same name, but a copy, not a link: it proves nothing.
    copyFileSync(join(directory, 'nb-4-big-Data.db'), backup);
    expect(judge({ flushed: true, hadData: true, before, after: scan() }).state).toBe(WARNING);
  });

  it('OK when compaction took the flushed SSTable at once: its link stays, the output is never linked', () => {
    const directory = tableDirectory(data1, 'shop', 'orders', ID);
    writeSSTable(directory, 1);
    const before = scan();
    writeSSTable(directory, 2); // the flush, linked
    for (const g of [1, 2]) for (const c of ['Data.db', 'Index.db']) rmSync(join(directory, `nb-${g}-big-${c}`));
    writeSSTable(directory, 3, { backup: false }); // the compaction's output
    const verdict = judge({ flushed: true, hadData: true, before, after: scan() });
    expect(verdict.state).toBe(OK);
    expect(verdict.line).toContain(
      'flushed: 1 new SSTable(s) hard-linked in backups/ (not linked, as compaction output never is: nb-3-big-Data.db)',
    );
  });

  it('OK "nothing to flush" for a table whose memtable was clean', () => {
    writeSSTable(tableDirectory(data1, 'shop', 'orders', ID), 1);
    const verdict = judge({ flushed: true, hadData: false });
    expect(verdict.state).toBe(OK);
    expect(verdict.line).toMatch(/^shop.orders: nothing to flush; newest backup/);
  });

  it('WARNING when the memtable held data but the flush wrote nothing', () => {
    tableDirectory(data1, 'shop', 'orders', ID);
    expect(judge({ flushed: true, hadData: true }).line).toContain(
      'the flush wrote no new SSTable although the memtable held data',
    );
  });
});

describe('a table that may have opted out of incremental backup (Cassandra 5.0)', () => {
  it('on 5.0 the line says so and names --exclude, once, whichever way the table shows it', () => {
    const directory = tableDirectory(data1, 'shop', 'orders', ID);
    const before = scan();
    writeSSTable(directory, 1, { backup: false });
    writeSSTable(directory, 2, { backup: false });
    const after = scan();
    const flushed = judgeTable(
      table,
      { flushed: true, hadData: true, files: after, added: newFiles(before, after) },
      NO_AGES,
      Date.now(),
      { tablesMayOptOut: true },
    );
    expect(flushed.line).toBe(
      'new SSTables nb-1-big-Data.db, nb-2-big-Data.db have no hard link in backups/; opted out WITH incremental_backups = false? then --exclude shop.orders',
    );
    expect(flushed.state).toBe(WARNING);
    const looked = judgeTable(
      table,
      { flushed: false, hadData: false, files: after, added: { live: [], backups: [] } },
      NO_AGES,
      Date.now(),
      { tablesMayOptOut: true },
    );
    expect(looked.line).toBe(
      '2 SSTable(s) but no backup file; opted out WITH incremental_backups = false? then --exclude shop.orders',
    );
  });

  it('before 5.0 there is no such option, and no such hint', () => {
    writeSSTable(tableDirectory(data1, 'shop', 'orders', ID), 1, { backup: false });
    expect(judge({}).line).toBe('shop.orders: 1 SSTable(s) but no backup file');
  });
});

describe('judgeTable by age', () => {
  const hour = 3600;
  it('both sides of --max-age and --critical-age', () => {
    writeSSTable(tableDirectory(data1, 'shop', 'orders', ID), 1, { mtime: new Date(Date.now() - 2 * hour * 1000) });
    expect(judge({}, ages(3 * hour)).state).toBe(OK);
    expect(judge({}, ages(1 * hour)).state).toBe(WARNING);
    expect(judge({}, ages(1 * hour)).line).toBe('shop.orders: newest backup 2h old (warning over 1h)');
    expect(judge({}, ages(0.5 * hour, 1.5 * hour)).state).toBe(CRITICAL);
  });

  it('a table with SSTables but no backup file at all is WARNING; an empty one has nothing to back up', () => {
    const directory = tableDirectory(data1, 'shop', 'orders', ID);
    expect(judge({}, ages(3600)).line).toBe('shop.orders: no data on disk yet');
    expect(judge({}, ages(3600)).state).toBe(OK);
    writeSSTable(directory, 1, { backup: false });
    const verdict = judge({}, ages(3600));
    expect(verdict.state).toBe(WARNING);
    expect(verdict.line).toBe('shop.orders: 1 SSTable(s) but no backup file');
  });

  it('without thresholds: SSTables on disk but no backup is WARNING, an empty table is OK', () => {
    const directory = tableDirectory(data1, 'shop', 'orders', ID);
    expect(judge({}).state).toBe(OK);
    writeSSTable(directory, 1, { backup: false });
    expect(judge({}).line).toBe('shop.orders: 1 SSTable(s) but no backup file');
  });

  it('after a flush the proof counts, not the age: a quiet table with old backups is OK', () => {
    writeSSTable(tableDirectory(data1, 'shop', 'orders', ID), 1, { mtime: new Date(Date.now() - 3 * 86_400_000) });
    const verdict = judge({ flushed: true, hadData: false }, ages(3600, 86_400));
    expect(verdict.state).toBe(OK);
    expect(verdict.line).toBe('shop.orders: nothing to flush; newest backup 3d old');
  });

  it('a flushed table that had nothing to flush but was never backed up is still WARNING', () => {
    writeSSTable(tableDirectory(data1, 'shop', 'orders', ID), 1, { backup: false });
    expect(judge({ flushed: true, hadData: false }).line).toBe(
      'shop.orders: nothing to flush; 1 SSTable(s) but no backup file',
    );
  });
});

describe('summary and perfdata', () => {
  it('problems one by one, the rest as one OK summary; perfdata with thresholds', () => {
    const directory = tableDirectory(data1, 'shop', 'orders', ID);
    writeSSTable(directory, 1, { mtime: new Date(Date.now() - 7200_000) });
    const policy = ages(3600, 86_400);
    const verdicts = [
      judgeTable(
        table,
        { flushed: false, hadData: false, files: scan(), added: { live: [], backups: [] } },
        policy,
        Date.now(),
      ),
    ];
    const subjects = freshnessSubjects(verdicts);
    const report: Report = { results: [], subjects, perfdata: [], details: [], facts: {}, metrics: [] };
    expect(verdicts.map((v) => v.state)).toEqual([WARNING]);
    expect(summaryParts(report)).toEqual(['shop.orders: newest backup 2h old (warning over 1h)']);
    expect(subjects.okSummary).toBe('1 table; newest backups within 2h');
    expect(freshnessPerfdata(verdicts, policy).map(formatPerfdata)).toEqual([
      'backup_age=7200s;3600;86400;0',
      'backup_files=8;;;0',
      'tables_flushed=0;;;0',
    ]);
  });

  it('a table that cannot be assessed is UNKNOWN on its own; the others are judged and counted', () => {
    writeSSTable(tableDirectory(data1, 'shop', 'orders', ID), 1);
    const fine = judgeTable(
      table,
      { flushed: false, hadData: false, files: scan(), added: { live: [], backups: [] } },
      NO_AGES,
      Date.now(),
    );
    const reading = attempt(() => {
      throw new CheckError('Cannot read /data/shop/audit-1 (permission denied)');
    });
    const unreadable = judgeSubject(
      { name: 'shop.audit', labels: { keyspace: 'shop', table: 'audit' } },
      reading,
      () => {
        throw new Error('an unreadable table is not judged');
      },
    );
    expect(unreadable).toMatchObject({ state: UNKNOWN, line: 'Cannot read /data/shop/audit-1 (permission denied)' });
    const subjects = freshnessSubjects([fine, unreadable]);
    expect(subjects.okSummary).toBe('2 tables; newest backups within 0s');
    expect(freshnessPerfdata(subjects.results, NO_AGES).map(formatPerfdata)).toEqual([
      'backup_age=0s;;;0',
      'backup_files=8;;;0',
      'tables_flushed=0;;;0',
    ]);
    expect(() =>
      attempt(() => {
        throw new CheckError('late', { timedOut: true });
      }),
    ).toThrow('late');
  });
});
