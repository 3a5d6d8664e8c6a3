// Cassandra knowledge: where a table's SSTables and incremental backups lie on disk.
//
//   <data dir>/<keyspace>/<table>-<table id, 32 hex>/nb-1-big-Data.db          live SSTables
//   <data dir>/<keyspace>/<table>-<table id>/backups/nb-1-big-Data.db          hard links made at flush
//   <data dir>/<keyspace>/<table>-<table id>/backups/.<index>/…                secondary-index SSTables
//
// A table lives in every data directory. A dropped and re-created table leaves its old
// `<table>-<old id>` directory behind, so callers pass the directory name of the current id.
// We match the `-Data.db` component and never parse the generation (4.1+ may use ULID-like ids).
// An SSTable has a backup when the same inode is in backups/: a hard link, proven, not guessed.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckError } from '../runtime/errors.js';
import { fileErrorReason } from '../runtime/files.js';

export const BACKUPS_DIR = 'backups';
const DATA_COMPONENT = '-Data.db';

export interface BackupFile {
  readonly path: string;
  readonly mtimeMs: number;
}

export interface TableFiles {
  /** The table's directories that exist, one per data directory at most. */
  readonly directories: readonly string[];
  /** Paths of the live `-Data.db` files of the table (not those in backups/ or snapshots/). */
  readonly liveData: readonly string[];
  /** `-Data.db` files in backups/, index backups included. */
  readonly backupData: readonly BackupFile[];
  /** Every file in backups/, all components. */
  readonly backupFileCount: number;
}

/** The data directories could not be read from here: a sentence that says what to do. */
export class DataDirectoryError extends CheckError {
  override name = 'DataDirectoryError';
}

/**
 * Scans one table in every data directory. `tableDirectory` is `<table>-<current id>`. Call
 * requireDataDirectories first: a missing table directory here only means "not in this one".
 * A large keyspace has 100,000 backup files, so only the backup Data files are stat'ed (for
 * their age), and the live SSTables are listed only when asked for (to compare before and after
 * a flush) or when there is no backup (to tell a table never backed up from an empty one).
 */
export function scanTable(
  dataDirectories: readonly string[],
  keyspace: string,
  tableDirectory: string,
  options: { liveData: 'always' | 'when-no-backup' } = { liveData: 'always' },
): TableFiles {
  const files = {
    directories: [] as string[],
    liveData: [] as string[],
    backupData: [] as BackupFile[],
    backupFileCount: 0,
  };
  for (const dataDirectory of dataDirectories) {
    const directory = join(dataDirectory, keyspace, tableDirectory);
    // Cassandra creates backups/ with the first backup: without it, is the table here at all?
    if (scanBackups(join(directory, BACKUPS_DIR), files) || list(directory) !== undefined)
      files.directories.push(directory);
  }
  if (options.liveData === 'always' || files.backupData.length === 0) {
    for (const directory of files.directories) {
      for (const name of list(directory) ?? [])
        if (name.endsWith(DATA_COMPONENT)) files.liveData.push(join(directory, name));
    }
  }
  return files;
}

/** Adds what one backups/ holds (files, and a `.<index>` folder per secondary index); false when it does not exist. */
function scanBackups(backups: string, files: { backupData: BackupFile[]; backupFileCount: number }): boolean {
  const folders = [backups];
  for (let f = 0; f < folders.length; f++) {
    const folder = folders[f] as string;
    const names = list(folder);
    if (names === undefined) {
      if (f === 0) return false;
      continue;
    }
    for (const name of names) {
      if (f === 0 && name.startsWith('.')) {
        folders.push(join(backups, name));
        continue;
      }
      files.backupFileCount++;
      if (!name.endsWith(DATA_COMPONENT)) continue;
      const path = join(folder, name);
      const mtimeMs = modifiedMs(path);
      if (mtimeMs !== undefined) files.backupData.push({ path, mtimeMs });
    }
  }
  return true;
}

/** The newest modification time among the backup Data files, or undefined when there are none. */
export function newestBackupMs(files: TableFiles): number | undefined {
  let newest: number | undefined;
  for (const file of files.backupData) if (newest === undefined || file.mtimeMs > newest) newest = file.mtimeMs;
  return newest;
}

/** A file that appeared between two scans, and its identity (`dev:inode`, the same for two names of one hard-linked file). */
export interface NewFile {
  readonly path: string;
  /** Undefined when the file went away since it was listed (compaction, cleanup). */
  readonly identity: string | undefined;
}

/** What appeared between two scans of a table: live Data files, and Data entries in backups/. */
export interface NewFiles {
  readonly live: readonly NewFile[];
  readonly backups: readonly NewFile[];
}

/**
 * The new live SSTables and the new entries of backups/, each with its inode: only a handful of
 * files to stat, whatever the size of backups/ (Cassandra links a new SSTable under its own name).
 */
export function newFiles(before: TableFiles, after: TableFiles): NewFiles {
  const known = new Set(before.liveData);
  const knownBackups = new Set(before.backupData.map((f) => f.path));
  const identify = (path: string): NewFile => ({ path, identity: fileIdentity(path) });
  return {
    live: after.liveData.filter((path) => !known.has(path)).map(identify),
    backups: after.backupData.filter((f) => !knownBackups.has(f.path)).map((f) => identify(f.path)),
  };
}

function fileIdentity(path: string): string | undefined {
  try {
    const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
    return stats === undefined ? undefined : `${stats.dev}:${stats.ino}`;
  } catch (error) {
    throw unreadableError(path, error);
  }
}

/** The entries of a directory; undefined when it does not exist; a DataDirectoryError when it cannot be read. */
function list(directory: string): string[] | undefined {
  try {
    return readdirSync(directory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw unreadableError(directory, error);
  }
}

/** Undefined for a file that went away since the directory was listed (compaction, cleanup). */
function modifiedMs(path: string): number | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
  } catch (error) {
    throw unreadableError(path, error);
  }
}

/** Every data directory must exist and be readable from here, or nothing can be proven. */
export function requireDataDirectories(dataDirectories: readonly string[]): void {
  if (dataDirectories.length === 0)
    throw new DataDirectoryError('The node reports no data directories: give --data-dir');
  for (const dataDirectory of dataDirectories) requireReadable(dataDirectory);
}

function requireReadable(dataDirectory: string): void {
  try {
    readdirSync(dataDirectory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DataDirectoryError(
        `Data directory ${dataDirectory} does not exist here: run the check on the Cassandra node itself (NRPE or an Icinga 2 agent), or give --data-dir`,
      );
    }
    throw unreadableError(dataDirectory, error);
  }
}

/** A file or folder under the data directories that cannot be read: why, and what the operator can do. */
export function unreadableError(path: string, error: unknown): DataDirectoryError {
  const reason = fileErrorReason(error);
  if (reason === 'permission denied') {
    return new DataDirectoryError(
      `Cannot read ${path} (permission denied): the user running the check (e.g. nagios) needs read and execute permission on the data directories, e.g. membership in the cassandra group with g+rX`,
    );
  }
  return new DataDirectoryError(`Cannot read ${path} (${reason})`);
}
