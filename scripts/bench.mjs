// npm run bench: what a check costs, side by side in one run against an empty Node script.
// Not a test: it never fails on a number. Writes docs/PERFORMANCE.md unless BENCH_WRITE=0.
// BENCH_JOLOKIA_URL points it at a real agent instead of the local Jolokia-speaking server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, markdownTable, requireTime, sideBySide, startStatusServer } from './bench-lib.mjs';

requireTime();
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 20);
const work = mkdtempSync(join(tmpdir(), 'bench-'));
const emptyScript = join(work, 'empty.cjs');
writeFileSync(emptyScript, '');
const server = await startStatusServer();
const url = process.env.BENCH_JOLOKIA_URL ?? server.url;
const plugin = join(root, 'plugins', 'check_cassandra_backup');

const rows = await sideBySide(
  [
    { name: 'empty node script', argv: [process.execPath, emptyScript] },
    { name: 'check_cassandra_backup (status)', argv: [plugin, '--url', url] },
    { name: 'check_cassandra_backup --help', argv: [plugin, '--help'] },
  ],
  { runs },
);
server.close();
rmSync(work, { recursive: true, force: true });

const where = process.env.BENCH_JOLOKIA_URL ? 'a real Jolokia agent' : 'a local Jolokia-speaking server on 127.0.0.1';
const table = markdownTable(rows);
console.log(`${machine()}; ${runs} alternating rounds after 3 warm-up rounds; Jolokia: ${where}\n\n${table}`);

if (process.env.BENCH_WRITE !== '0') {
  writeFileSync(
    join(root, 'docs', 'PERFORMANCE.md'),
    `# Performance

Measured by \`npm run bench\` (scripts/bench.mjs): the commands run in alternation, ${runs} rounds after 3 warm-up
rounds; medians. "× baseline" is the median of the per-round ratios to the empty \`node\` script of the same round.
Peak RSS is /usr/bin/time's maximum resident set size. Machines here are noisy: trust the ratios, not the milliseconds.

Machine: ${machine()}. Jolokia endpoint: ${where}.

${table}
`,
  );
}
