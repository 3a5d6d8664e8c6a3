// Shared by the benchmarks: a local Jolokia-speaking server (scripts/fake-jolokia.mjs), side-by-side
// measurement with /usr/bin/time, medians and per-round ratios, a Markdown table, and instruction
// counts under callgrind.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { answering, found, startFakeJolokia } from './fake-jolokia.mjs';

export const TIME = '/usr/bin/time';

export function requireTime() {
  if (!existsSync(TIME)) {
    console.error(`${TIME} is needed for peak memory (Debian package "time")`);
    process.exit(2);
  }
}

/** Answers every read with true (and a version string), as StorageService would. */
export async function startStatusServer() {
  const agent = await startFakeJolokia(answering((r) => found(r.attribute === 'ReleaseVersion' ? '5.0.6' : true)));
  return { url: agent.url, close: () => agent.close() };
}

function measureOnce(argv) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(TIME, ['-f', '%M', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ seconds, kib: Number(err.trim().split('\n').pop()), code });
    });
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One run under /usr/bin/time: wall seconds, peak RSS (KiB) and what it printed. */
export function measureWithOutput(argv) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(TIME, ['-f', '%M', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', () =>
      resolve({
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        kib: Number(stderr.trim().split('\n').pop()),
        stdout,
      }),
    );
  });
}

/**
 * Runs the commands in alternation (`warmup` rounds discarded), the first being the baseline,
 * optionally `settleMs` apart.
 * Ratios are medians of per-round ratios, so a noisy stretch affects both sides of a pair.
 */
export async function sideBySide(commands, { runs = 20, warmup = 3, settleMs = 0 } = {}) {
  const samples = commands.map(() => ({ seconds: [], kib: [], codes: new Set() }));
  for (let round = 0; round < warmup + runs; round++) {
    for (const [i, command] of commands.entries()) {
      // A pause lets work one command caused elsewhere (a JVM answering nodetool) die down first.
      if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
      const { seconds, kib, code } = await measureOnce(command.argv);
      if (round < warmup) continue;
      samples[i].seconds.push(seconds);
      samples[i].kib.push(kib);
      samples[i].codes.add(code);
    }
  }
  const ratio = (i, key) => median(samples[i][key].map((v, round) => v / samples[0][key][round]));
  return commands.map((command, i) => ({
    name: command.name,
    wallMs: median(samples[i].seconds) * 1000,
    wallRatio: ratio(i, 'seconds'),
    rssMiB: median(samples[i].kib) / 1024,
    rssRatio: ratio(i, 'kib'),
    exitCodes: [...samples[i].codes].join(','),
  }));
}

export function markdownTable(rows) {
  return [
    '| command | wall (median) | × baseline | peak RSS (median) | × baseline | exit |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.wallMs.toFixed(1)} ms | ${r.wallRatio.toFixed(2)} | ${r.rssMiB.toFixed(1)} MiB | ${r.rssRatio.toFixed(2)} | ${r.exitCodes} |`,
    ),
  ].join('\n');
}

export function machine() {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export const VALGRIND = '/usr/bin/valgrind';
/** V8 without its helper threads, hashing and random numbers fixed: instruction counts that repeat. */
export const COUNTING_FLAGS = ['--single-threaded', '--hash-seed=1', '--random-seed=1'];

/** One callgrind run per row; the first row is the reference. */
export async function instructionTable(rows) {
  const counts = [];
  for (const [name, args] of rows) {
    const { stderr } = await runQuietly(VALGRIND, [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      ...COUNTING_FLAGS,
      ...args,
    ]);
    counts.push([name, Number(/Collected : (\d+)/.exec(stderr)?.[1])]);
  }
  const [, reference] = counts[0];
  return [
    '| command | instructions | × first row |',
    '|---|---|---|',
    ...counts.map(([name, n]) => `| ${name} | ${(n / 1e6).toFixed(1)} M | ${(n / reference).toFixed(3)} |`),
  ].join('\n');
}

export function runQuietly(command, args) {
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
