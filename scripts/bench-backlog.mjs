// The backups/ backlog at scale, for `npm run bench`: a synthetic data directory of TABLES tables
// whose backups/ hold FILES files in all (SSTables of eight components, one in ten still live, so
// hard-linked), and the ways Node can read it, each in a process of its own.
//
//   node scripts/bench-backlog.mjs build DIR TABLES FILES    build (or reuse) the layout
//   node scripts/bench-backlog.mjs read METHOD DIR           read it one way; prints files and ms
//   node scripts/bench-backlog.mjs section                    the section npm run bench prints, alone
import {
  linkSync,
  lstat,
  lstatSync,
  mkdirSync,
  opendirSync,
  existsSync,
  readdirSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { lstat as lstatAsync, readdir as readdirAsync } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { measureWithOutput, median } from './bench-lib.mjs';

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
export const BACKLOG_KEYSPACE = 'bench';

/** Builds the layout once (a marker file says which); returns the data directory. */
export function buildBacklogLayout(dataDir, tables, files) {
  const marker = join(dataDir, `.backlog-${tables}-${files}`);
  if (existsSync(marker)) return dataDir;
  rmSync(dataDir, { recursive: true, force: true });
  const sstablesPerTable = Math.ceil(files / tables / COMPONENTS.length);
  const dayAgo = new Date(Date.now() - 86_400_000);
  for (let t = 0; t < tables; t++) {
    const directory = join(dataDir, BACKLOG_KEYSPACE, `t${t}-${t.toString(16).padStart(32, '0')}`);
    mkdirSync(join(directory, 'backups'), { recursive: true });
    for (let g = 1; g <= sstablesPerTable; g++) {
      const live = g % 10 === 0;
      for (const component of COMPONENTS) {
        const name = `nb-${g}-big-${component}`;
        const backup = join(directory, 'backups', name);
        writeFileSync(backup, '');
        // Sparse: sizes without the disk.
        if (component === 'Data.db') truncateSync(backup, 1_048_576 * (1 + (g % 7)));
        if (live) linkSync(backup, join(directory, name));
      }
    }
    utimesSync(join(directory, 'backups', 'nb-1-big-Data.db'), dayAgo, dayAgo);
  }
  writeFileSync(marker, '');
  return dataDir;
}

/** Every table's backups/ folder, as the check finds them. */
function backupFolders(dataDir) {
  dataDir = resolve(dataDir);
  const folders = [];
  for (const keyspace of readdirSync(dataDir, { withFileTypes: true })) {
    if (!keyspace.isDirectory()) continue;
    for (const table of readdirSync(join(dataDir, keyspace.name)))
      folders.push(join(dataDir, keyspace.name, table, 'backups'));
  }
  return folders;
}

/** One way each of reading every file's size, age and inode; each returns [files, bytes]. */
const METHODS = {
  'readdir + lstatSync'(dataDir) {
    let files = 0;
    let bytes = 0;
    for (const folder of backupFolders(dataDir)) {
      for (const name of readdirSync(folder)) {
        const s = lstatSync(`${folder}/${name}`);
        files++;
        bytes += s.size;
      }
    }
    return [files, bytes];
  },
  'readdir with file types + lstatSync'(dataDir) {
    let files = 0;
    let bytes = 0;
    for (const folder of backupFolders(dataDir)) {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const s = lstatSync(`${folder}/${entry.name}`);
        files++;
        bytes += s.size;
      }
    }
    return [files, bytes];
  },
  'opendirSync + lstatSync'(dataDir) {
    let files = 0;
    let bytes = 0;
    for (const folder of backupFolders(dataDir)) {
      const dir = opendirSync(folder, { bufferSize: 1024 });
      for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
        const s = lstatSync(`${folder}/${entry.name}`);
        files++;
        bytes += s.size;
      }
      dir.closeSync();
    }
    return [files, bytes];
  },
  'readdir + lstatSync of bare names from inside each folder (chdir)'(dataDir) {
    let files = 0;
    let bytes = 0;
    for (const folder of backupFolders(dataDir)) {
      process.chdir(folder);
      for (const name of readdirSync('.')) {
        const s = lstatSync(name);
        files++;
        bytes += s.size;
      }
    }
    return [files, bytes];
  },
  async 'fs/promises, one folder at a time, its lstats batched'(dataDir) {
    let files = 0;
    let bytes = 0;
    for (const folder of backupFolders(dataDir)) {
      const names = await readdirAsync(folder);
      for (const s of await Promise.all(names.map((name) => lstatAsync(`${folder}/${name}`)))) {
        files++;
        bytes += s.size;
      }
    }
    return [files, bytes];
  },
  async 'lstat callbacks, 64 in flight'(dataDir) {
    const paths = backupFolders(dataDir).flatMap((folder) => readdirSync(folder).map((name) => `${folder}/${name}`));
    let files = 0;
    let bytes = 0;
    let next = 0;
    await new Promise((resolve, reject) => {
      let active = 0;
      const start = () => {
        while (active < 64 && next < paths.length) {
          active++;
          lstat(paths[next++], (error, s) => {
            if (error) return reject(error);
            active--;
            files++;
            bytes += s.size;
            if (active === 0 && next === paths.length) resolve();
            else start();
          });
        }
      };
      start();
    });
    return [files, bytes];
  },
  async 'two worker threads, readdir with file types + lstatSync each'(dataDir) {
    const folders = backupFolders(dataDir);
    const half = Math.ceil(folders.length / 2);
    const code = `const { parentPort, workerData } = require('node:worker_threads'); const fs = require('node:fs');
      let files = 0, bytes = 0;
      for (const folder of workerData) for (const e of fs.readdirSync(folder, { withFileTypes: true })) { if (!e.isFile()) continue; const s = fs.lstatSync(folder + '/' + e.name); files++; bytes += s.size; }
      parentPort.postMessage([files, bytes]);`;
    const parts = await Promise.all(
      [folders.slice(0, half), folders.slice(half)].map(
        (part) =>
          new Promise((resolve, reject) =>
            new Worker(code, { eval: true, workerData: part }).once('message', resolve).once('error', reject),
          ),
      ),
    );
    return [parts[0][0] + parts[1][0], parts[0][1] + parts[1][1]];
  },
};
export const READ_METHODS = Object.keys(METHODS);

/** The bench section: each way of reading, then the whole plugin, on the million-file layout. */
export async function backlogSection(root) {
  const BACKLOG_TABLES = 1000;
  const BACKLOG_FILES = 1_000_000;
  const started = Date.now();
  const dataDir = buildBacklogLayout(join(root, '.cache', 'bench-backlog'), BACKLOG_TABLES, BACKLOG_FILES);
  const built = ((Date.now() - started) / 1000).toFixed(0);
  // Each way of reading, in a process of its own, after one warm-up read of the whole tree.
  await measureWithOutput([
    process.execPath,
    join(root, 'scripts', 'bench-backlog.mjs'),
    'read',
    READ_METHODS[0],
    dataDir,
  ]);
  const methods = [];
  for (const method of READ_METHODS) {
    const { seconds, kib, stdout } = await measureWithOutput([
      process.execPath,
      join(root, 'scripts', 'bench-backlog.mjs'),
      'read',
      method,
      dataDir,
    ]);
    const { files } = JSON.parse(stdout);
    if (files !== BACKLOG_FILES) throw new Error(`${method} counted ${files} files`);
    methods.push(`| ${method} | ${seconds.toFixed(2)} s | ${(kib / 1024).toFixed(1)} MiB |`);
  }
  const find = await measureWithOutput([
    '/bin/sh',
    '-c',
    `find '${dataDir}' -type f -printf '%i %n %s %T@\\n' | wc -l`,
  ]);
  methods.push(
    `| (outside Node, for scale) find -printf inode, links, size, time | ${find.seconds.toFixed(2)} s | ${(find.kib / 1024).toFixed(1)} MiB |`,
  );
  const runs = [];
  for (let i = 0; i < 1 + 5; i++) {
    const run = await measureWithOutput([
      join(root, 'plugins', 'check_cassandra_backup_backlog'),
      '--data-dir',
      dataDir,
      '--warning-age',
      '2d',
      '--format',
      'json',
    ]);
    const answer = JSON.parse(run.stdout);
    if (answer.files !== BACKLOG_FILES) throw new Error(`the backlog check counted ${answer.files} files`);
    if (i > 0) runs.push(run);
  }
  const wall = median(runs.map((r) => r.seconds));
  const rss = Math.max(...runs.map((r) => r.kib)) / 1024;
  return {
    title: `The backups/ backlog: ${BACKLOG_TABLES.toLocaleString('en')} tables, ${BACKLOG_FILES.toLocaleString('en')} files`,
    text: [
      `scripts/bench-backlog.mjs builds the layout once (${built} s this time; sparse Data.db files, one SSTable in ten still live, so hard-linked). Ways of reading every file's size, age and inode in Node, each in a process of its own after a warm-up read:`,
      '',
      '| method | wall | peak RSS |',
      '|---|---|---|',
      ...methods,
      '',
      `The whole plugin (\`check_cassandra_backup_backlog --data-dir … --warning-age 2d --format json\`), 5 runs after 1 warm-up, every file accounted for:`,
    ].join('\n'),
    table: [
      '| runs | wall (median) | per 100,000 files | peak RSS (largest) |',
      '|---|---|---|---|',
      `| ${runs.length} | ${wall.toFixed(2)} s | ${((wall / BACKLOG_FILES) * 100_000).toFixed(3)} s | ${rss.toFixed(1)} MiB |`,
    ].join('\n'),
    budget: [
      `under 2 s: ${wall.toFixed(2)} s — ${wall < 2 ? 'met' : 'NOT met'}`,
      `under 150 MiB: ${rss.toFixed(1)} MiB — ${rss < 150 ? 'met' : 'NOT met'}`,
    ],
  };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'build') {
    console.log(buildBacklogLayout(args[0], Number(args[1]), Number(args[2])));
  } else if (command === 'read') {
    const [method, dataDir] = args;
    const started = process.hrtime.bigint();
    const [files, bytes] = await METHODS[method](dataDir);
    console.log(JSON.stringify({ files, bytes, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  } else if (command === 'section') {
    const section = await backlogSection(join(fileURLToPath(new URL('.', import.meta.url)), '..'));
    console.log(
      `## ${section.title}\n\n${section.text}\n\n${section.table}\n\nBudget: ${section.budget.map((b) => `\n- ${b}`).join('')}`,
    );
  } else {
    console.error('usage: bench-backlog.mjs build DIR TABLES FILES | read METHOD DIR | section');
    process.exit(2);
  }
}
