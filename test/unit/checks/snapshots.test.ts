// Snapshots from both sources, and their judgement. The SnapshotDetails answers below have the
// shape the real agents send (5.0.9: rows nested under their index values, times and Ephemeral;
// 4.0: no times); the real node itself, with nodetool listsnapshots as the oracle, is in
// test/integration/snapshots.test.ts.
import { linkSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseCassandraSize,
  scanSnapshotFolders,
  snapshotsFromDetails,
  type Snapshot,
} from '../../../src/cassandra/snapshots.js';
import type { SnapshotFacts, SnapshotSource } from '../../../src/cassandra/snapshot-facts.js';
import { judgeSnapshots, type SnapshotPolicy } from '../../../src/checks/snapshots.js';
import { Answer } from '../../../src/jolokia/answer.js';
import { Redactor } from '../../../src/jolokia/redact.js';
import { parseDuration } from '../../../src/runtime/duration.js';
import { formatPerfdata } from '../../../src/runtime/perfdata.js';
import { Range } from '../../../src/runtime/range.js';
import { reportState } from '../../../src/runtime/result.js';
import { CRITICAL, OK, UNKNOWN, WARNING } from '../../../src/runtime/state.js';
import { summaryText } from '../../../src/runtime/summary.js';

const MBEAN = 'org.apache.cassandra.db:type=StorageService';
const READ = { type: 'read', mbean: MBEAN, attribute: 'SnapshotDetails' } as const;
const PARTY = {
  where: 'http://cass1:8778/jolokia',
  label: 'the agent',
  redactor: new Redactor(undefined, undefined),
  system: 'Cassandra',
};
const answer = (value: unknown) =>
  new Answer(READ, { status: 200, value, request: READ, timestamp: 0 } as never, PARTY);

/** A 5.0 row, nested as Jolokia nests the TabularData: by each index column's value. */
function row50(
  tag: string,
  table: string,
  trueSize: string,
  onDisk: string,
  created: string,
  expires = '',
): Record<string, unknown> {
  const leaf = {
    'Snapshot name': tag,
    'Keyspace name': 'shop',
    'Column family name': table,
    'True size': trueSize,
    'Size on disk': onDisk,
    'Creation time': created,
    'Expiration time': expires,
    Ephemeral: 'false',
  };
  return { [tag]: { shop: { [table]: { [trueSize]: { [onDisk]: { [created]: { [expires]: { false: leaf } } } } } } } };
}

const age = (spec: string): Range => Range.parse(spec, '--warning-age', (t) => parseDuration(t, '--warning-age'));
const POLICY: SnapshotPolicy = { age: {}, size: {}, expired: { state: WARNING, graceSeconds: 600 }, excludeTags: [] };
const HOUR = 3_600_000;

describe("Cassandra's size text", () => {
  it.each([
    ['151 bytes', 151],
    ['5.44 KiB', Math.round(5.44 * 1024)],
    ['5,44 KiB', Math.round(5.44 * 1024)],
    ['1.5 GiB', 1.5 * 1024 ** 3],
    ['2 TiB', 2 * 1024 ** 4],
  ])('%s is %d bytes', (text, bytes) => expect(parseCassandraSize(text)).toBe(bytes));

  it.each(['', 'NaN bytes', '5 KB', '-1 bytes'])('%j is not one', (text) =>
    expect(parseCassandraSize(text)).toBeUndefined(),
  );
});

describe('SnapshotDetails', () => {
  it('5.0: one snapshot per tag, its tables, sizes summed, creation and expiry times', () => {
    const value = {
      ...row50('daily', 'orders', '151 bytes', '5.44 KiB', '2026-11-28T11:51:45.890Z', '2026-11-28T12:51:45.890Z'),
    };
    (value['daily'] as Record<string, Record<string, unknown>>)['shop'] = {
      ...((value['daily'] as Record<string, Record<string, unknown>>)['shop'] as object),
      ...((
        row50('daily', 'carts', '1 KiB', '2 KiB', '2026-11-28T11:51:45.890Z', '2026-11-28T12:51:45.890Z')[
          'daily'
        ] as Record<string, unknown>
      )['shop'] as object),
    };
    Object.assign(value, row50('before-upgrade', 'orders', '2 MiB', '3 MiB', '2026-11-01T00:00:00.000Z'));
    const snapshots = snapshotsFromDetails(answer(value));
    expect(snapshots).toEqual([
      {
        tag: 'daily',
        tables: ['shop.carts', 'shop.orders'],
        trueSizeBytes: 151 + 1024,
        sizeOnDiskBytes: Math.round(5.44 * 1024) + 2048,
        createdMs: Date.parse('2026-11-28T11:51:45.890Z'),
        expiresMs: Date.parse('2026-11-28T12:51:45.890Z'),
        ephemeral: false,
      },
      {
        tag: 'before-upgrade',
        tables: ['shop.orders'],
        trueSizeBytes: 2 * 1024 ** 2,
        sizeOnDiskBytes: 3 * 1024 ** 2,
        createdMs: Date.parse('2026-11-01T00:00:00.000Z'),
        expiresMs: undefined,
        ephemeral: false,
      },
    ]);
  });

  it('4.0: no times in the rows, so none in the snapshot', () => {
    const leaf = {
      'Snapshot name': 'old',
      'Keyspace name': 'shop',
      'Column family name': 'orders',
      'True size': '10 bytes',
      'Size on disk': '20 bytes',
    };
    const [snapshot] = snapshotsFromDetails(
      answer({ old: { old: { shop: { orders: { '10 bytes': { '20 bytes': leaf } } } } } }),
    );
    expect(snapshot).toMatchObject({ tag: 'old', createdMs: undefined, expiresMs: undefined, trueSizeBytes: 10 });
  });

  it('no snapshots is an empty map; a map without rows is not what listsnapshots reads', () => {
    expect(snapshotsFromDetails(answer({}))).toEqual([]);
    expect(() => snapshotsFromDetails(answer({ x: { y: 'z' } }))).toThrow(
      /without the rows nodetool listsnapshots shows/,
    );
    expect(() => snapshotsFromDetails(answer('nope'))).toThrow();
  });
});

describe('judgeSnapshots', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  const snapshot = (tag: string, hoursOld: number | undefined, extra: Partial<Snapshot> = {}): Snapshot => ({
    tag,
    tables: ['shop.orders'],
    trueSizeBytes: 1024,
    sizeOnDiskBytes: 4096,
    createdMs: hoursOld === undefined ? undefined : now - hoursOld * HOUR,
    expiresMs: undefined,
    ephemeral: false,
    ...extra,
  });
  const source = { description: 'test' };
  const facts = (snapshots: Snapshot[], from: SnapshotSource): SnapshotFacts => ({
    snapshots,
    source: from,
    unreadable: [],
  });

  it('young snapshots: OK, the oldest named', () => {
    const report = judgeSnapshots(
      facts([snapshot('a', 1), snapshot('b', 30)], source),
      { ...POLICY, age: { warning: age('7d') } },
      now,
    );
    expect(reportState(report)).toBe(OK);
    expect(summaryText(report, 200)).toBe('2 snapshots, 2.0 KiB true size; oldest 1d6h (b)');
    expect(report.perfdata.map(formatPerfdata)).toEqual([
      'oldest_age=108000s;604800;;0',
      'true_size=2048B;;;0',
      'size_on_disk=8192B;;;0',
      'snapshots=2;;;0',
      'expired=0;;;0',
    ]);
  });

  it('old ones by name, WARNING and CRITICAL', () => {
    const policy = { ...POLICY, age: { warning: age('7d'), critical: age('30d') } };
    const report = judgeSnapshots(
      facts([snapshot('weekly', 24 * 8), snapshot('ancient', 24 * 40), snapshot('fresh', 1)], source),
      policy,
      now,
    );
    expect(reportState(report)).toBe(CRITICAL);
    expect(summaryText(report, 200)).toBe(
      'ancient: 40d old (critical over 30d); 1 table, true size 1.0 KiB (4.0 KiB on disk)',
    );
  });

  it('past its TTL and still there after the grace: --expired-state; before it: only said', () => {
    const ttl = (hoursAgo: number) => ({ expiresMs: now - hoursAgo * HOUR });
    const report = judgeSnapshots(
      facts([snapshot('stuck', 5, ttl(2)), snapshot('just', 5, ttl(0.05))], source),
      POLICY,
      now,
    );
    expect(reportState(report)).toBe(WARNING);
    expect(summaryText(report, 200)).toMatch(/^stuck: 5h old; 1 table, .*; expired 2h ago and still there/);
    expect(report.subjects?.results.find((r) => r.subject.name === 'just')).toMatchObject({
      state: OK,
      line: expect.stringContaining('expired 3m ago'),
    });
    expect(report.facts['expired_count']).toBe(1);
    const critical = judgeSnapshots(
      facts([snapshot('stuck', 5, ttl(2))], source),
      { ...POLICY, expired: { state: CRITICAL, graceSeconds: 600 } },
      now,
    );
    expect(reportState(critical)).toBe(CRITICAL);
  });

  it('the total true size has ranges; --exclude-tag leaves snapshots out, a prefix with *', () => {
    const report = judgeSnapshots(
      facts([snapshot('a', 1), snapshot('pre-upgrade-4.1', 2000), snapshot('pre-upgrade-5.0', 900)], source),
      { ...POLICY, size: { warning: Range.parse('1000') }, excludeTags: ['pre-upgrade-*'] },
      now,
    );
    expect(reportState(report)).toBe(WARNING);
    expect(summaryText(report, 200)).toBe('1 snapshot, 1.0 KiB true size (warning over 1000 B)');
    expect(report.facts['left_out']).toEqual(['pre-upgrade-4.1', 'pre-upgrade-5.0']);
  });

  it('no creation time from the source: said, and UNKNOWN only when an age was asked for', () => {
    const why = {
      description: 'test',
      noCreationTime: 'Cassandra 4.0.19 does not report it: run the check on the node',
    };
    const plain = judgeSnapshots(facts([snapshot('old', undefined)], why), POLICY, now);
    expect(reportState(plain)).toBe(OK);
    expect(formatPerfdata(plain.perfdata[0]!)).toBe('oldest_age=U;;;0');
    const asked = judgeSnapshots(
      facts([snapshot('old', undefined)], why),
      { ...POLICY, age: { warning: age('7d') } },
      now,
    );
    expect(reportState(asked)).toBe(UNKNOWN);
    expect(summaryText(asked, 200)).toBe(
      'old: age unknown (Cassandra 4.0.19 does not report it: run the check on the node); 1 table, true size 1.0 KiB (4.0 KiB on disk)',
    );
  });

  it('a table whose snapshot folders cannot be read is UNKNOWN beside the rest, named', () => {
    const report = judgeSnapshots(
      {
        snapshots: [snapshot('a', 1)],
        source,
        unreadable: [{ name: 'shop.orders', reason: 'Cannot read /data/shop/orders-1/snapshots (permission denied)' }],
      },
      POLICY,
      now,
    );
    expect(reportState(report)).toBe(UNKNOWN);
    expect(summaryText(report, 200)).toBe('shop.orders: Cannot read /data/shop/orders-1/snapshots (permission denied)');
    expect(report.subjects?.results.map((r) => r.state)).toEqual([OK]);
  });

  it('no snapshots: OK, age 0', () => {
    const report = judgeSnapshots(facts([], source), { ...POLICY, age: { critical: age('1d') } }, now);
    expect([reportState(report), summaryText(report, 200), formatPerfdata(report.perfdata[0]!)]).toEqual([
      OK,
      'no snapshots',
      'oldest_age=0s;;86400;0',
    ]);
  });
});

describe('scanSnapshotFolders', () => {
  let data: string;
  beforeEach(() => {
    data = mkdtempSync(join(tmpdir(), 'snapshots-'));
  });
  afterEach(() => rmSync(data, { recursive: true, force: true }));

  it('true size leaves out what a live SSTable shares; times from manifest.json, else the folder', () => {
    const table = join(data, 'shop', 'orders-5a1c395e2b7d11efa7a5bd2f6f6c9d1e');
    const withTtl = join(table, 'snapshots', 'daily');
    const old = join(table, 'snapshots', 'old');
    mkdirSync(withTtl, { recursive: true });
    mkdirSync(old, { recursive: true });
    writeFileSync(join(table, 'nb-1-big-Data.db'), 'live data');
    linkSync(join(table, 'nb-1-big-Data.db'), join(withTtl, 'nb-1-big-Data.db'));
    writeFileSync(join(withTtl, 'nb-0-big-Data.db'), 'compacted away');
    writeFileSync(
      join(withTtl, 'manifest.json'),
      JSON.stringify({
        files: ['nb-1-big-Data.db'],
        created_at: '2026-11-28T11:00:00Z',
        expires_at: '2026-11-29T11:00:00Z',
      }),
    );
    writeFileSync(join(old, 'nb-0-big-Data.db'), 'x');
    utimesSync(old, new Date('2026-10-01T00:00:00Z'), new Date('2026-10-01T00:00:00Z'));
    const { snapshots, unreadable } = scanSnapshotFolders([data]);
    expect(unreadable).toEqual([]);
    const manifest = JSON.stringify({
      files: ['nb-1-big-Data.db'],
      created_at: '2026-11-28T11:00:00Z',
      expires_at: '2026-11-29T11:00:00Z',
    });
    expect(snapshots.find((s) => s.tag === 'daily')).toEqual({
      tag: 'daily',
      tables: ['shop.orders'],
      trueSizeBytes: 'compacted away'.length + manifest.length,
      sizeOnDiskBytes: 'compacted away'.length + manifest.length + 'live data'.length,
      createdMs: Date.parse('2026-11-28T11:00:00Z'),
      expiresMs: Date.parse('2026-11-29T11:00:00Z'),
      ephemeral: false,
    });
    expect(snapshots.find((s) => s.tag === 'old')).toMatchObject({
      createdMs: Date.parse('2026-10-01T00:00:00Z'),
      expiresMs: undefined,
      trueSizeBytes: 1,
    });
  });
});
