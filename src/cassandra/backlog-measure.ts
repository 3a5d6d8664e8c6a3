// Cassandra knowledge: measuring what waits in each table's backups/, on every core. One lstat per
// file is the whole cost on a million files (docs/DECISIONS.md D19), so this thread takes the
// tables one by one, and once it has read HELP_AFTER_FILES files, worker threads join in, each
// taking the next table from a shared counter. The workers run the measuring functions' own
// source text: one definition, read by every thread.

import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, Worker } from 'node:worker_threads';
import { CheckError } from '../runtime/errors.js';

/** One table directory's backups/, measured; or why not. Plain data, so that it crosses threads. */
export type TableMeasurement =
  | {
      readonly kind: 'measured';
      readonly files: number;
      readonly bytes: number;
      readonly diskBytes: number;
      readonly liveSharedBytes: number;
      readonly oldestMs: number | undefined;
    }
  | { readonly kind: 'none' }
  | { readonly kind: 'unreadable'; readonly path: string; readonly code: string }
  | { readonly kind: 'timeout' };

/** Files this thread reads alone before it asks worker threads to help (a worker costs ~30 ms to start). */
const HELP_AFTER_FILES = 20_000;

type FileSystem = Pick<typeof fs, 'readdirSync' | 'lstatSync'>;

/** Measures every table directory, in the order given, on this thread and, for a large backlog, worker threads. */
export async function measureAll(
  paths: readonly string[],
  deadline: number,
): Promise<{ results: TableMeasurement[]; threads: number }> {
  const results: TableMeasurement[] = new Array<TableMeasurement>(paths.length);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workers: Promise<void>[] = [];
  let files = 0;
  // This thread reads from inside each folder (measureTable's chdir), then goes back.
  const home = currentDirectory();
  try {
    for (let i = Atomics.add(next, 0, 1); i < paths.length; i = Atomics.add(next, 0, 1)) {
      const result = measureTable(
        fs,
        paths[i] as string,
        deadline,
        isMainThread ? (directory) => process.chdir(directory) : undefined,
      );
      results[i] = result;
      if (result.kind === 'timeout')
        throw new CheckError(`still reading ${paths[i] as string}/backups at the timeout`, { timedOut: true });
      if (result.kind === 'measured') files += result.files;
      if (files >= HELP_AFTER_FILES && workers.length === 0 && paths.length - i > 1) {
        for (let w = 1; w < Math.max(2, availableParallelism()); w++)
          workers.push(helper(paths, next, deadline, results));
      }
    }
  } finally {
    process.chdir(home);
  }
  await Promise.all(workers);
  const timedOut = results.findIndex((r) => r.kind === 'timeout');
  if (timedOut !== -1)
    throw new CheckError(`still reading ${paths[timedOut] as string}/backups at the timeout`, { timedOut: true });
  return { results, threads: 1 + workers.length };
}

/** A worker thread that measures tables from the shared counter and sends back what it measured. */
function helper(
  paths: readonly string[],
  next: Int32Array,
  deadline: number,
  results: TableMeasurement[],
): Promise<void> {
  const source = `const { parentPort, workerData } = require('node:worker_threads');
${[openFolder, countBackups, sharedWithLive].map((f) => f.toString()).join('\n')}
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
    worker.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`a backlog reader thread exited with ${code}`)),
    );
  });
}

// The functions below run in worker threads from their own source text: each may use nothing but
// its parameters and the others of them (no imports, no module constants).

/** Where the reading is, so that a failure names the file or folder. */
interface Position {
  where: string;
}

/**
 * Measures one table directory's backups/. With `chdir` (this thread only: workers may not change
 * directory) it enters each folder and stats bare names, which spares the kernel the walk down the
 * whole path: a third less system time per file.
 */
export function measureTable(
  fileSystem: FileSystem,
  tableDirectory: string,
  deadline: number,
  chdir?: (directory: string) => void,
): TableMeasurement {
  const position = { where: `${tableDirectory}/backups` };
  try {
    const backups = countBackups(fileSystem, tableDirectory, deadline, chdir, position);
    if (backups.kind !== 'counted') return backups;
    const { linked, ...counts } = backups;
    const liveSharedBytes = linked.size > 0 ? sharedWithLive(fileSystem, tableDirectory, linked, chdir, position) : 0;
    return {
      kind: 'measured',
      files: counts.files,
      bytes: counts.bytes,
      diskBytes: counts.diskBytes,
      liveSharedBytes,
      oldestMs: counts.oldestMs,
    };
  } catch (error) {
    return { kind: 'unreadable', path: position.where, code: String((error as NodeJS.ErrnoException).code ?? error) };
  }
}

/** Lists a folder; returns the prefix its names are stat'ed with (empty once entered). */
function openFolder(
  fileSystem: FileSystem,
  folder: string,
  chdir: ((directory: string) => void) | undefined,
): { names: string[]; prefix: string } {
  if (chdir === undefined) return { names: fileSystem.readdirSync(folder), prefix: `${folder}/` };
  chdir(folder);
  return { names: fileSystem.readdirSync('.'), prefix: '' };
}

/** The files in backups/ and its .<index>/ folders; a file linked more than once is counted once, and kept in `linked`. */
function countBackups(
  fileSystem: FileSystem,
  tableDirectory: string,
  deadline: number,
  chdir: ((directory: string) => void) | undefined,
  position: Position,
) {
  const folders = [`${tableDirectory}/backups`];
  const counted = {
    kind: 'counted' as const,
    files: 0,
    bytes: 0,
    diskBytes: 0,
    oldestMs: undefined as number | undefined,
    linked: new Map<number, number>(),
  };
  for (let f = 0; f < folders.length; f++) {
    const folder = folders[f] as string;
    position.where = folder;
    let listing: { names: string[]; prefix: string };
    try {
      listing = openFolder(fileSystem, folder, chdir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No backups/ yet (never flushed with backup on): not an error. A .<index>/ gone since the listing: shipped.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      if (f === 0) return { kind: 'none' as const };
      continue;
    }
    for (const name of listing.names) {
      if ((counted.files & 4095) === 4095 && Date.now() > deadline) return { kind: 'timeout' as const };
      position.where = `${folder}/${name}`;
      const stats = fileSystem.lstatSync(listing.prefix + name, { throwIfNoEntry: false });
      if (stats === undefined) continue; // shipped between the listing and now
      if (stats.isDirectory()) {
        // backups/.<index>/ holds a secondary index's SSTables; nothing nests deeper.
        if (f === 0 && name.startsWith('.')) folders.push(`${folder}/${name}`);
        continue;
      }
      counted.files++;
      if (counted.oldestMs === undefined || stats.mtimeMs < counted.oldestMs) counted.oldestMs = stats.mtimeMs;
      if (stats.nlink > 1) {
        if (counted.linked.has(stats.ino)) continue;
        counted.linked.set(stats.ino, stats.size);
      }
      counted.bytes += stats.size;
      counted.diskBytes += stats.blocks * 512;
    }
  }
  return counted;
}

/** Of the linked inodes, the bytes that are also live SSTables (in the table directory or its .<index>/ folders). */
function sharedWithLive(
  fileSystem: FileSystem,
  tableDirectory: string,
  linked: Map<number, number>,
  chdir: ((directory: string) => void) | undefined,
  position: Position,
): number {
  let shared = 0;
  const live = [tableDirectory];
  for (let f = 0; f < live.length; f++) {
    const folder = live[f] as string;
    position.where = folder;
    const listing = openFolder(fileSystem, folder, chdir);
    for (const name of listing.names) {
      position.where = `${folder}/${name}`;
      const stats = fileSystem.lstatSync(listing.prefix + name, { throwIfNoEntry: false });
      if (stats === undefined) continue;
      if (stats.isDirectory()) {
        if (f === 0 && name.startsWith('.')) live.push(`${folder}/${name}`);
        continue;
      }
      const size = linked.get(stats.ino);
      if (size !== undefined) {
        shared += size;
        linked.delete(stats.ino); // a second live name of the same file
      }
    }
  }
  return shared;
}

/** Where the process is; '/' when that folder is gone (a plugin started from a deleted directory). */
function currentDirectory(): string {
  try {
    return process.cwd();
  } catch {
    return '/';
  }
}
