// The contenders of docs/DECISIONS.md D23, for scripts/bench-cql-client.mjs: one minimal status check
// over CQL (log in, read incremental_backups from system_views.settings, print a Nagios line, exit),
// written once and bundled by esbuild the way the plugins are (CommonJS, platform node, target
// node18, the client required inside the function that needs it), so that only the client differs:
// our own (src/cql/session.ts) or cassandra-driver 4.10 (the devDependency) or 4.8.0, the last that
// declares Node 18, installed into a temporary directory (package.json is not touched). Also how
// each is started on Node 20 and on Debian 12's Node 18, and its instructions under callgrind.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export const SETTINGS_QUERY = "SELECT name, value FROM system_views.settings WHERE name = 'incremental_backups'";
/** Every CQL connection the node has, as the node sees it: the protocol version each speaks. */
export const CLIENTS_QUERY =
  'SELECT address, port, protocol_version, ssl_enabled, driver_name FROM system_views.clients';
export const DRIVER_48 = '4.8.0';
const VALGRIND = '/usr/bin/valgrind';
const COUNTING_FLAGS = ['--single-threaded', '--hash-seed=1', '--random-seed=1'];

/** The shared frame: arguments, the password file, the Nagios line, the exit. `read` is the client's. */
const frame = (client) => `
import { readFileSync, writeSync } from 'node:fs';
const [host, port, user, passwordFile, dc, mode] = process.argv.slice(2);
const password = readFileSync(passwordFile, 'utf8').split('\\n')[0];
const ca = process.env.CQL_BENCH_CA === undefined ? undefined : readFileSync(process.env.CQL_BENCH_CA, 'utf8');
const SETTINGS = ${JSON.stringify(SETTINGS_QUERY)};
const CLIENTS = ${JSON.stringify(CLIENTS_QUERY)};
/** With CQL_BENCH_CLIENTS set, the node's view of every connection goes to stderr (the correctness runs). */
const report = (rows) => writeSync(2, JSON.stringify(rows.map((r) => [String(r.address), r.port, r.protocol_version, r.ssl_enabled, r.driver_name])) + '\\n');
function out(line, code) {
  writeSync(1, line + '\\n');
  process.exit(code);
}
function verdict(value) {
  const where = host + ':' + port;
  if (value === 'true') out('CASSANDRA BACKUP OK - incremental backups are enabled on ' + where, 0);
  if (value === 'false') out('CASSANDRA BACKUP WARNING - incremental backups are disabled on ' + where, 1);
  out('CASSANDRA BACKUP UNKNOWN - ' + where + ' gave incremental_backups = ' + value, 3);
}
${client}
read().then(verdict, (e) => out('CASSANDRA BACKUP UNKNOWN - ' + String(e && e.message).split('\\n')[0], 3));
`;

const OURS = `
async function read() {
  const { openSession } = require('./src/cql/session.js');
  const session = await openSession(
    { host, port: Number(port), user, password, ...(ca === undefined ? {} : { tls: { ca } }) },
    { deadline: Date.now() + 10000 },
  );
  try {
    const [row] = await session.query(SETTINGS);
    if (process.env.CQL_BENCH_CLIENTS) report(await session.query(CLIENTS));
    return row && row.value;
  } finally {
    session.close();
  }
}`;

/** mode "lean": the driver told not to read the schema (isMetadataSyncEnabled: false), as a check would. */
const DRIVER = (path) => `
async function read() {
  const { Client, auth } = require(${JSON.stringify(path)});
  const client = new Client({
    contactPoints: [host + ':' + port],
    localDataCenter: dc,
    authProvider: new auth.PlainTextAuthProvider(user, password),
    ...(mode === 'lean' ? { isMetadataSyncEnabled: false } : {}),
    ...(ca === undefined ? {} : { sslOptions: { ca: [ca] } }),
  });
  if (process.env.CQL_BENCH_TRACE) client.on('log', (level, _, text) => level !== 'verbose' && writeSync(2, text + '\\n'));
  try {
    const result = await client.execute(SETTINGS);
    if (process.env.CQL_BENCH_CLIENTS) report((await client.execute(CLIENTS)).rows);
    const row = result.first();
    return row && row.value;
  } finally {
    await client.shutdown();
  }
}`;

/** cassandra-driver 4.8.0 in a directory of its own under the system's temp dir; undefined if npm cannot get it. */
export function installDriver48(log) {
  const dir = join(tmpdir(), `bench-cql-cassandra-driver-${DRIVER_48}`);
  const main = join(dir, 'node_modules', 'cassandra-driver');
  if (existsSync(join(main, 'package.json'))) return main;
  try {
    const args = ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund'];
    execFileSync('npm', [...args, `cassandra-driver@${DRIVER_48}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    return main;
  } catch (error) {
    log(`cassandra-driver ${DRIVER_48} could not be installed into ${dir}: ${String(error.stderr ?? error).trim()}`);
    return undefined;
  }
}

/** Bundles the variants into `work`: { ours, d410, d48? } → { file, bytes }. */
export async function buildVariants(root, work, log) {
  const sources = { ours: OURS, d410: DRIVER(join(root, 'node_modules', 'cassandra-driver')) };
  const driver48 = installDriver48(log);
  if (driver48 !== undefined) sources.d48 = DRIVER(driver48);
  const built = {};
  for (const [name, client] of Object.entries(sources)) {
    const file = join(work, `${name}.cjs`);
    await build({
      stdin: { contents: frame(client), resolveDir: root, sourcefile: `${name}.ts`, loader: 'ts' },
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      legalComments: 'none',
      logLevel: 'error',
    });
    built[name] = { file, bytes: statSync(file).size };
  }
  return built;
}

/** Debian 12's Node 18 (scripts/debian-node.sh), or undefined when it has not been unpacked. */
export function debianNode(root) {
  const wrapper = join(root, '.cache', 'debian-node18', 'bin', 'node');
  return existsSync(wrapper) ? { wrapper, root: join(root, '.cache', 'debian-node18', 'root') } : undefined;
}

/**
 * The variants as commands on one Node (`node`: the executable or Debian's wrapper): the empty
 * script first, the baseline. `target`: { host, port, user, passwordFile, dc }.
 */
export function variantCommands(node, { built, empty, plugin }, target, { defaults = true } = {}) {
  const { host, port, user, passwordFile, dc } = target;
  const args = [host, String(port), user, passwordFile, dc];
  const commands = [
    { key: 'empty', name: 'empty node script (baseline)', argv: [node, empty] },
    { key: 'ours', name: 'our client (src/cql), minimal bundle', argv: [node, built.ours.file, ...args] },
    {
      key: 'plugin',
      name: 'check_cassandra_backup --transport cql (the plugin)',
      argv: [node, plugin, '--transport', 'cql', '-H', host, '--cql-port', String(port), '-u', user].concat([
        '--password-file',
        passwordFile,
      ]),
    },
  ];
  for (const [key, label] of [
    ['d410', 'cassandra-driver 4.10'],
    ['d48', `cassandra-driver ${DRIVER_48}`],
  ]) {
    if (built[key] === undefined) continue;
    if (defaults) commands.push({ key, name: `${label}, defaults`, argv: [node, built[key].file, ...args] });
    const lean = `${label}, isMetadataSyncEnabled: false`;
    commands.push({ key: `${key}-lean`, name: lean, argv: [node, built[key].file, ...args, 'lean'] });
  }
  return commands;
}

/**
 * The instructions one run executes under callgrind ({ n, code, line }: the count, the run's exit and first line), on Node 20 (`debian` undefined) or inside the
 * private mount namespace Debian's Node 18 needs (the wrapper's, with valgrind inside it).
 */
export async function countInstructions(args, debian) {
  if (!existsSync(VALGRIND)) return undefined;
  const counted = [VALGRIND, '--tool=callgrind', '--callgrind-out-file=/dev/null'];
  let argv;
  if (debian === undefined) argv = [...counted, process.execPath, ...COUNTING_FLAGS, ...args];
  else {
    const namespaces = process.getuid?.() === 0 ? ['--mount'] : ['--user', '--map-root-user', '--mount'];
    const inside =
      'mount --bind "$0/usr/share/nodejs" /usr/share/nodejs && LD_LIBRARY_PATH="$0/usr/lib/x86_64-linux-gnu" exec "$@"';
    argv = ['unshare', ...namespaces, 'sh', '-c', inside, debian.root, ...counted];
    argv.push(join(debian.root, 'usr', 'bin', 'node'), ...COUNTING_FLAGS, ...args);
  }
  const { stdout, stderr, code } = await new Promise((resolve) => {
    const text = { stdout: '', stderr: '' };
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (text.stdout += d));
    child.stderr.on('data', (d) => (text.stderr += d));
    child.on('close', (exit) => resolve({ ...text, code: exit }));
  });
  const n = Number(/Collected : (\d+)/.exec(stderr)?.[1]);
  return Number.isFinite(n) && n > 0 ? { n, code, line: stdout.split('\n')[0] } : undefined;
}

export { COUNTING_FLAGS, VALGRIND };
