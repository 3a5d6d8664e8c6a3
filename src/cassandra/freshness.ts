// Cassandra knowledge (acquisition): are backups being written? The tables asked for, in every
// data directory, looked at before and after the check's flush (or once, without one). What each
// table showed is a Reading for checks/backup-freshness.ts to judge: nothing is judged here.

import {
  DataDirectoryError,
  newFiles,
  requireDataDirectories,
  scanTable,
  type NewFiles,
  type TableFiles,
} from './data-layout.js';
import { qualifiedName, type TableName, type TableSelector } from './identifiers.js';
import type { JolokiaSource } from './source.js';
import { flushTables, readTableLocations, resolveTables, type TableLocation } from './tables.js';
import { CheckError } from '../runtime/errors.js';
import { attempt, type Reading } from '../runtime/result.js';

export interface FreshnessRequest {
  /** Tables to flush before looking. */
  readonly flush: readonly TableSelector[];
  /** Tables to look at without flushing. */
  readonly look: readonly TableSelector[];
  /** Tables (or keyspaces) left out of both, e.g. tables that opted out of incremental backup. */
  readonly exclude: readonly TableSelector[];
  /** Where the data lives as seen from here; default: what the node reports. */
  readonly dataDirectories?: readonly string[];
}

/** What one table showed. */
export interface TableObservation {
  /** Whether the check flushed it. */
  readonly flushed: boolean;
  /** Whether the memtable held anything when the flush was sent (flushed tables only). */
  readonly hadData: boolean;
  /** The table's files after the flush (or the only look, without one). */
  readonly files: TableFiles;
  /** What the flush added, with inodes; empty without a flush. */
  readonly added: NewFiles;
}

export interface FreshnessFacts {
  readonly dataDirectories: readonly string[];
  /** Tables asked for that --exclude left out. */
  readonly excluded: readonly TableName[];
  /**
   * Tables asked for that opted out of incremental backup (5.0: `WITH incremental_backups = false`),
   * left out; undefined where the opt-out cannot be read (over JMX it cannot).
   */
  readonly optedOut: readonly TableName[] | undefined;
  readonly tables: readonly { readonly table: TableName; readonly reading: Reading<TableObservation> }[];
}

const NOTHING_ADDED: NewFiles = { live: [], backups: [] };

/** What the node says of its tables, however it is asked (its Jolokia agent, or CQL). */
export interface TableCatalogue {
  /** The tables the selectors name; `optedOut` those of them that opted out, undefined when unknowable. */
  resolve(selectors: readonly TableSelector[]): Promise<{ tables: TableName[]; optedOut: TableName[] | undefined }>;
  /** Where each table's current incarnation keeps its files. */
  locate(tables: readonly TableName[]): Promise<TableLocation[]>;
  /** Flushes the tables; whether each had anything in its memtable. */
  flush(tables: readonly TableName[]): Promise<Map<TableName, boolean>>;
  /** When the check must have answered (ms since the epoch). */
  readonly deadline: number;
}

/** The tables as the node's Jolokia agent reports them (the MBeans cannot tell an opt-out). */
export function jolokiaCatalogue(source: JolokiaSource): TableCatalogue {
  return {
    resolve: async (selectors) => ({ tables: await resolveTables(source, selectors), optedOut: undefined }),
    locate: (tables) => readTableLocations(source, tables),
    flush: (tables) => flushTables(source, tables),
    deadline: source.limits.deadline,
  };
}

/** Scans the tables, flushes those asked for, scans them again. */
export async function readFreshness(
  catalogue: TableCatalogue,
  request: FreshnessRequest,
  dataDirectories: readonly string[],
): Promise<FreshnessFacts> {
  const selects = (selectors: readonly TableSelector[], t: TableName): boolean =>
    selectors.some((s) => s.keyspace === t.keyspace && (s.table === undefined || s.table === t.table));
  const resolved = await catalogue.resolve([...request.flush, ...request.look]);
  const excluded = resolved.tables.filter((t) => selects(request.exclude, t));
  const tables = resolved.tables.filter((t) => !selects(request.exclude, t));
  if (tables.length === 0)
    throw new CheckError(
      [
        `Every table asked for is left out by --exclude: ${excluded.map(qualifiedName).join(', ') || '(none)'}`,
        ...((resolved.optedOut ?? []).length > 0
          ? [`or opted out of incremental backup: ${(resolved.optedOut ?? []).map(qualifiedName).join(', ')}`]
          : []),
      ].join(', '),
    );
  const toFlush = tables.filter((t) => selects(request.flush, t));
  const locations = await catalogue.locate(tables);

  requireDataDirectories(dataDirectories);
  const scan = tableScanner(dataDirectories, new Set(toFlush), locations.length, catalogue.deadline);
  const before = locations.map((location, i) => ({ location, files: scan(location, i) }));
  // Nothing is flushed unless every table can be verified afterwards.
  const missing = before
    .filter((b) => b.files.directories.length === 0)
    .map((b) => `${b.location.table.keyspace}/${b.location.directoryName}`);
  if (missing.length > 0) {
    throw new DataDirectoryError(
      `No directory ${missing.join(', ')} under ${dataDirectories.join(', ')}: are these the node's data directories? Give --data-dir as seen from here`,
    );
  }
  const hadData = toFlush.length > 0 ? await catalogue.flush(toFlush) : new Map<TableName, boolean>();

  const observed = before.map(({ location, files }, i) => {
    const flushed = hadData.has(location.table);
    const reading = attempt((): TableObservation => {
      const after = flushed ? scan(location, i) : files;
      return {
        flushed,
        hadData: hadData.get(location.table) === true,
        files: after,
        added: flushed ? newFiles(files, after) : NOTHING_ADDED,
      };
    });
    return { table: location.table, reading };
  });
  return { dataDirectories, excluded, optedOut: resolved.optedOut, tables: observed };
}

/**
 * One table's files. The file system calls block, so the deadline is checked between tables: a
 * slow disk ends the check in time (a call that hangs in the kernel, on a dead NFS mount, still cannot).
 */
function tableScanner(
  dataDirectories: readonly string[],
  flushed: ReadonlySet<TableName>,
  total: number,
  deadline: number,
) {
  return (location: TableLocation, i: number): TableFiles => {
    if (Date.now() > deadline)
      throw new CheckError(`The data directories were still being read at the timeout (${i} of ${total} tables done)`, {
        timedOut: true,
      });
    return scanTable(dataDirectories, location.table.keyspace, location.directoryName, {
      liveData: flushed.has(location.table) ? 'always' : 'when-no-backup',
    });
  };
}
