// Cassandra knowledge: what waits in backups/. Cassandra hard-links every flushed and streamed
// SSTable into `<data dir>/<keyspace>/<table>-<id>/backups/` (index SSTables into
// `backups/.<index>/`) and never deletes one: a shipper must copy them off and remove them. What
// is still there is the shipper's backlog, and the oldest file is its lag.
//
// Every table directory of every keyspace is read, old incarnations of dropped tables included:
// their backups/ takes disk all the same. Sizes and ages cost one lstat per file, and on a
// million files the system calls are the whole cost (docs/DECISIONS.md D19): so a large backlog is
// shared out between this thread and worker threads, one table at a time. A file with more than
// one link counts once per inode; when that inode is also a live SSTable of the table, deleting
// the backup frees nothing, and that part is reported as shared.

import { readdirSync, statfsSync, type Dirent } from 'node:fs';
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { isMainThread, Worker } from 'node:worker_threads';
import { CheckError } from '../runtime/errors.js';
import { DataDirectoryError, unreadableError } from './data-layout.js';
import type { TableSelector } from './identifiers.js';

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
/** Files this thread reads alone before it asks worker threads to help (a worker costs ~30 ms to start). */
const HELP_AFTER_FILES = 20_000;

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
export async function scanBacklog(dataDirectories: readonly string[], filter: BacklogFilter, deadline: number): Promise<BacklogScan> {
  const leftOut = new Set<string>();
  const unreadable: { name: string; reason: string }[] = [];
  const directories: DataDirectoryBacklog[] = dataDirectories.map((path) => ({ path, files: 0, bytes: 0, diskBytes: 0, ...filesystemOf(path) }));
  const found = findTableDirectories(dataDirectories, filter, leftOut, unreadable);

  const measured = await measureAll(found, deadline);

  const tables = new Map<string, TableBacklog>();
  found.forEach((directory, i) => {
    const name = `${directory.keyspace}.${directory.table}`;
    const result = measured.results[i] as TableMeasurement;
    if (result.kind === 'unreadable') {
      unreadable.push({ name, reason: unreadableError(result.path, { code: result.code }).message });
      return;
    }
    if (result.kind !== 'measured') return; // none; a timeout has already ended the scan
    const backlog = tables.get(name) ?? { keyspace: directory.keyspace, table: directory.table, files: 0, bytes: 0, diskBytes: 0, liveSharedBytes: 0, oldestMs: undefined, directories: [] };
    backlog.files += result.files;
    backlog.bytes += result.bytes;
    backlog.diskBytes += result.diskBytes;
    backlog.liveSharedBytes += result.liveSharedBytes;
    if (result.oldestMs !== undefined && (backlog.oldestMs === undefined || result.oldestMs < backlog.oldestMs)) backlog.oldestMs = result.oldestMs;
    backlog.directories.push(directory.path);
    tables.set(name, backlog);
    const totals = directories[directory.dataDirectory] as DataDirectoryBacklog;
    totals.files += result.files;
    totals.bytes += result.bytes;
    totals.diskBytes += result.diskBytes;
  });
  const unreadableNames = new Set(unreadable.map((u) => u.name));
  return {
    tables: [...tables.values()].filter((t) => !unreadableNames.has(`${t.keyspace}.${t.table}`)).sort((a, b) => compare(`${a.keyspace}.${a.table}`, `${b.keyspace}.${b.table}`)),
    dataDirectories: directories,
    leftOut: [...leftOut].sort(compare),
    unreadable,
    threads: measured.threads,
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The table directories to read, in every data directory; what is left out and what cannot be listed are noted. */
function findTableDirectories(dataDirectories: readonly string[], filter: BacklogFilter, leftOut: Set<string>, unreadable: { name: string; reason: string }[]): TableDirectory[] {
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
        if (wanted(filter, keyspace, table)) found.push({ keyspace, table, path: resolve(dataDirectory, keyspace, directoryName), dataDirectory: index });
        else leftOut.add(`${keyspace}.${table}`);
      }
    }
  });
  return found;
}

function wanted(filter: BacklogFilter, keyspace: string, table?: string): boolean {
  const matches = (s: TableSelector): boolean => s.keyspace === keyspace && (table === undefined ? s.table === undefined : s.table === undefined || s.table === table);
  // A keyspace is entered when any selector names it; its tables are then decided one by one.
  const named = table === undefined ? filter.only.some((s) => s.keyspace === keyspace) : filter.only.some(matches);
  return (filter.only.length === 0 || named) && !filter.exclude.some(matches);
}

/**
 * Measures every table directory: this thread takes them one by one, and once it has read
 * HELP_AFTER_FILES files, worker threads join in, each taking the next table from a shared
 * counter until none is left. A small backlog never starts a worker.
 */
async function measureAll(found: readonly TableDirectory[], deadline: number): Promise<{ results: TableMeasurement[]; threads: number }> {
  const results: TableMeasurement[] = new Array<TableMeasurement>(found.length);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const paths = found.map((d) => d.path);
  const workers: Promise<void>[] = [];
  let files = 0;
  // This thread reads from inside each folder (measureTable's chdir), then goes back.
  const home = currentDirectory();
  try {
    for (let i = Atomics.add(next, 0, 1); i < found.length; i = Atomics.add(next, 0, 1)) {
      const result = measureTable(fs, paths[i] as string, deadline, isMainThread ? (directory) => process.chdir(directory) : undefined);
      results[i] = result;
      if (result.kind === 'timeout') throw new CheckError(`still reading ${paths[i] as string}/backups at the timeout`, { timedOut: true });
      if (result.kind === 'measured') files += result.files;
      if (files >= HELP_AFTER_FILES && workers.length === 0 && found.length - i > 1) {
        for (let w = 1; w < Math.max(2, availableParallelism()); w++) workers.push(helper(paths, next, deadline, results));
      }
    }
  } finally {
    process.chdir(home);
  }
  await Promise.all(workers);
  const timedOut = results.findIndex((r) => r.kind === 'timeout');
  if (timedOut !== -1) throw new CheckError(`still reading ${paths[timedOut] as string}/backups at the timeout`, { timedOut: true });
  return { results, threads: 1 + workers.length };
}

/** A worker thread that measures tables from the shared counter and sends back what it measured. */
function helper(paths: readonly string[], next: Int32Array, deadline: number, results: TableMeasurement[]): Promise<void> {
  // The worker runs measureTable's own source: one definition, read by both threads.
  const source = `const { parentPort, workerData } = require('node:worker_threads');
const measureTable = ${measureTable.toString()};
const { paths, next, deadline } = workerData;
const measured = [];
for (let i = Atomics.add(next, 0, 1); i < paths.length; i = Atomics.add(next, 0, 1)) measured.push([i, measureTable(require('node:fs'), paths[i], deadline)]);
parentPort.postMessage(measured);`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { paths, next, deadline } });
    worker.once('message', (measured: [number, TableMeasurement][]) => {
      for (const [i, result] of measured) results[i] = result;
      resolve();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a backlog reader thread exited with ${code}`))));
  });
}

/** One table directory's backups/, measured; or why not. Plain data, so that it crosses threads. */
export type TableMeasurement =
  | { readonly kind: 'measured'; readonly files: number; readonly bytes: number; readonly diskBytes: number; readonly liveSharedBytes: number; readonly oldestMs: number | undefined }
  | { readonly kind: 'none' }
  | { readonly kind: 'unreadable'; readonly path: string; readonly code: string }
  | { readonly kind: 'timeout' };

/**
 * Measures one table directory's backups/. Runs in worker threads from its own source text: it
 * may use nothing but its parameters (no imports, no module constants). With `chdir` (this
 * thread only: workers may not change directory) it enters each folder and stats bare names,
 * which spares the kernel the walk down the whole path: a third less system time per file.
 */
export function measureTable(
  fileSystem: Pick<typeof fs, 'readdirSync' | 'lstatSync'>,
  tableDirectory: string,
  deadline: number,
  chdir?: (directory: string) => void,
): TableMeasurement {
  const noEntry = { throwIfNoEntry: false } as const;
  /** Lists a folder; returns the prefix its names are stat'ed with (empty once entered). */
  const open = (folder: string): { names: string[]; prefix: string } => {
    if (chdir === undefined) return { names: fileSystem.readdirSync(folder), prefix: `${folder}/` };
    chdir(folder);
    return { names: fileSystem.readdirSync('.'), prefix: '' };
  };
  const folders = [`${tableDirectory}/backups`];
  let files = 0;
  let bytes = 0;
  let diskBytes = 0;
  let oldestMs: number | undefined;
  /** Inodes of files linked more than once, and their sizes: a hard link is counted once. */
  const linked = new Map<number, number>();
  let where = folders[0] as string;
  try {
    for (let f = 0; f < folders.length; f++) {
      const folder = folders[f] as string;
      where = folder;
      let listing;
      try {
        listing = open(folder);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // No backups/ yet (never flushed with backup on): not an error. A .<index>/ gone since the listing: shipped.
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          if (f === 0) return { kind: 'none' };
          continue;
        }
        throw error;
      }
      for (const name of listing.names) {
        if ((files & 4095) === 4095 && Date.now() > deadline) return { kind: 'timeout' };
        where = `${folder}/${name}`;
        const stats = fileSystem.lstatSync(listing.prefix + name, noEntry);
        if (stats === undefined) continue; // shipped between the listing and now
        if (stats.isDirectory()) {
          // backups/.<index>/ holds a secondary index's SSTables; nothing nests deeper.
          if (f === 0 && name.startsWith('.')) folders.push(`${folder}/${name}`);
          continue;
        }
        files++;
        if (oldestMs === undefined || stats.mtimeMs < oldestMs) oldestMs = stats.mtimeMs;
        if (stats.nlink > 1) {
          if (linked.has(stats.ino)) continue;
          linked.set(stats.ino, stats.size);
        }
        bytes += stats.size;
        diskBytes += stats.blocks * 512;
      }
    }
    // Linked inodes that are also live SSTables (in the table directory or its .<index>/ folders).
    let liveSharedBytes = 0;
    if (linked.size > 0) {
      const live = [tableDirectory];
      for (let f = 0; f < live.length; f++) {
        const folder = live[f] as string;
        where = folder;
        const listing = open(folder);
        for (const name of listing.names) {
          where = `${folder}/${name}`;
          const stats = fileSystem.lstatSync(listing.prefix + name, noEntry);
          if (stats === undefined) continue;
          if (stats.isDirectory()) {
            if (f === 0 && name.startsWith('.')) live.push(`${folder}/${name}`);
            continue;
          }
          const size = linked.get(stats.ino);
          if (size !== undefined) {
            liveSharedBytes += size;
            linked.delete(stats.ino); // a second live name of the same file
          }
        }
      }
    }
    return { kind: 'measured', files, bytes, diskBytes, liveSharedBytes, oldestMs };
  } catch (error) {
    return { kind: 'unreadable', path: where, code: String((error as NodeJS.ErrnoException).code ?? error) };
  }
}

/** Where the process is; '/' when that folder is gone (a plugin started from a deleted directory). */
function currentDirectory(): string {
  try {
    return process.cwd();
  } catch {
    return '/';
  }
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
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(compare);
}
