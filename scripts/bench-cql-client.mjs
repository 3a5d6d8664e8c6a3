// npm run bench:cql: the measurements behind docs/DECISIONS.md D23, our own CQL client against
// cassandra-driver, side by side in one run. The contenders are scripts/bench-cql-variants.mjs: one
// minimal status check bundled with each client, and the plugin itself.
//
//   node scripts/bench-cql-client.mjs                  the fake CQL server only (a few minutes)
//   flock /tmp/cassandra-suite.lock node scripts/bench-cql-client.mjs --with-cassandra \
//       [--versions 5.0.9,4.1.10,4.0.19]               real nodes too, one at a time
//
// 1. Against one simulated member (scripts/simulated-cql-cluster.mjs: size 1, a user and password,
//    answers without delay): what the clients cost themselves, with no node's bcrypt to wait for.
// 2. With --with-cassandra, a real node of each version (PasswordAuthenticator, caches off, TLS
//    offered): what each client gets right (scripts/bench-cql-real.mjs); on 5.0.9 also the
//    side-by-side runs, and what a check costs the node (logins, CPU).
// Wall time and peak RSS: alternating rounds, medians, per-round ratios to an empty script
// (bench-lib.mjs); instructions: one run each under callgrind, with the flags of scripts/bench.mjs
// (BENCH_CALLGRIND=0 skips them; BENCH_RUNS sets the rounds, default 15).
// Every run on Node 20 and, once scripts/debian-node.sh has unpacked it, on Debian 12's Node 18.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { machine, requireTime, sideBySide, startStatusServer } from './bench-lib.mjs';
import { correctness, nodeCost, runOnce, secret, startAuthNode } from './bench-cql-real.mjs';
import {
  buildVariants,
  COUNTING_FLAGS,
  countInstructions,
  debianNode,
  variantCommands,
} from './bench-cql-variants.mjs';
import { startSimulatedCqlCluster } from './simulated-cql-cluster.mjs';

requireTime();
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const BENCH_VERSION = '5.0.9';
const withCassandra = process.argv.includes('--with-cassandra');
const versionsAt = process.argv.indexOf('--versions');
const versions = versionsAt === -1 ? [BENCH_VERSION] : process.argv[versionsAt + 1].split(',');
const log = (m) => process.stderr.write(`[bench-cql] ${m}\n`);
const work = mkdtempSync(join(tmpdir(), 'bench-cql-'));
const plugin = join(root, 'plugins', 'check_cassandra_backup');
const empty = join(work, 'empty.cjs');
writeFileSync(empty, '');

const built = await buildVariants(root, work, log);
const debian = debianNode(root);
if (debian === undefined) log('Debian 12 Node 18 is not unpacked (bash scripts/debian-node.sh): Node 20 only');
const nodes = [{ label: `Node ${process.version}`, node: process.execPath }];
if (debian !== undefined)
  nodes.push({ label: "Debian 12's Node 18.20.4 (through its wrapper)", node: debian.wrapper, debian });
const files = { built, empty, plugin };
const counted = await countedPluginEntry();
const report = [`${machine()}; ${runs} alternating rounds after 3 warm-up rounds`, sizes()];

/** The plugin's entry with a code cache made under the counting flags (as scripts/bench.mjs does for Jolokia). */
async function countedPluginEntry() {
  const dir = join(work, 'dist');
  mkdirSync(dir);
  for (const name of ['check_cassandra_backup.cjs', 'cql.cjs', 'js-yaml.cjs'])
    copyFileSync(join(root, 'dist', name), join(dir, name));
  const bundle = join(dir, 'check_cassandra_backup.cjs');
  const agent = await startStatusServer();
  const cache = [...COUNTING_FLAGS, join(root, 'scripts', 'code-cache.mjs'), bundle, '--url', agent.url];
  await promisify(execFile)(process.execPath, cache).catch(() => undefined);
  agent.close();
  const entry = join(dir, 'entry.cjs');
  const launch = JSON.stringify(join(root, 'dist', 'launch.cjs'));
  writeFileSync(entry, `require(${launch}).launch(${JSON.stringify(bundle)}, 'CASSANDRA BACKUP');\n`);
  return entry;
}

function sizes() {
  const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  const dist = (name) => statSync(join(root, 'dist', name)).size;
  const rows = [
    ['our client, minimal bundle', kb(built.ours.bytes)],
    [
      'check_cassandra_backup: dist/check_cassandra_backup.cjs + dist/cql.cjs (loaded with --transport cql only)',
    ].concat(`${kb(dist('check_cassandra_backup.cjs'))} + ${kb(dist('cql.cjs'))}`),
    ['cassandra-driver 4.10, minimal bundle', kb(built.d410.bytes)],
  ];
  if (built.d48 !== undefined) rows.push(['cassandra-driver 4.8.0, minimal bundle', kb(built.d48.bytes)]);
  return ['| bundle | size |', '|---|---|', ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join('\n');
}

/** Instructions of each command under callgrind; the plugin through its counted entry on Node 20. */
async function instructionCounts(commands, debianNode18) {
  const counts = new Map();
  if (process.env.BENCH_CALLGRIND === '0') return counts;
  for (const command of commands) {
    const args = command.argv.slice(1).map((a) => (a === plugin && debianNode18 === undefined ? counted : a));
    // Under valgrind a run is some fifty times slower: the plugin's own 10 s deadline must not end it.
    if (command.key === 'plugin') args.push('-t', '120');
    counts.set(command.key, await countInstructions(args, debianNode18));
  }
  return counts;
}

/** TCP connections one run opens, counted by the fake server. */
async function connectionsPerRun(commands, server) {
  const connections = new Map();
  for (const command of commands) {
    const before = server.connections;
    await runOnce(command.argv);
    connections.set(command.key, server.connections - before);
  }
  return connections;
}

/** The side-by-side table, with extra columns by command key: [header, Map(key → text)]. */
function table(commands, timed, extras) {
  const head = ['command', 'wall (median)', '× empty', 'peak RSS (median)', '× empty', 'exit'];
  const lines = [
    `| ${head.concat(extras.map(([h]) => h)).join(' | ')} |`,
    `|${'---|'.repeat(head.length + extras.length)}`,
  ];
  for (const [i, command] of commands.entries()) {
    const r = timed[i];
    const cells = [r.name, `${r.wallMs.toFixed(0)} ms`, r.wallRatio.toFixed(2), `${r.rssMiB.toFixed(1)} MiB`]
      .concat([r.rssRatio.toFixed(2), r.exitCodes])
      .concat(extras.map(([, values]) => values.get(command.key) ?? '–'));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The instruction column: millions, × the empty script, and the exit if it was not 0 or 1. */
function instructionColumn(counts) {
  const base = counts.get('empty')?.n;
  const column = new Map();
  for (const [key, c] of counts) {
    if (c === undefined) column.set(key, 'not counted');
    else
      column.set(
        key,
        `${(c.n / 1e6).toFixed(1)} M (${base === undefined ? '?' : (c.n / base).toFixed(2)} ×)${c.code > 1 ? ` exit ${c.code}: ${c.line.slice(0, 90)}` : ''}`,
      );
  }
  return column;
}

// 1. The fake: the clients alone -------------------------------------------------------------------
const fake = await startSimulatedCqlCluster({ size: 1, latencyMs: [0, 0], user: 'monitor', password: 'bench-secret' });
try {
  const target = { host: fake.contact.host, port: fake.port, user: 'monitor', dc: fake.members[0].datacenter };
  target.passwordFile = secret(work, 'fake', 'bench-secret');
  for (const { label, node, debian: d18 } of nodes) {
    const commands = variantCommands(node, files, target, { defaults: false });
    log(`fake server, ${label}: ${runs} rounds`);
    const timed = await sideBySide(commands, { runs });
    log(`fake server, ${label}: callgrind`);
    const extras = [['instructions (callgrind)', instructionColumn(await instructionCounts(commands, d18))]];
    const connections = await connectionsPerRun(commands, fake);
    extras.push(['connections a run', new Map([...connections].map(([k, n]) => [k, String(n)]))]);
    report.push(
      `### The fake CQL server (one member, user and password, no delay), ${label}\n\n${table(commands, timed, extras)}`,
    );
  }
} finally {
  await fake.close();
}

// 2. Real nodes ------------------------------------------------------------------------------------
for (const version of withCassandra ? versions : []) {
  const real = await startAuthNode(version, work, built.ours.file, log);
  try {
    const commands = variantCommands(process.execPath, files, real.target);
    log(`Cassandra ${version}: correctness`);
    report.push(
      `### What each client gets right on Cassandra ${version}\n\n${await correctness(real, commands, work)}`,
    );
    if (version === BENCH_VERSION) report.push(...(await realBench(real, version)));
  } finally {
    await real.node.stop();
  }
}

/** On one real node: side by side on each Node; on Node 20 also instructions, logins and CPU on the node. */
async function realBench(real, version) {
  const sections = [];
  for (const { label, node, debian: d18 } of nodes) {
    const commands = variantCommands(node, files, real.target);
    log(`Cassandra ${version}, ${label}: ${runs} rounds`);
    const timed = await sideBySide(commands, { runs });
    const extras = [];
    if (d18 === undefined) {
      const { cost, idleMsPerSecond } = await nodeCost(real.node, commands);
      extras.push(['logins a run (AuthSuccess)', new Map([...cost].map(([k, c]) => [k, c.logins.toFixed(1)]))]);
      extras.push(['node CPU a run', new Map([...cost].map(([k, c]) => [k, `${c.cpuMs.toFixed(0)} ms`]))]);
      extras.push(['instructions (callgrind)', instructionColumn(await instructionCounts(commands, d18))]);
      log(`node idle CPU: ${idleMsPerSecond.toFixed(1)} ms/s`);
    }
    sections.push(
      `### A real Cassandra ${version} node (PasswordAuthenticator, caches off), ${label}\n\n${table(commands, timed, extras)}`,
    );
  }
  return sections;
}

rmSync(work, { recursive: true, force: true });
console.log(report.join('\n\n'));
