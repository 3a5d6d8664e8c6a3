// The whole output of check_cassandra_backup on the real node, in every format, for each kind
// of outcome: the exact status line (only the measured numbers stand as #), the exact set of JSON
// keys, and the Prometheus text as the real tools take it: `promtool check metrics` (Debian's
// prometheus package) finds nothing to lint, and a real node_exporter's textfile collector reads
// back every sample with its labels and value.

import type { Client } from 'cassandra-driver';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, httpRequest } from '../../scripts/cassandra/harness.mjs';
import { closedPort } from '../support/fault-servers.js';
import { runProcess, waitFor } from '../support/process.js';
import { runPlugin } from '../support/run-plugin.js';
import { cassandra } from './cassandra-context.js';
import { removeDir, requireProgram, startDaemon, tempDir, type Daemon } from './monitoring-tools.js';
import { nodetoolOk, openKeyspace, setBackupByNodetool, writeRows } from './node-helpers.js';

const PLUGIN = 'check_cassandra_backup';
const KS = 'formats';
let cql: Client;
let dir: string;
let textfiles: string;
let exporter: Daemon | undefined;
let exporterUrl: string;

beforeAll(async () => {
  dir = tempDir('it-formats-');
  textfiles = join(dir, 'textfile');
  mkdirSync(textfiles);
  const [port] = (await freePorts(1)) as [number];
  exporterUrl = `http://127.0.0.1:${port}/metrics`;
  exporter = startDaemon(
    'node_exporter',
    requireProgram('node_exporter'),
    [
      '--collector.disable-defaults',
      '--collector.textfile',
      `--collector.textfile.directory=${textfiles}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { dir },
  );
  await waitFor(
    async () => {
      if (exporter?.exited()) throw new Error(`node_exporter exited:\n${exporter.log()}`);
      return (await httpRequest(exporterUrl, { timeoutMs: 2000 })).status === 200;
    },
    'node_exporter to serve /metrics',
    { timeoutMs: 20_000, intervalMs: 200 },
  );

  cql = await openKeyspace(KS, ['written', 'quiet', 'unsaved']);
  // Data flushed while backup was off: SSTables that no backup holds.
  await setBackupByNodetool(false);
  await writeRows(cql, KS, 'unsaved', 5);
  await nodetoolOk(['flush', KS, 'unsaved']);
}, 120_000);

afterAll(async () => {
  await exporter?.stop();
  await cql?.execute(`DROP KEYSPACE IF EXISTS ${KS}`).catch(() => undefined);
  await cql?.shutdown();
  await setBackupByNodetool(false);
  removeDir(dir);
});

/** The status line with the numbers that are measured, not decided, as `#`. */
function normalise(line: string): string {
  return (
    line
      .replace(/time=[\d.]+s/, 'time=#s')
      .replace(/backup_age=\d+s/, 'backup_age=#s')
      .replace(/backup_files=\d+/, 'backup_files=#')
      .replace(/within \d+s/, 'within #s')
      // A flush writes one SSTable per data directory that gets a share of the data.
      .replace(/\d+ SSTable\(s\)/, '# SSTable(s)')
      .replace(/127\.0\.0\.1:\d+/, '127.0.0.1:#')
  );
}

const STATUS_KEYS = [
  'backup_enabled',
  'status',
  'expected',
  'cassandra_version',
  'jolokia_url',
  'round_trip_seconds',
  'state',
  'exit_code',
  'message',
];
const TABLE_KEYS = [
  'keyspace',
  'table',
  'state',
  'message',
  'flushed',
  'had_data',
  'new_sstables',
  'unlinked_sstables',
  'backup_files',
  'newest_backup_age_seconds',
];

interface Case {
  readonly name: string;
  /** Puts the node in the state of the case; run before each format. */
  readonly setup: () => Promise<void>;
  readonly args: () => Promise<string[]>;
  readonly code: number;
  readonly statusLine: string;
  readonly jsonKeys: readonly string[];
  /** Per-table JSON keys, when the case looks at tables. */
  readonly tables?: readonly string[];
  readonly metrics: readonly string[];
}

const url = async (): Promise<string[]> => ['--url', cassandra().jolokiaUrl];
const CASES: Case[] = [
  {
    name: 'status: backup enabled',
    setup: () => setBackupByNodetool(true),
    args: url,
    code: 0,
    statusLine: 'CASSANDRA BACKUP OK - Incremental backup is enabled | backup_enabled=1;;;0;1 time=#s;;;0',
    jsonKeys: STATUS_KEYS,
    metrics: [
      'cassandra_incremental_backup_enabled',
      'cassandra_jolokia_request_duration_seconds',
      'cassandra_backup_check_state',
    ],
  },
  {
    name: 'status: backup disabled',
    setup: () => setBackupByNodetool(false),
    args: url,
    code: 1,
    statusLine:
      'CASSANDRA BACKUP WARNING - Incremental backup is disabled (expected enabled) | backup_enabled=0;;;0;1 time=#s;;;0',
    jsonKeys: STATUS_KEYS,
    metrics: [
      'cassandra_incremental_backup_enabled',
      'cassandra_jolokia_request_duration_seconds',
      'cassandra_backup_check_state',
    ],
  },
  {
    name: 'freshness: a flush proven, a table with nothing to flush',
    setup: async () => {
      await setBackupByNodetool(true);
      await writeRows(cql, KS, 'written', 20);
    },
    args: async () => [...(await url()), '--flush', `${KS}.written`, '--flush', `${KS}.quiet`, '-t', '60'],
    code: 0,
    statusLine:
      'CASSANDRA BACKUP OK - Incremental backup is enabled; 2 tables: 1 flushed and hard-linked in backups/, 1 with nothing to flush; newest backups within #s | backup_enabled=1;;;0;1 time=#s;;;0 backup_age=#s;;;0 backup_files=#;;;0 tables_flushed=2;;;0',
    jsonKeys: [...STATUS_KEYS, 'data_directories', 'tables'],
    tables: TABLE_KEYS,
    metrics: [
      'cassandra_incremental_backup_enabled',
      'cassandra_jolokia_request_duration_seconds',
      'cassandra_backups_files',
      'cassandra_backups_newest_file_age_seconds',
      'cassandra_backup_unlinked_sstables',
      'cassandra_backup_table_state',
      'cassandra_backup_check_state',
    ],
  },
  {
    name: 'freshness: a table with SSTables that no backup holds',
    setup: () => setBackupByNodetool(true),
    args: async () => [...(await url()), '--keyspace', `${KS}.unsaved`, '--keyspace', `${KS}.quiet`, '--max-age', '1d'],
    code: 1,
    statusLine: `CASSANDRA BACKUP WARNING - ${KS}.unsaved: # SSTable(s) but no backup file; opted out WITH incremental_backups = false? then --exclude ${KS}.unsaved | backup_enabled=1;;;0;1 time=#s;;;0 backup_age=U;86400;;0 backup_files=#;;;0 tables_flushed=0;;;0`,
    jsonKeys: [...STATUS_KEYS, 'data_directories', 'tables'],
    tables: TABLE_KEYS,
    metrics: [
      'cassandra_incremental_backup_enabled',
      'cassandra_jolokia_request_duration_seconds',
      'cassandra_backups_files',
      'cassandra_backup_table_state',
      'cassandra_backup_check_state',
    ],
  },
  {
    name: 'could not find out: nothing listens',
    setup: async () => undefined,
    args: async () => ['-H', '127.0.0.1', '-p', String(await closedPort())],
    code: 3,
    statusLine:
      "CASSANDRA BACKUP UNKNOWN - Cannot connect to Cassandra's Jolokia agent at http://127.0.0.1:#/jolokia: connection refused",
    jsonKeys: ['backup_enabled', 'status', 'state', 'exit_code', 'message'],
    metrics: ['cassandra_backup_check_state'],
  },
];

describe.each(CASES)('$name', (c) => {
  it('nagios: the exact status line and exit code', async () => {
    await c.setup();
    const run = await runPlugin(PLUGIN, await c.args());
    expect(run.code, run.stdout).toBe(c.code);
    expect(normalise(run.statusLine)).toBe(c.statusLine);
    expect(run.stdout.split('\n')).toHaveLength(2);
  });

  it('json: exactly these keys, on one line', async () => {
    await c.setup();
    const run = await runPlugin(PLUGIN, [...(await c.args()), '--format', 'json']);
    expect(run.code).toBe(c.code);
    expect(run.stdout.split('\n')).toHaveLength(2);
    const body = JSON.parse(run.stdout) as Record<string, unknown> & { tables?: Record<string, unknown>[] };
    expect(Object.keys(body).sort()).toEqual([...c.jsonKeys].sort());
    expect(normalise(`${String(body['message'])}`)).toBe(
      normalise(c.statusLine)
        .replace(/^CASSANDRA BACKUP \w+ - /, '')
        .split(' | ')[0],
    );
    for (const table of body.tables ?? []) expect(Object.keys(table).sort()).toEqual([...(c.tables ?? [])].sort());
  });

  it('prometheus: promtool finds nothing to lint, and node_exporter reads back every sample', async () => {
    await c.setup();
    const run = await runPlugin(PLUGIN, [...(await c.args()), '--format', 'prometheus']);
    expect(run.code).toBe(c.code);
    const lint = await runProcess(requireProgram('promtool'), ['check', 'metrics'], { input: run.stdout });
    expect([lint.code, lint.stdout + lint.stderr]).toEqual([0, '']);

    const samples = parseSamples(run.stdout);
    expect([...new Set(samples.map((s) => s.name))]).toEqual(c.metrics);
    // Written as the README says: a temporary file, then a rename, so the collector never sees half.
    writeFileSync(join(textfiles, 'cassandra_backup.prom.tmp'), run.stdout);
    renameSync(join(textfiles, 'cassandra_backup.prom.tmp'), join(textfiles, 'cassandra_backup.prom'));
    const scraped = parseSamples((await httpRequest(exporterUrl)).text);
    expect(scraped.find((s) => s.name === 'node_textfile_scrape_error')?.value).toBe(0);
    for (const sample of samples)
      expect(scraped, `${sample.name}${JSON.stringify(sample.labels)}`).toContainEqual(sample);
    rmSync(join(textfiles, 'cassandra_backup.prom'));
  });
});

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition, labels unescaped and in any order. */
function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (match === null) throw new Error(`not a sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[key as string] = (value as string).replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
      }
      return { name: match[1] as string, labels, value: Number(match[3]) };
    });
}
