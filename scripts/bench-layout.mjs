// A synthetic Cassandra data directory for the freshness benchmark: TABLES tables in one
// keyspace, each with SSTABLES live SSTables of eight components hard-linked into backups/,
// and a Jolokia-speaking server (scripts/fake-jolokia.mjs) that tells the plugin where each table lives.
import { existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answering, found, startFakeJolokia } from './fake-jolokia.mjs';

const COMPONENTS = [
  'Data.db',
  'Index.db',
  'Filter.db',
  'Statistics.db',
  'Summary.db',
  'TOC.txt',
  'Digest.crc32',
  'CompressionInfo.db',
];
export const KEYSPACE = 'bench';

const tableId = (t) => t.toString(16).padStart(32, '0');

/** Builds (or reuses) the layout; returns the data directory and the number of backup files. */
export function buildLayout(dataDir, tables, sstablesPerTable) {
  const marker = join(dataDir, `.layout-${tables}-${sstablesPerTable}`);
  const backupFiles = tables * sstablesPerTable * COMPONENTS.length;
  if (existsSync(marker)) return { dataDir, backupFiles };
  rmSync(dataDir, { recursive: true, force: true });
  for (let t = 0; t < tables; t++) {
    const directory = join(dataDir, KEYSPACE, `t${t}-${tableId(t)}`);
    mkdirSync(join(directory, 'backups'), { recursive: true });
    for (let g = 1; g <= sstablesPerTable; g++) {
      for (const component of COMPONENTS) {
        const name = `nb-${g}-big-${component}`;
        writeFileSync(join(directory, name), '');
        linkSync(join(directory, name), join(directory, 'backups', name));
      }
    }
  }
  writeFileSync(marker, '');
  return { dataDir, backupFiles };
}

/** Answers the status reads, the search for the keyspace's tables and each table's DataPaths. */
export async function startLayoutServer(tables) {
  const agent = await startFakeJolokia(
    answering((r) => {
      if (r.type === 'search')
        return found(
          Array.from(
            { length: tables },
            (_, t) => `org.apache.cassandra.db:keyspace=${KEYSPACE},table=t${t},type=Tables`,
          ),
        );
      if (r.attribute === 'DataPaths') {
        const table = /table=(\w+)/.exec(r.mbean)[1];
        return found([`/var/lib/cassandra/data/${KEYSPACE}/${table}-${tableId(Number(table.slice(1)))}`]);
      }
      return found(r.attribute === 'ReleaseVersion' ? '5.0.9' : true);
    }),
  );
  return { url: agent.url, close: () => agent.close() };
}
