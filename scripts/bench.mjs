// npm run bench: what a check costs, side by side in one run. Not a test: it never fails on a
// number. Writes docs/PERFORMANCE.md unless BENCH_WRITE=0 or --only.
//
//   1. start-up: the status check against a bare node:http client (the floor for any Node plugin),
//      an empty `node` script and --help (the cold path), alternating, medians, ratios; and the
//      same commands' instruction counts under callgrind, which repeat where wall times do not;
//   2. with --with-cassandra: a real Cassandra node is started (scripts/cassandra/harness.mjs) and
//      the status check is measured against `nodetool statusbackup` from the same jars;
//   3. the freshness scan of a synthetic keyspace of 500 tables and 100,000 backup files;
//   4. the cluster audit: on a real 3-node cluster against the cluster-wide loop of the nodetool
//      statusbackup documentation (with --with-cassandra), and on simulated rings of 1,000 and
//      5,000 members;
//   5. over CQL (scripts/bench-cql.mjs): the status check against Jolokia and nodetool on a real node
//      with PasswordAuthenticator, the CQL cluster audit on the real cluster (with --with-cassandra),
//      and on 1,000 simulated CQL members.
//
// --only startup,freshness runs just those sections (names in SECTIONS; `nodetool` and the real
// cluster need --with-cassandra too) and prints them: a part of the report does not replace
// docs/PERFORMANCE.md. The local Jolokia servers are scripts/fake-jolokia.mjs.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backlogSection } from './bench-backlog.mjs';
import { clusterSections } from './bench-cluster.mjs';
import { cqlSections } from './bench-cql.mjs';
import { buildLayout, KEYSPACE, startLayoutServer } from './bench-layout.mjs';
import {
  COUNTING_FLAGS,
  instructionTable,
  machine,
  markdownTable,
  requireTime,
  runQuietly,
  sideBySide,
  startStatusServer,
  VALGRIND,
} from './bench-lib.mjs';

requireTime();
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 20);
const withCassandra = process.argv.includes('--with-cassandra');
const SECTIONS = ['startup', 'nodetool', 'freshness', 'backlog', 'cluster', 'cql'];
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : (process.argv[onlyAt + 1] ?? '').split(',');
if (only !== undefined && !only.every((name) => SECTIONS.includes(name))) {
  console.error(`--only takes a comma-separated list of: ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const wanted = (section) => only === undefined || only.includes(section);
const plugin = join(root, 'plugins', 'check_cassandra_backup');
const work = mkdtempSync(join(tmpdir(), 'bench-'));
const sections = [];
const NOTES_MARKER = '## What was tried, and what stands in the way';

// 1. Start-up ------------------------------------------------------------------------------------
const emptyScript = join(work, 'empty.cjs');
writeFileSync(emptyScript, '');
/** The reference: a bare node:http client that reads the flag and prints a line, nothing else. */
const bareClient = join(work, 'bare-http.cjs');
const bareSource = (print) => `const http = require('node:http');
const url = new URL(process.argv[2]);
const body = JSON.stringify([{ type: 'read', mbean: 'org.apache.cassandra.db:type=StorageService', attribute: 'IncrementalBackupsEnabled' }]);
const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + '/', method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
  let text = ''; res.setEncoding('utf8'); res.on('data', (d) => (text += d));
  res.on('end', () => { const v = JSON.parse(text)[0].value; ${print}; process.exit(v ? 0 : 1); });
});
req.end(body);
`;
writeFileSync(bareClient, bareSource("console.log(v ? 'OK - enabled' : 'WARNING - disabled')"));
/** The same, writing its line as the plugins do (console.log loads more of Node than writeSync). */
const leanClient = join(work, 'bare-http-lean.cjs');
writeFileSync(
  leanClient,
  bareSource("require('node:fs').writeSync(1, v ? 'OK - enabled\\n' : 'WARNING - disabled\\n')"),
);
const bundle = join(root, 'dist', 'check_cassandra_backup.cjs');

if (wanted('startup')) {
  const server = await startStatusServer();
  const startupRuns = Number(process.env.BENCH_STARTUP_RUNS ?? runs * 3);
  const startup = await sideBySide(
    [
      { name: 'bare node:http client (console.log; the reference)', argv: [process.execPath, bareClient, server.url] },
      { name: 'the same, printing with fs.writeSync', argv: [process.execPath, leanClient, server.url] },
      { name: 'empty node script', argv: [process.execPath, emptyScript] },
      // Started as the bare client is, `node FILE`: the comparison is of the code, not of how it is started.
      {
        name: 'check_cassandra_backup (status): `node plugins/check_cassandra_backup`, code cache',
        argv: [process.execPath, plugin, '--url', server.url],
      },
      {
        name: 'the same bundle without the code cache: `node dist/check_cassandra_backup.cjs`',
        argv: [process.execPath, bundle, '--url', server.url],
      },
      {
        name: 'the plugin as a monitoring core starts it, through its `#!/usr/bin/env node` line',
        argv: [plugin, '--url', server.url],
      },
      { name: 'check_cassandra_backup --help', argv: [process.execPath, plugin, '--help'] },
    ],
    { runs: startupRuns },
  );
  const instructionRows = await instructionCounts(server.url);

  // 1b. The until-restart path: --config parses a cassandra.yaml with js-yaml, which only this path
  // loads (dist/js-yaml.cjs). The stock cassandra.yaml is about 2,000 lines, most of them comments.
  const stockSizeYaml = join(work, 'cassandra.yaml');
  writeFileSync(
    stockSizeYaml,
    Array.from({ length: 1850 }, (_, i) => `# comment line ${i}: what the stock file explains about its settings`)
      .concat(Array.from({ length: 150 }, (_, i) => `setting_${i}: ${i % 2 === 0 ? 'true' : `"value ${i}"`}`))
      .concat(['incremental_backups: true', ''])
      .join('\n'),
  );
  const configRuns = await sideBySide(
    [
      { name: 'check_cassandra_backup (status)', argv: [process.execPath, plugin, '--url', server.url] },
      {
        name: 'check_cassandra_backup --config (2,000-line cassandra.yaml)',
        argv: [process.execPath, plugin, '--url', server.url, '--config', stockSizeYaml],
      },
    ],
    { runs: startupRuns },
  );
  const configInstructions = existsSync(VALGRIND)
    ? await instructionTable([
        ['check_cassandra_backup (status; entry, code cache)', [await countedEntry(server.url), '--url', server.url]],
        [
          'check_cassandra_backup --config (2,000-line cassandra.yaml)',
          [await countedEntry(server.url), '--url', server.url, '--config', stockSizeYaml],
        ],
      ])
    : '(instruction counts: valgrind is not installed)';
  server.close();
  const statusRow = startup[3];
  sections.push({
    title: 'Start-up: the status check against a bare node:http client',
    text: `${startupRuns} alternating rounds after 3 warm-up rounds against a local Jolokia-speaking server on 127.0.0.1; "× baseline" is against the bare client. Instructions: one run each under callgrind (node --single-threaded, with V8's hashing and random numbers fixed, so the count repeats to a few in a million), the code cache made under the same flags.`,
    table: `${markdownTable(startup)}\n\n${instructionRows}`,
    budget: [
      `wall ≤ 1.05 × the bare client: ${statusRow.wallRatio.toFixed(3)} × — ${statusRow.wallRatio <= 1.05 ? 'met' : 'NOT met'}`,
      `peak memory ≤ 1.05 × the bare client: ${statusRow.rssRatio.toFixed(2)} × — ${statusRow.rssRatio <= 1.05 ? 'met' : 'NOT met'}`,
    ],
  });
  sections.push({
    title: 'The until-restart path: --config against the status check',
    text: `What reading and parsing a cassandra.yaml of the stock file's size (2,000 lines, mostly comments) with js-yaml adds to a run: ${startupRuns} alternating rounds against the same local server (it answers no system property, so nothing but the file is read), baseline the status check; instructions as above.`,
    table: `${markdownTable(configRuns)}\n\n${configInstructions}`,
    budget: [
      `the status check does not load the YAML parser: dist/js-yaml.cjs is required by --config/--find-config only (scripts/build.mjs)`,
    ],
  });
}

/** Instructions counted by callgrind: repeatable where wall time on these machines is not. */
async function instructionCounts(url) {
  if (!existsSync(VALGRIND)) return '(instruction counts: valgrind is not installed)';
  const entry = await countedEntry(url);
  return instructionTable([
    ['bare node:http client (console.log; the reference)', [bareClient, url]],
    ['the same, printing with fs.writeSync', [leanClient, url]],
    ['empty node script', [emptyScript]],
    ['check_cassandra_backup (status; entry, code cache)', [entry, '--url', url]],
    ['the same bundle without the code cache', [bundle, '--url', url]],
  ]);
}

/** The plugin's entry with a code cache made under the counting flags (a cache only fits the V8 flags it was made with). */
async function countedEntry(url) {
  const copy = join(work, 'check_cassandra_backup.cjs');
  const entry = join(work, 'entry.cjs');
  if (existsSync(entry)) return entry;
  copyFileSync(bundle, copy);
  await runQuietly(process.execPath, [...COUNTING_FLAGS, join(root, 'scripts', 'code-cache.mjs'), copy, '--url', url]);
  writeFileSync(
    entry,
    `require(${JSON.stringify(join(root, 'dist', 'launch.cjs'))}).launch(${JSON.stringify(copy)}, 'CASSANDRA BACKUP');\n`,
  );
  return entry;
}

// 2. Against nodetool on a real node --------------------------------------------------------------
if (withCassandra && wanted('nodetool')) {
  const { startCassandra } = await import('./cassandra/harness.mjs');
  const node = await startCassandra({ agents: { main: {} }, log: (m) => process.stderr.write(`[cassandra] ${m}\n`) });
  try {
    const rounds = Math.max(5, Math.round(runs / 2));
    const real = await sideBySide(
      [
        { name: 'check_cassandra_backup (status, real agent)', argv: [plugin, '--url', node.jolokiaUrl] },
        {
          name: 'nodetool statusbackup (same node, same jars)',
          argv: [node.nodetoolSpec.java, ...node.nodetoolSpec.args, 'statusbackup'],
        },
      ],
      { runs: rounds, warmup: 2, settleMs: 1000 },
    );
    const speedup = real[1].wallMs / real[0].wallMs;
    sections.push({
      title: `Against nodetool statusbackup on a real Cassandra ${node.cassandraVersion} node`,
      text: `${rounds} alternating rounds after 2 warm-up rounds, each command started 1 s after the previous one ended (the node keeps working for a while after a nodetool JMX session); baseline is the plugin.`,
      table: markdownTable(real),
      budget: [`at least 20 × faster than nodetool: ${speedup.toFixed(1)} × — ${speedup >= 20 ? 'met' : 'NOT met'}`],
    });
  } finally {
    await node.stop();
  }
}

// 3. Freshness scan -------------------------------------------------------------------------------
if (wanted('freshness')) {
  const TABLES = 500;
  const SSTABLES = 25; // × 8 components = 200 backup files a table
  const layout = buildLayout(join(root, '.cache', 'bench-layout'), TABLES, SSTABLES);
  const layoutServer = await startLayoutServer(TABLES);
  const scanTimes = [];
  for (let i = 0; i < 2 + 7; i++) {
    const started = process.hrtime.bigint();
    const code = await new Promise((resolve) => {
      const child = spawn(
        plugin,
        ['--url', layoutServer.url, '--keyspace', KEYSPACE, '--data-dir', layout.dataDir, '--max-age', '1d'],
        { stdio: 'ignore' },
      );
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`the freshness check on the synthetic layout exited ${code}`);
    if (i >= 2) scanTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  layoutServer.close();
  scanTimes.sort((a, b) => a - b);
  const scanMedian = scanTimes[Math.floor(scanTimes.length / 2)];
  sections.push({
    title: `Freshness scan: ${TABLES} tables, ${layout.backupFiles.toLocaleString('en')} backup files`,
    text: 'The whole plugin run (`--keyspace bench --max-age 1d --data-dir …`): Node start-up, one Jolokia bulk request for 500 tables, the scan, the verdicts. 7 runs after 2 warm-up runs.',
    table: [
      '| runs | median | fastest | slowest |',
      '|---|---|---|---|',
      `| ${scanTimes.length} | ${scanMedian.toFixed(0)} ms | ${scanTimes[0].toFixed(0)} ms | ${scanTimes.at(-1).toFixed(0)} ms |`,
    ].join('\n'),
    budget: [
      `under 0.5 s for 100,000 files: ${(scanMedian / 1000).toFixed(2)} s — ${scanMedian < 500 ? 'met' : 'NOT met'}`,
    ],
  });
}

// 3b. The backups/ backlog at a million files (scripts/bench-backlog.mjs) ------------------------------
if (wanted('backlog')) sections.push(await backlogSection(root));

// 4. The cluster audit (scripts/bench-cluster.mjs) ----------------------------------------------------
if (wanted('cluster')) sections.push(...(await clusterSections({ root, work, runs, withCassandra })));

// 5. Over CQL (scripts/bench-cql.mjs); the real cluster's CQL row is in section 4 when that runs ------
if (wanted('cql'))
  sections.push(...(await cqlSections({ root, work, runs, withCassandra, clusterElsewhere: wanted('cluster') })));

rmSync(work, { recursive: true, force: true });

const report = sections
  .map((s) => `## ${s.title}\n\n${s.text}\n\n${s.table}\n\nBudget: ${s.budget.map((b) => `\n- ${b}`).join('')}\n`)
  .join('\n');
console.log(`${machine()}\n\n${report}`);

if (only === undefined && process.env.BENCH_WRITE !== '0') {
  // Everything from NOTES_MARKER on is written by hand (what was tried); the bench keeps it.
  const file = join(root, 'docs', 'PERFORMANCE.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const notes = previous.includes(NOTES_MARKER) ? previous.slice(previous.indexOf(NOTES_MARKER)) : `${NOTES_MARKER}\n`;
  writeFileSync(
    file,
    `# Performance

Written by \`npm run bench${withCassandra ? ' -- --with-cassandra' : ''}\` (scripts/bench.mjs) on ${machine()}.
Commands run in alternation; medians. "× baseline" is the median of the per-round ratios to the first row of its
table, run in the same round. Peak RSS is /usr/bin/time's maximum resident set size. Machines here are noisy:
trust the ratios, not the milliseconds. What was tried to get here, with figures: docs/DECISIONS.md.

${report}
${notes}`,
  );
}
