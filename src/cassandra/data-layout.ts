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

import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { CheckError } from '../runtime/errors.js';
import { fileErrorReason } from '../runtime/files.js';

export const BACKUPS_DIR = 'backups';
const DATA_COMPONENT = '-Data.db';

export interface SSTableFile {
  readonly path: string;
  /** `dev:inode`: equal for two names of one hard-linked file. */
  readonly identity: string;
  readonly mtimeMs: number;
}

export interface TableFiles {
  /** The table's directories that exist, one per data directory at most. */
  readonly directories: readonly string[];
  /** Live `-Data.db` files of the table (not those in backups/ or snapshots/). */
  readonly liveData: readonly SSTableFile[];
  /** `-Data.db` files in backups/, index backups included. */
  readonly backupData: readonly SSTableFile[];
  /** Every file in backups/, all components. */
  readonly backupFileCount: number;
}

/** The data directories could not be read from here: a sentence that says what to do. */
export class DataDirectoryError extends CheckError {
  override name = 'DataDirectoryError';
}

/** Scans one table in every data directory. `tableDirectory` is `<table>-<current id>`. */
export function scanTable(dataDirectories: readonly string[], keyspace: string, tableDirectory: string): TableFiles {
  const directories: string[] = [];
  const liveData: SSTableFile[] = [];
  const backupData: SSTableFile[] = [];
  let backupFileCount = 0;
  for (const dataDirectory of dataDirectories) {
    requireReadable(dataDirectory);
    const directory = join(dataDirectory, keyspace, tableDirectory);
    const entries = list(directory);
    if (entries === undefined) continue;
    directories.push(directory);
    for (const entry of entries) {
      if (entry.isFile() && entry.name.endsWith(DATA_COMPONENT)) liveData.push(describe(join(directory, entry.name)));
    }
    const backups = join(directory, BACKUPS_DIR);
    for (const folder of [backups, ...indexFolders(backups)]) {
      for (const entry of list(folder) ?? []) {
        if (!entry.isFile()) continue;
        backupFileCount++;
        if (entry.name.endsWith(DATA_COMPONENT)) backupData.push(describe(join(folder, entry.name)));
      }
    }
  }
  return { directories, liveData, backupData, backupFileCount };
}

/** The newest modification time among the backup Data files, or undefined when there are none. */
export function newestBackupMs(files: TableFiles): number | undefined {
  let newest: number | undefined;
  for (const file of files.backupData) if (newest === undefined || file.mtimeMs > newest) newest = file.mtimeMs;
  return newest;
}

function indexFolders(backups: string): string[] {
  return (list(backups) ?? []).filter((e) => e.isDirectory() && e.name.startsWith('.')).map((e) => join(backups, e.name));
}

/** The entries of a directory; undefined when it does not exist; a DataDirectoryError when it cannot be read. */
function list(directory: string): Dirent[] | undefined {
  try {
    return readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw unreadable(directory, error);
  }
}

function describe(path: string): SSTableFile {
  try {
    const stats = statSync(path, { bigint: true });
    return { path, identity: `${stats.dev}:${stats.ino}`, mtimeMs: Number(stats.mtimeMs) };
  } catch (error) {
    throw unreadable(path, error);
  }
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
    throw unreadable(dataDirectory, error);
  }
}

function unreadable(path: string, error: unknown): DataDirectoryError {
  const reason = fileErrorReason(error);
  if (reason === 'permission denied') {
    return new DataDirectoryError(
      `Cannot read ${path} (permission denied): the user running the check (e.g. nagios) needs read and execute permission on the data directories, e.g. membership in the cassandra group with g+rX`,
    );
  }
  return new DataDirectoryError(`Cannot read ${path} (${reason})`);
}
