// A synthetic Cassandra data directory for the freshness benchmark: TABLES tables in one
// keyspace, each with SSTABLES live SSTables of eight components hard-linked into backups/,
// and a Jolokia-speaking server that tells the plugin where each table lives.
import { existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const COMPONENTS = ['Data.db', 'Index.db', 'Filter.db', 'Statistics.db', 'Summary.db', 'TOC.txt', 'Digest.crc32', 'CompressionInfo.db'];
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
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const answers = JSON.parse(body).map((r) => {
        if (r.type === 'search') {
          return { status: 200, value: Array.from({ length: tables }, (_, t) => `org.apache.cassandra.db:keyspace=${KEYSPACE},table=t${t},type=Tables`) };
        }
        if (r.attribute === 'DataPaths') {
          const table = /table=(\w+)/.exec(r.mbean)[1];
          return { status: 200, value: [`/var/lib/cassandra/data/${KEYSPACE}/${table}-${tableId(Number(table.slice(1)))}`] };
        }
        if (r.attribute === 'ReleaseVersion') return { status: 200, value: '5.0.9' };
        return { status: 200, value: true };
      });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answers));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/jolokia`, close: () => server.close() };
}
