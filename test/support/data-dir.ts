// Builds folders laid out like Cassandra data directories, for the filesystem logic's tests and
// the benchmark: live SSTables, their hard links in backups/, old incarnations of tables.

import { linkSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const COMPONENTS = [
  'Data.db',
  'Index.db',
  'Filter.db',
  'Statistics.db',
  'Summary.db',
  'TOC.txt',
  'Digest.crc32',
  'CompressionInfo.db',
];

export function tableDirectory(dataDir: string, keyspace: string, table: string, id: string): string {
  const directory = join(dataDir, keyspace, `${table}-${id}`);
  mkdirSync(join(directory, 'backups'), { recursive: true });
  return directory;
}

/**
 * Writes an SSTable's components into the table directory and, unless `backup` is false, hard
 * links them into backups/ as Cassandra does at flush. Returns the Data component's path.
 */
export function writeSSTable(
  directory: string,
  generation: number,
  options: { backup?: boolean; mtime?: Date } = {},
): string {
  for (const component of COMPONENTS) {
    const file = join(directory, `nb-${generation}-big-${component}`);
    writeFileSync(file, `${component} of generation ${generation}`);
    if (options.backup !== false) linkSync(file, join(directory, 'backups', `nb-${generation}-big-${component}`));
    if (options.mtime !== undefined) utimesSync(file, options.mtime, options.mtime);
  }
  return join(directory, `nb-${generation}-big-Data.db`);
}
