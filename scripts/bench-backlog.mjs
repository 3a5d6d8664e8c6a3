// The backups/ backlog at scale, for `npm run bench`: a synthetic data directory of TABLES tables
// whose backups/ hold FILES files in all (SSTables of eight components, one in ten still live, so
// hard-linked), and the ways Node can read it (bench-backlog-read.mjs), each in a process of its own.
//
//   node scripts/bench-backlog.mjs build DIR TABLES FILES    build (or reuse) the layout
//   node scripts/bench-backlog.mjs read METHOD DIR           read it one way; prints files and ms
//   node scripts/bench-backlog.mjs section                    the section npm run bench prints, alone
import { existsSync, linkSync, mkdirSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { METHODS } from './bench-backlog-read.mjs';
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

export const READ_METHODS = Object.keys(METHODS);

const BACKLOG_TABLES = 1000;
const BACKLOG_FILES = 1_000_000;

/**
 * The bench section: each way of reading, then the whole plugin, on the million-file layout.
 * @param {string} root the repository
 */
export async function backlogSection(root) {
  const started = Date.now();
  const dataDir = buildBacklogLayout(join(root, '.cache', 'bench-backlog'), BACKLOG_TABLES, BACKLOG_FILES);
  const built = ((Date.now() - started) / 1000).toFixed(0);
  const methods = await readingMethodRows(root, dataDir);
  methods.push(await findRow(dataDir));
  const runs = await pluginRuns(root, dataDir);
  return sectionReport(built, methods, runs);
}

/**
 * Each way of reading, in a process of its own, after one warm-up read of the whole tree (so every
 * method finds the same cache); a table row each.
 * @param {string} root
 * @param {string} dataDir
 * @returns {Promise<string[]>}
 */
async function readingMethodRows(root, dataDir) {
  /** @param {string} method */
  const read = (method) =>
    measureWithOutput([process.execPath, join(root, 'scripts', 'bench-backlog.mjs'), 'read', method, dataDir]);
  await read(READ_METHODS[0]);
  const rows = [];
  for (const method of READ_METHODS) {
    const { seconds, kib, stdout } = await read(method);
    const { files } = JSON.parse(stdout);
    if (files !== BACKLOG_FILES) throw new Error(`${method} counted ${files} files`);
    rows.push(`| ${method} | ${seconds.toFixed(2)} s | ${(kib / 1024).toFixed(1)} MiB |`);
  }
  return rows;
}

/**
 * find(1) reading the same, for scale: what the system calls cost outside Node.
 * @param {string} dataDir
 * @returns {Promise<string>}
 */
async function findRow(dataDir) {
  const find = await measureWithOutput([
    '/bin/sh',
    '-c',
    `find '${dataDir}' -type f -printf '%i %n %s %T@\\n' | wc -l`,
  ]);
  return `| (outside Node, for scale) find -printf inode, links, size, time | ${find.seconds.toFixed(2)} s | ${(find.kib / 1024).toFixed(1)} MiB |`;
}

/**
 * The whole plugin, 1 warm-up and 5 measured runs, each checked to have counted every file.
 * @param {string} root
 * @param {string} dataDir
 * @returns {Promise<{ seconds: number, kib: number }[]>} the measured runs
 */
async function pluginRuns(root, dataDir) {
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
  return runs;
}

/**
 * The section as bench.mjs prints it: the methods' table, the plugin's runs, and its budget.
 * @param {string} built seconds the layout took to build
 * @param {string[]} methods rows of the methods' table
 * @param {{ seconds: number, kib: number }[]} runs
 */
function sectionReport(built, methods, runs) {
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
