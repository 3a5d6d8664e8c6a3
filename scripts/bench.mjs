// npm run bench: what a check costs, side by side in one run. Not a test: it never fails on a
// number. Writes docs/PERFORMANCE.md unless BENCH_WRITE=0.
//
//   1. start-up: the status check against an empty `node` script and a bare node:http client
//      (the floor for any Node plugin), and --help (the cold path), alternating, medians, ratios;
//   2. with --with-cassandra: a real Cassandra node is started (scripts/cassandra/harness.mjs) and
//      the status check is measured against `nodetool statusbackup` from the same jars;
//   3. the freshness scan of a synthetic keyspace of 500 tables and 100,000 backup files.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayout, KEYSPACE, startLayoutServer } from './bench-layout.mjs';
import { machine, markdownTable, requireTime, sideBySide, startStatusServer } from './bench-lib.mjs';

requireTime();
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 20);
const withCassandra = process.argv.includes('--with-cassandra');
const plugin = join(root, 'plugins', 'check_cassandra_backup');
const work = mkdtempSync(join(tmpdir(), 'bench-'));
const sections = [];
const NOTES_MARKER = '## What was tried, and what stands in the way';

// 1. Start-up ------------------------------------------------------------------------------------
const emptyScript = join(work, 'empty.cjs');
writeFileSync(emptyScript, '');
const bareClient = join(work, 'bare-http.cjs');
writeFileSync(
  bareClient,
  `const http = require('node:http');
const url = new URL(process.argv[2]);
const body = JSON.stringify([{ type: 'read', mbean: 'org.apache.cassandra.db:type=StorageService', attribute: 'IncrementalBackupsEnabled' }]);
const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + '/', method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
  let text = ''; res.setEncoding('utf8'); res.on('data', (d) => (text += d));
  res.on('end', () => { const v = JSON.parse(text)[0].value; console.log(v ? 'OK - enabled' : 'WARNING - disabled'); process.exit(v ? 0 : 1); });
});
req.end(body);
`,
);
const server = await startStatusServer();
const startup = await sideBySide(
  [
    { name: 'empty node script', argv: [process.execPath, emptyScript] },
    { name: 'bare node:http client (no options, no checks)', argv: [process.execPath, bareClient, server.url] },
    { name: 'check_cassandra_backup (status)', argv: [plugin, '--url', server.url] },
    { name: 'the same bundle run as `node dist/…cjs` (no env, no entry file)', argv: [process.execPath, join(root, 'dist', 'check_cassandra_backup.cjs'), '--url', server.url] },
    { name: 'check_cassandra_backup --help', argv: [plugin, '--help'] },
  ],
  { runs },
);
server.close();
const statusRow = startup[2];
sections.push({
  title: 'Start-up: the status check against an empty Node script',
  text: `${runs} alternating rounds after 3 warm-up rounds against a local Jolokia-speaking server on 127.0.0.1.`,
  table: markdownTable(startup),
  budget: [
    `wall ≤ 1.2 × empty script: ${statusRow.wallRatio.toFixed(2)} × — ${statusRow.wallRatio <= 1.2 ? 'met' : 'NOT met'}`,
    `peak memory ≤ 1.12 × empty script: ${statusRow.rssRatio.toFixed(2)} × — ${statusRow.rssRatio <= 1.12 ? 'met' : 'NOT met'}`,
  ],
});

// 2. Against nodetool on a real node --------------------------------------------------------------
if (withCassandra) {
  const { startCassandra } = await import('./cassandra/harness.mjs');
  const node = await startCassandra({ agents: { main: {} }, log: (m) => process.stderr.write(`[cassandra] ${m}\n`) });
  try {
    const rounds = Math.max(5, Math.round(runs / 2));
    const real = await sideBySide(
      [
        { name: 'check_cassandra_backup (status, real agent)', argv: [plugin, '--url', node.jolokiaUrl] },
        { name: 'nodetool statusbackup (same node, same jars)', argv: [node.nodetoolSpec.java, ...node.nodetoolSpec.args, 'statusbackup'] },
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
const TABLES = 500;
const SSTABLES = 25; // × 8 components = 200 backup files a table
const layout = buildLayout(join(root, '.cache', 'bench-layout'), TABLES, SSTABLES);
const layoutServer = await startLayoutServer(TABLES);
const scanTimes = [];
for (let i = 0; i < 2 + 7; i++) {
  const started = process.hrtime.bigint();
  const code = await new Promise((resolve) => {
    const child = spawn(plugin, ['--url', layoutServer.url, '--keyspace', KEYSPACE, '--data-dir', layout.dataDir, '--max-age', '1d'], { stdio: 'ignore' });
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
  table: ['| runs | median | fastest | slowest |', '|---|---|---|---|', `| ${scanTimes.length} | ${scanMedian.toFixed(0)} ms | ${scanTimes[0].toFixed(0)} ms | ${scanTimes.at(-1).toFixed(0)} ms |`].join('\n'),
  budget: [`under 0.5 s for 100,000 files: ${(scanMedian / 1000).toFixed(2)} s — ${scanMedian < 500 ? 'met' : 'NOT met'}`],
});

rmSync(work, { recursive: true, force: true });

const report = sections
  .map((s) => `## ${s.title}\n\n${s.text}\n\n${s.table}\n\nBudget: ${s.budget.map((b) => `\n- ${b}`).join('')}\n`)
  .join('\n');
console.log(`${machine()}\n\n${report}`);

if (process.env.BENCH_WRITE !== '0') {
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
