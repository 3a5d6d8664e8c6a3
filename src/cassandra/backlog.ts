// Cassandra knowledge: what waits in backups/. Cassandra hard-links every flushed and streamed
// SSTable into `<data dir>/<keyspace>/<table>-<id>/backups/` (index SSTables into
// `backups/.<index>/`) and never deletes one: a shipper must copy them off and remove them. What
// is still there is the shipper's backlog, and the oldest file is its lag.
//
// Every table directory of every keyspace is read, old incarnations of dropped tables included:
// their backups/ takes disk all the same. Sizes and ages cost one lstat per file, and on a
// million files the system calls are the whole cost (docs/DECISIONS.md D19): backlog-measure.ts
// shares a large backlog out between this thread and worker threads. A file with more than
// one link counts once per inode; when that inode is also a live SSTable of the table, deleting
// the backup frees nothing, and that part is reported as shared.

import { readdirSync, statfsSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';
import { measureAll, type TableMeasurement } from './backlog-measure.js';
import { DataDirectoryError, unreadableError } from './data-layout.js';
import type { TableSelector } from './identifiers.js';

export { measureTable, type TableMeasurement } from './backlog-measure.js';

/** What waits in one table's backups/, over every data directory and incarnation. */
export interface TableBacklog {
  readonly keyspace: string;
  readonly table: string;
  /** Names in backups/ (every component, index SSTables included). */
  files: number;
  /** Bytes of those files, each inode once. */
  bytes: number;
  /** What those inodes take on disk (allocated blocks): what the file system share counts. */
  diskBytes: number;
  /** Of `bytes`, the inodes that are also live SSTables of the table: deleting frees none of it. */
  liveSharedBytes: number;
  /** Modification time of the oldest file, ms since the epoch; undefined when backups/ is empty. */
  oldestMs: number | undefined;
  /** The table's directories that have a backups/ (two after a drop and re-create). */
  readonly directories: string[];
}

/** One data directory: what its tables' backups/ hold, and the file system it is on. */
export interface DataDirectoryBacklog {
  readonly path: string;
  files: number;
  bytes: number;
  /** Allocated on disk, as `du` counts: the share of the file system is this one. */
  diskBytes: number;
  /** Size of the file system the directory is on (statfs), bytes. */
  readonly filesystemBytes: number;
  /** Bytes still available to Cassandra on it. */
  readonly availableBytes: number;
}

export interface BacklogScan {
  /** Tables with a backups/ directory (possibly empty), sorted by `keyspace.table`. */
  readonly tables: readonly TableBacklog[];
  readonly dataDirectories: readonly DataDirectoryBacklog[];
  /** Keyspaces and `keyspace.table`s left out by --exclude (or not asked for by --keyspace). */
  readonly leftOut: readonly string[];
  /** Keyspaces and tables whose folders could not be read, and why: each is UNKNOWN on its own. */
  readonly unreadable: readonly { readonly name: string; readonly reason: string }[];
  /** Threads that read the files (1: this one alone). */
  readonly threads: number;
}

export interface BacklogFilter {
  /** Only these keyspaces or tables; empty: every one. */
  readonly only: readonly TableSelector[];
  readonly exclude: readonly TableSelector[];
}

/** `<table>-<32 hex>`; the id is absent only in directories from before Cassandra 2.1. */
const TABLE_DIRECTORY = /^(\w+?)(?:-([0-9a-f]{32}))?$/;

interface TableDirectory {
  readonly keyspace: string;
  readonly table: string;
  readonly path: string;
  readonly dataDirectory: number;
}

/**
 * Reads every table's backups/ in the data directories. `deadline` is checked as it goes (the
 * reading does not yield), so -t holds for a million files.
 */
export async function scanBacklog(
  dataDirectories: readonly string[],
  filter: BacklogFilter,
  deadline: number,
): Promise<BacklogScan> {
  const leftOut = new Set<string>();
  const unreadable: { name: string; reason: string }[] = [];
  // Before any reading: a data directory whose file system cannot be asked ends the scan at once.
  const directories = dataDirectories.map(emptyDataDirectoryBacklog);
  const found = findTableDirectories(dataDirectories, filter, leftOut, unreadable);
  const measured = await measureAll(
    found.map((d) => d.path),
    deadline,
  );
  const tables = addUpMeasurements(found, measured.results, directories, unreadable);
  return {
    tables: readableTablesSorted(tables, unreadable),
    dataDirectories: directories,
    leftOut: [...leftOut].sort(compare),
    unreadable,
    threads: measured.threads,
  };
}

/** A data directory's totals before any table is counted, with its file system's size. */
function emptyDataDirectoryBacklog(path: string): DataDirectoryBacklog {
  return { path, files: 0, bytes: 0, diskBytes: 0, ...filesystemOf(path) };
}

/**
 * Adds each table directory's measurement to its table (all incarnations and data directories of
 * a table are one) and to its data directory's totals; an unreadable one is noted instead.
 */
function addUpMeasurements(
  found: readonly TableDirectory[],
  results: readonly TableMeasurement[],
  directories: DataDirectoryBacklog[],
  unreadable: { name: string; reason: string }[],
): Map<string, TableBacklog> {
  const tables = new Map<string, TableBacklog>();
  found.forEach((directory, i) => {
    const name = `${directory.keyspace}.${directory.table}`;
    const result = results[i] as TableMeasurement;
    if (result.kind === 'unreadable') {
      unreadable.push({ name, reason: unreadableError(result.path, { code: result.code }).message });
      return;
    }
    if (result.kind !== 'measured') return; // none; a timeout has already ended the scan
    const backlog = tables.get(name) ?? emptyTableBacklog(directory);
    addToTable(backlog, result);
    backlog.directories.push(directory.path);
    tables.set(name, backlog);
    const totals = directories[directory.dataDirectory] as DataDirectoryBacklog;
    totals.files += result.files;
    totals.bytes += result.bytes;
    totals.diskBytes += result.diskBytes;
  });
  return tables;
}

type Measured = Extract<TableMeasurement, { kind: 'measured' }>;

function emptyTableBacklog(directory: TableDirectory): TableBacklog {
  return {
    keyspace: directory.keyspace,
    table: directory.table,
    files: 0,
    bytes: 0,
    diskBytes: 0,
    liveSharedBytes: 0,
    oldestMs: undefined,
    directories: [],
  };
}

/** One directory's files into its table's backlog: sums, and the older of the two oldest files. */
function addToTable(backlog: TableBacklog, result: Measured): void {
  backlog.files += result.files;
  backlog.bytes += result.bytes;
  backlog.diskBytes += result.diskBytes;
  backlog.liveSharedBytes += result.liveSharedBytes;
  if (result.oldestMs !== undefined && (backlog.oldestMs === undefined || result.oldestMs < backlog.oldestMs))
    backlog.oldestMs = result.oldestMs;
}

/** The tables, by `keyspace.table`; one with an unreadable directory is left to its UNKNOWN alone. */
function readableTablesSorted(
  tables: Map<string, TableBacklog>,
  unreadable: readonly { name: string }[],
): TableBacklog[] {
  const unreadableNames = new Set(unreadable.map((u) => u.name));
  return [...tables.values()]
    .filter((t) => !unreadableNames.has(`${t.keyspace}.${t.table}`))
    .sort((a, b) => compare(`${a.keyspace}.${a.table}`, `${b.keyspace}.${b.table}`));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The table directories to read, in every data directory; what is left out and what cannot be listed are noted. */
function findTableDirectories(
  dataDirectories: readonly string[],
  filter: BacklogFilter,
  leftOut: Set<string>,
  unreadable: { name: string; reason: string }[],
): TableDirectory[] {
  const found: TableDirectory[] = [];
  dataDirectories.forEach((dataDirectory, index) => {
    for (const keyspace of subdirectories(dataDirectory) ?? []) {
      if (!wanted(filter, keyspace)) {
        leftOut.add(keyspace);
        continue;
      }
      let tables: string[];
      try {
        tables = subdirectories(join(dataDirectory, keyspace)) ?? [];
      } catch (error) {
        if (!(error instanceof DataDirectoryError)) throw error;
        unreadable.push({ name: keyspace, reason: error.message });
        continue;
      }
      for (const directoryName of tables) {
        const table = TABLE_DIRECTORY.exec(directoryName)?.[1];
        if (table === undefined) continue;
        // Absolute: this thread reads from inside each folder, where a relative --data-dir means nothing.
        if (wanted(filter, keyspace, table))
          found.push({ keyspace, table, path: resolve(dataDirectory, keyspace, directoryName), dataDirectory: index });
        else leftOut.add(`${keyspace}.${table}`);
      }
    }
  });
  return found;
}

function wanted(filter: BacklogFilter, keyspace: string, table?: string): boolean {
  const matches = (s: TableSelector): boolean =>
    s.keyspace === keyspace &&
    (table === undefined ? s.table === undefined : s.table === undefined || s.table === table);
  // A keyspace is entered when any selector names it; its tables are then decided one by one.
  const named = table === undefined ? filter.only.some((s) => s.keyspace === keyspace) : filter.only.some(matches);
  return (filter.only.length === 0 || named) && !filter.exclude.some(matches);
}

function filesystemOf(dataDirectory: string): { filesystemBytes: number; availableBytes: number } {
  try {
    const stats = statfsSync(dataDirectory);
    return { filesystemBytes: stats.blocks * stats.bsize, availableBytes: stats.bavail * stats.bsize };
  } catch (error) {
    throw unreadableError(dataDirectory, error);
  }
}

/** The folders in a directory (not hidden ones), sorted; undefined when it does not exist; a DataDirectoryError when it cannot be read. */
function subdirectories(directory: string): string[] | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw unreadableError(directory, error);
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(compare);
}
