// check_cassandra_snapshots on the real node: snapshots taken with the real nodetool, with and
// without --ttl, cleared with clearsnapshot, and `nodetool listsnapshots` of the same node as the
// oracle for every tag, table, size and time the check reports: over the Jolokia 1.x agent, which
// sends SnapshotDetails whole; from the folders (--data-dir, and where the 2.x agent cuts its
// answer short at a snapshot without TTL); and over the 2.x agent once only TTL'd ones are left.

import type { Client } from 'cassandra-driver';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCassandraSize } from '../../src/cassandra/snapshots.js';
import { PLUGIN_NODE } from '../support/process.js';
import { ROOT, runPlugin } from '../support/run-plugin.js';
import { cassandra, nodetool } from './cassandra-context.js';
import { nodetoolOk, openKeyspace, writeRows } from './node-helpers.js';

const PLUGIN = 'check_cassandra_snapshots';
const KS = 'snaps';
let cql: Client;

interface Listed {
  tag: string;
  table: string;
  trueSize: number;
  created: string;
  expires: string;
}

interface Answer {
  snapshot_count: number;
  true_size_bytes: number;
  expired_count: number;
  snapshots: {
    snapshot: string;
    state: string;
    tables: string[];
    true_size_bytes: number;
    size_on_disk_bytes: number;
    created: string | null;
    expires: string | null;
    age_seconds: number | null;
  }[];
}

beforeAll(async () => {
  cql = await openKeyspace(KS, ['orders', 'carts']);
  for (const table of ['orders', 'carts']) await writeRows(cql, KS, table, 20);
});

afterAll(async () => {
  await nodetool('clearsnapshot', '--all', KS);
  await cql?.shutdown();
});

/** `nodetool listsnapshots`, parsed: the oracle (its columns are separated by two or more spaces). */
async function listsnapshots(): Promise<Listed[]> {
  const lines = (await nodetoolOk(['listsnapshots'])).stdout.split('\n');
  const header = lines.findIndex((l) => l.startsWith('Snapshot name'));
  if (header === -1) return [];
  const columns = [
    'Snapshot name',
    'Keyspace name',
    'Column family name',
    'True size',
    'Size on disk',
    'Creation time',
    'Expiration time',
  ].map((c) => lines[header]!.indexOf(c));
  return lines
    .slice(header + 1)
    .filter((l) => l.trim() !== '' && !l.startsWith('Total'))
    .map((l) => {
      const cell = (i: number) =>
        l.slice(columns[i], i + 1 < columns.length && columns[i + 1]! >= 0 ? columns[i + 1] : undefined).trim();
      return {
        tag: cell(0),
        table: `${cell(1)}.${cell(2)}`,
        trueSize: parseCassandraSize(cell(3)) as number,
        created: cell(5),
        expires: cell(6),
      };
    })
    .filter((r) => r.table.startsWith(`${KS}.`));
}

/**
 * The folders' view against SnapshotDetails': the same tags and tables; sizes within the rounding
 * of Cassandra's text (a hundredth of a KiB per table); times within a few milliseconds (a table's
 * manifest.json and the node's own record of the snapshot are written a moment apart).
 */
function expectSameSnapshots(folders: Answer, details: Answer): void {
  const byTag = (a: Answer) => [...a.snapshots].sort((x, y) => (x.snapshot < y.snapshot ? -1 : 1));
  expect(byTag(folders).map((s) => [s.snapshot, s.tables])).toEqual(byTag(details).map((s) => [s.snapshot, s.tables]));
  const ms = (t: string | null) => (t === null ? null : Date.parse(t));
  for (const [i, local] of byTag(folders).entries()) {
    const over = byTag(details)[i]!;
    const rounding = local.tables.length * 6;
    expect(Math.abs(local.true_size_bytes - over.true_size_bytes), local.snapshot).toBeLessThanOrEqual(rounding);
    expect(Math.abs(local.size_on_disk_bytes - over.size_on_disk_bytes), local.snapshot).toBeLessThanOrEqual(rounding);
    expect(Math.abs((ms(local.created) ?? 0) - (ms(over.created) ?? 0)), local.snapshot).toBeLessThanOrEqual(10);
    expect(local.expires === null, local.snapshot).toBe(over.expires === null);
    if (local.expires !== null)
      expect(Math.abs((ms(local.expires) ?? 0) - (ms(over.expires) ?? 0))).toBeLessThanOrEqual(10);
  }
}

const check = async (args: string[]): Promise<Answer> => {
  const run = await runPlugin(PLUGIN, [...args, '--format', 'json']);
  expect(run.code, run.stdout).toBeLessThan(3);
  const answer = JSON.parse(run.stdout) as Answer;
  return { ...answer, snapshots: answer.snapshots.filter((s) => s.tables.every((t) => t.startsWith(`${KS}.`))) };
};

describe('on the real node, against nodetool listsnapshots', () => {
  it('a snapshot without and one with --ttl: the tags, tables, true sizes, creation and expiry as listsnapshots shows them', async () => {
    await nodetoolOk(['snapshot', '-t', 'plain', KS]);
    await nodetoolOk(['snapshot', '--ttl', '1h', '-t', 'withttl', KS]);
    const listed = await listsnapshots();
    expect(new Set(listed.map((r) => r.tag))).toEqual(new Set(['plain', 'withttl']));

    // The 1.x agent sends SnapshotDetails whole, the null expiry of 'plain' included.
    const answer = await check(['--url', cassandra().agents.plain1.url]);
    expect(answer.snapshots.map((s) => s.snapshot).sort()).toEqual(['plain', 'withttl']);
    for (const snapshot of answer.snapshots) {
      const rows = listed.filter((r) => r.tag === snapshot.snapshot);
      expect(snapshot.tables).toEqual(rows.map((r) => r.table).sort());
      expect(snapshot.true_size_bytes).toBe(rows.reduce((n, r) => n + r.trueSize, 0));
      expect(snapshot.created).toBe(rows[0]!.created);
      expect(snapshot.expires).toBe(rows[0]!.expires === '' ? null : rows[0]!.expires);
      expect(snapshot.state).toBe('OK');
    }
    expect(answer.snapshots.find((s) => s.snapshot === 'withttl')?.expires).not.toBeNull();
  });

  it("the node's folders (--data-dir, no agent) tell the same tags, tables, times and true sizes", async () => {
    const remote = await check(['--url', cassandra().agents.plain1.url]);
    const local = await check(cassandra().dataDirs.flatMap((d) => ['--data-dir', d]));
    expectSameSnapshots(local, remote);
  });

  it('Jolokia 2.x cuts SnapshotDetails short at a snapshot without TTL: on the node the check reads the folders instead', async () => {
    const cut = await fetch(cassandra().jolokiaUrl, {
      method: 'POST',
      body: JSON.stringify({
        type: 'read',
        mbean: 'org.apache.cassandra.db:type=StorageService',
        attribute: 'SnapshotDetails',
      }),
    });
    const text = await cut.text();
    expect(() => JSON.parse(text) as unknown, text).toThrow();
    const run = await runPlugin(PLUGIN, ['--url', cassandra().jolokiaUrl, '-v']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('could not send SnapshotDetails');
    expectSameSnapshots(
      await check(['--url', cassandra().jolokiaUrl]),
      await check(['--url', cassandra().agents.plain1.url]),
    );
  });

  it('away from the node (the folders not readable), that is UNKNOWN saying what to do', async () => {
    const home = mkdtempSync(join(tmpdir(), 'it-nobody-'));
    chmodSync(home, 0o755);
    cpSync(join(ROOT, 'dist', `${PLUGIN}.cjs`), join(home, 'check.cjs'));
    const run = spawnSync(PLUGIN_NODE, [join(home, 'check.cjs'), '--url', cassandra().jolokiaUrl], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      timeout: 30_000,
    });
    rmSync(home, { recursive: true, force: true });
    expect(run.status, run.stdout).toBe(3);
    expect(run.stdout).toMatch(
      /^CASSANDRA SNAPSHOTS UNKNOWN - The agent at \S+ sent SnapshotDetails cut short, as Jolokia 2\.x agents do while a snapshot has no TTL: run the check on the node/,
    );
  });

  it('age thresholds name the snapshots past them; --exclude-tag leaves one out', async () => {
    const run = await runPlugin(PLUGIN, [
      '--url',
      cassandra().jolokiaUrl,
      '--warning-age',
      '0',
      '--critical-age',
      '1d',
      '--exclude-tag',
      'with*',
    ]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.statusLine).toMatch(
      /^CASSANDRA SNAPSHOTS WARNING - plain: \d+s old \(warning over 0s\); 2 tables, true size [\d.]+ \S+ \([\d.]+ \S+ on disk\)/,
    );
    expect(run.statusLine).not.toContain('withttl:');
  });

  it('clearsnapshot: gone from listsnapshots and from the check', async () => {
    await nodetoolOk(['clearsnapshot', '-t', 'plain', KS]);
    expect((await listsnapshots()).map((r) => r.tag)).not.toContain('plain');
    // Only a TTL'd snapshot left: the 2.x agent sends SnapshotDetails whole again.
    const run = await runPlugin(PLUGIN, ['--url', cassandra().jolokiaUrl, '-v']);
    expect(run.stdout).toContain('source: SnapshotDetails from');
    const answer = await check(['--url', cassandra().jolokiaUrl]);
    expect(answer.snapshots.map((s) => s.snapshot)).toEqual(['withttl']);
    const listed = await listsnapshots();
    expect(answer.snapshots[0]?.expires).toBe(listed[0]?.expires);
    await nodetoolOk(['clearsnapshot', '--all', KS]);
    expect((await check(['--url', cassandra().jolokiaUrl])).snapshots).toEqual([]);
  });
});
