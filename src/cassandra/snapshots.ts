// Cassandra knowledge: snapshots, as `nodetool listsnapshots` shows them. Two sources:
//
//  - StorageService's SnapshotDetails (what listsnapshots reads): one row per snapshot and table,
//    every column a string: "Snapshot name", "Keyspace name", "Column family name", "True size",
//    "Size on disk" ("151 bytes", "5.44 KiB": DecimalFormat #.##), and from 4.1 on "Creation time"
//    and "Expiration time" (ISO 8601, empty without a TTL); 5.0 adds "Ephemeral". Jolokia sends the
//    TabularData as maps nested by its index columns, the rows at the bottom.
//  - The node's files: `<data dir>/<keyspace>/<table>-<id>/snapshots/<tag>/`, with a manifest.json
//    that has created_at and expires_at from 4.1 on. Before 4.1 the folder's own time is all there
//    is. "True size" is what the snapshot holds that no live SSTable shares: its files whose inode
//    is not a live component of the table.

import { lstatSync, readdirSync, readFileSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Answer } from '../jolokia/answer.js';
import { JolokiaProtocolError } from '../jolokia/errors.js';
import { unreadableError } from './data-layout.js';
import type { TableSelector } from './identifiers.js';

/** One snapshot tag over every table that has it. */
export interface Snapshot {
  readonly tag: string;
  /** `keyspace.table` of every table in it. */
  readonly tables: readonly string[];
  /** Bytes no live SSTable shares: what clearsnapshot would free. */
  readonly trueSizeBytes: number;
  /** Bytes of every file in it, shared or not. */
  readonly sizeOnDiskBytes: number;
  /** When it was taken, ms since the epoch; undefined when the source does not say (Cassandra 4.0 over JMX). */
  readonly createdMs: number | undefined;
  /** When Cassandra is to remove it (nodetool snapshot --ttl); undefined without a TTL. */
  readonly expiresMs: number | undefined;
  /** Made by Cassandra itself for a repair, and removed by it (5.0 says so). */
  readonly ephemeral: boolean;
}

/** A row of SnapshotDetails, as Cassandra names the columns. */
type Row = Readonly<Record<string, unknown>>;

const UNITS: Readonly<Record<string, number>> = { bytes: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** Bytes in Cassandra's own size text (`151 bytes`, `5.44 KiB`, or `5,44 KiB` in a comma locale): within half a hundredth of its unit. */
export function parseCassandraSize(text: string): number | undefined {
  const match = /^(\d+(?:[.,]\d+)?)\s*(bytes|KiB|MiB|GiB|TiB)$/.exec(text.trim());
  return match === null
    ? undefined
    : Math.round(Number((match[1] as string).replace(',', '.')) * (UNITS[match[2] as string] as number));
}

/** The snapshots in SnapshotDetails' answer, tag by tag. */
export function snapshotsFromDetails(answer: Answer): Snapshot[] {
  const details = answer.map();
  const rows: Row[] = [];
  collectRows(details, rows, 0);
  if (Object.keys(details).length > 0 && rows.length === 0) {
    throw new JolokiaProtocolError(
      "SnapshotDetails came without the rows nodetool listsnapshots shows (no 'Snapshot name' column)",
    );
  }
  const byTag = new Map<string, Row[]>();
  for (const row of rows) {
    const tag = String(row['Snapshot name']);
    byTag.set(tag, [...(byTag.get(tag) ?? []), row]);
  }
  return [...byTag.entries()].map(([tag, tagRows]) => {
    const text = (row: Row, column: string): string => (typeof row[column] === 'string' ? (row[column] as string) : '');
    const sum = (column: string): number =>
      tagRows.reduce((n, row) => n + (parseCassandraSize(text(row, column)) ?? 0), 0);
    const times = (column: string): number[] =>
      tagRows.map((row) => Date.parse(text(row, column))).filter((t) => Number.isFinite(t));
    const created = times('Creation time');
    const expires = times('Expiration time');
    return {
      tag,
      tables: [
        ...new Set(tagRows.map((row) => `${text(row, 'Keyspace name')}.${text(row, 'Column family name')}`)),
      ].sort(),
      trueSizeBytes: sum('True size'),
      sizeOnDiskBytes: sum('Size on disk'),
      createdMs: created.length > 0 ? Math.min(...created) : undefined,
      expiresMs: expires.length > 0 ? Math.min(...expires) : undefined,
      ephemeral: tagRows.some((row) => text(row, 'Ephemeral') === 'true'),
    };
  });
}

/** TabularData as Jolokia nests it: maps keyed by index values, rows (with a 'Snapshot name') at the bottom. */
function collectRows(value: unknown, rows: Row[], depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 16) return;
  if ('Snapshot name' in value) {
    rows.push(value as Row);
    return;
  }
  for (const child of Object.values(value)) collectRows(child, rows, depth + 1);
}

/** What the snapshot folders of the data directories hold, tag by tag. */
export interface SnapshotFolders {
  readonly snapshots: readonly Snapshot[];
  /** Keyspaces and tables whose folders could not be read, and why. */
  readonly unreadable: readonly { readonly name: string; readonly reason: string }[];
}

const TABLE_DIRECTORY = /^(\w+?)(?:-[0-9a-f]{32})?$/;

/**
 * Reads `snapshots/<tag>/` of every table in the data directories: the tables of each tag, its
 * true size (files whose inode no live component of the table has), its size on disk, and when it
 * was taken and expires (manifest.json's created_at / expires_at, 4.1+; else the folder's time).
 */
export function scanSnapshotFolders(
  dataDirectories: readonly string[],
  only: readonly TableSelector[] = [],
): SnapshotFolders {
  const tags = new Map<string, TagTotals>();
  const unreadable: { name: string; reason: string }[] = [];
  for (const { directory, name } of selectedTableDirectories(dataDirectories, only)) {
    // One table's folders unreadable: that table is reported, the others still count.
    try {
      addTableSnapshots(tags, directory, name);
    } catch (error) {
      unreadable.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { snapshots: snapshotsOf(tags), unreadable };
}

/** One tag's running totals over the tables that have it. */
interface TagTotals {
  tables: Set<string>;
  trueSize: number;
  onDisk: number;
  created: number | undefined;
  expires: number | undefined;
}

/** Every table directory of the data directories that `only` selects (all when empty), named `keyspace.table`. */
function selectedTableDirectories(
  dataDirectories: readonly string[],
  only: readonly TableSelector[],
): { directory: string; name: string }[] {
  const selected: { directory: string; name: string }[] = [];
  for (const dataDirectory of dataDirectories) {
    for (const keyspace of folders(dataDirectory)) {
      if (only.length > 0 && !only.some((s) => s.keyspace === keyspace)) continue;
      for (const tableDirectory of folders(join(dataDirectory, keyspace))) {
        const table = TABLE_DIRECTORY.exec(tableDirectory)?.[1];
        if (
          table === undefined ||
          (only.length > 0 &&
            !only.some((s) => s.keyspace === keyspace && (s.table === undefined || s.table === table)))
        )
          continue;
        selected.push({ directory: join(dataDirectory, keyspace, tableDirectory), name: `${keyspace}.${table}` });
      }
    }
  }
  return selected;
}

/** Adds each snapshot tag of one table directory to the totals of that tag. */
function addTableSnapshots(tags: Map<string, TagTotals>, directory: string, name: string): void {
  const snapshotTags = folders(join(directory, 'snapshots'));
  // Most tables have no snapshot: skip listing their live files.
  if (snapshotTags.length === 0) return;
  const live = liveInodes(directory);
  for (const tag of snapshotTags) {
    const entry = tags.get(tag) ?? {
      tables: new Set<string>(),
      trueSize: 0,
      onDisk: 0,
      created: undefined,
      expires: undefined,
    };
    entry.tables.add(name);
    addSnapshotFolder(entry, join(directory, 'snapshots', tag), live);
    tags.set(tag, entry);
  }
}

/**
 * One table's folder of a tag: its sizes (true size leaves out what live SSTables share), and the
 * earliest creation and expiry over the tag's tables.
 */
function addSnapshotFolder(entry: TagTotals, folder: string, live: Set<number>): void {
  for (const file of entries(folder)) {
    if (!file.isFile()) continue;
    const stats = statOf(join(folder, file.name));
    if (stats === undefined) continue;
    entry.onDisk += stats.size;
    if (!live.has(stats.ino)) entry.trueSize += stats.size;
  }
  const { created, expires } = manifestTimes(folder);
  if (created !== undefined && (entry.created === undefined || created < entry.created)) entry.created = created;
  if (expires !== undefined && (entry.expires === undefined || expires < entry.expires)) entry.expires = expires;
}

/** The totals as snapshots (files on disk never say ephemeral). */
function snapshotsOf(tags: Map<string, TagTotals>): Snapshot[] {
  return [...tags.entries()].map(([tag, e]) => ({
    tag,
    tables: [...e.tables].sort(),
    trueSizeBytes: e.trueSize,
    sizeOnDiskBytes: e.onDisk,
    createdMs: e.created,
    expiresMs: e.expires,
    ephemeral: false,
  }));
}

/** manifest.json's created_at and expires_at (4.1+), else the folder's modification time as the creation. */
function manifestTimes(folder: string): { created: number | undefined; expires: number | undefined } {
  let manifest: { created_at?: unknown; expires_at?: unknown } = {};
  try {
    manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as typeof manifest;
  } catch {
    // No manifest (an old or a hand-made snapshot), or one being written: the folder's time says enough.
  }
  const time = (value: unknown): number | undefined =>
    typeof value === 'string' && Number.isFinite(Date.parse(value)) ? Date.parse(value) : undefined;
  return { created: time(manifest.created_at) ?? statOf(folder)?.mtimeMs, expires: time(manifest.expires_at) };
}

function liveInodes(tableDirectory: string): Set<number> {
  const inodes = new Set<number>();
  for (const file of entries(tableDirectory)) {
    if (!file.isFile()) continue;
    const stats = statOf(join(tableDirectory, file.name));
    if (stats !== undefined) inodes.add(stats.ino);
  }
  return inodes;
}

function folders(directory: string): string[] {
  return entries(directory)
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

function entries(directory: string): Dirent[] {
  try {
    return readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw unreadableError(directory, error);
  }
}

function statOf(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw unreadableError(path, error);
  }
}
