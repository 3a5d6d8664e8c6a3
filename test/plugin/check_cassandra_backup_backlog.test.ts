// check_cassandra_backup_backlog as a process on a synthetic data directory large enough for the
// worker threads to join in (also run on Debian 12's Node 18 by npm test's second pass), and the
// timeout on it. What it claims about Cassandra's backups/ is proven on the real node in
// test/integration/backup-backlog.test.ts.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entry } from '../../src/plugins/check_cassandra_backup_backlog.js';
import { expectCleanRun } from '../support/plugin-output.js';
import { runPlugin } from '../support/run-plugin.js';

const PLUGIN = 'check_cassandra_backup_backlog';
const TABLES = 40;
const FILES_PER_TABLE = 1000;
let data: string;

beforeAll(() => {
  data = mkdtempSync(join(tmpdir(), 'backlog-process-'));
  for (let t = 0; t < TABLES; t++) {
    const backups = join(data, 'shop', `t${t}-${t.toString(16).padStart(32, '0')}`, 'backups');
    mkdirSync(backups, { recursive: true });
    for (let i = 0; i < FILES_PER_TABLE; i++) writeFileSync(join(backups, `nb-${i}-big-Data.db`), 'x');
  }
  // 40,000 files take a few seconds to write, and more on a busy CI machine.
}, 180_000);
afterAll(() => rmSync(data, { recursive: true, force: true }));

describe('a backlog of 40,000 files', () => {
  it('is read by more than one thread, and every file is counted once', async () => {
    const run = await runPlugin(PLUGIN, ['--data-dir', data, '-v']);
    expectCleanRun(run, { plugin: entry, timeoutSeconds: 10, code: 0, verbosity: 1 });
    expect(run.statusLine).toMatch(/^CASSANDRA BACKUP BACKLOG OK - 40000 files, 39\.1 KiB waiting in backups\/; /);
    expect(run.stdout).toMatch(/read by [2-9] threads/);
    expect(
      run.stdout.split('\n').filter((line) => /^OK: shop\.t\d+: oldest file \d+s old; 1000 files, 1000 B$/.test(line)),
    ).toHaveLength(TABLES);
  });

  it('JSON and Prometheus carry every table', async () => {
    const json = JSON.parse((await runPlugin(PLUGIN, ['--data-dir', data, '--format', 'json'])).stdout) as {
      files: number;
      tables: { files: number }[];
    };
    expect([json.files, json.tables.length, json.tables.every((t) => t.files === FILES_PER_TABLE)]).toEqual([
      TABLES * FILES_PER_TABLE,
      TABLES,
      true,
    ]);
    const prometheus = (await runPlugin(PLUGIN, ['--data-dir', data, '--format', 'prometheus'])).stdout;
    expect(prometheus.split('\n').filter((line) => line.startsWith('cassandra_backups_files{'))).toHaveLength(TABLES);
  });

  it('ends with --timeout-state within -t when the reading takes longer', async () => {
    const started = Date.now();
    const run = await runPlugin(PLUGIN, ['--data-dir', data, '-t', '0.05', '--timeout-state', 'critical']);
    expect(Date.now() - started).toBeLessThan(5000);
    expectCleanRun(run, { plugin: entry, timeoutSeconds: 0.05, code: 2 });
    expect(run.statusLine).toMatch(
      /^CASSANDRA BACKUP BACKLOG CRITICAL - (still reading .*backups at the timeout|no result within the timeout of 0\.05 s)$/,
    );
  });
});
