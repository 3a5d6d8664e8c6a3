// Real nodes for scripts/bench-cql-client.mjs: a Cassandra node with PasswordAuthenticator (and TLS
// offered on its native port, optional, so one node serves plain and encrypted connections), what
// each client does against it (right and wrong password, the settings query, the protocol version
// the node sees it speak, TLS), and what one check costs the node: logins and CPU.
// Whoever runs this takes /tmp/cassandra-suite.lock first (flock), as every suite that starts nodes.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jolokiaPost, startCassandra } from './cassandra/harness.mjs';
import { run } from './cassandra/commands.mjs';
import { makeTls } from './cassandra/tls.mjs';

export const USER = 'cassandra';
const KEYSTORE_PASSWORD = 'bench-keystore';

/** Auth with no caches (every login is checked against system_auth), in the release's spelling (4.0 has no units). */
function authYaml(version) {
  const units = !version.startsWith('4.0.');
  const setting = (name) => (units ? `${name}: 0ms` : `${name}_in_ms: 0`);
  return ['authenticator: PasswordAuthenticator', 'authorizer: CassandraAuthorizer']
    .concat(['roles_validity', 'permissions_validity', 'credentials_validity'].map(setting))
    .join('\n');
}

/** Starts a node of `version` with PasswordAuthenticator and optional TLS; resolves once cassandra/cassandra logs in. */
export async function startAuthNode(version, work, ours, log) {
  const tls = await makeTls(join(work, `tls-${version}`));
  const keystore = join(work, `tls-${version}`, 'keystore.p12');
  const exported = await run('openssl', [
    'pkcs12',
    '-export',
    ...['-in', tls.certFile, '-inkey', tls.keyFile, '-out', keystore, '-name', 'cassandra'],
    ...['-passout', `pass:${KEYSTORE_PASSWORD}`],
  ]);
  if (exported.code !== 0) throw new Error(`openssl pkcs12 failed: ${exported.stderr}`);
  const clientTls = [
    'client_encryption_options:',
    '  enabled: true',
    '  optional: true',
    `  keystore: ${JSON.stringify(keystore)}`,
    `  keystore_password: ${KEYSTORE_PASSWORD}`,
    '  store_type: PKCS12',
  ].join('\n');
  const node = await startCassandra({
    cassandraVersion: version,
    incrementalBackups: true,
    extraYaml: `${authYaml(version)}\n${clientTls}\n`,
    log: (m) => log(`[cassandra ${version}] ${m}`),
  });
  const passwordFile = secret(work, 'right', 'cassandra');
  const target = { host: '127.0.0.1', port: node.nativePort, user: USER, passwordFile, dc: 'datacenter1' };
  // The default superuser is created a few seconds after the node serves CQL.
  for (let tries = 0; ; tries++) {
    const { code, stdout } = await runOnce([process.execPath, ours, ...targetArgs(target)]);
    if (code === 0 || code === 1) break;
    if (tries > 60) {
      await node.stop();
      throw new Error(`cassandra/cassandra never logged in on ${version}: ${stdout}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { node, target, caFile: tls.caFile };
}

/** A password file, mode 0600 as the plugin wants it. */
export function secret(work, name, password) {
  const file = join(work, `password-${name}`);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return file;
}

export const targetArgs = (t) => [t.host, String(t.port), t.user, t.passwordFile, t.dc];

/** One run: exit code, stdout, stderr. */
export function runOnce(argv, env = {}) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() }));
  });
}

/** The node's view of the connections a run had open (system_views.clients rows on stderr), or undefined. */
function connectionsSeen(stderr) {
  const line = stderr.split('\n').find((l) => l.startsWith('[['));
  return line === undefined ? undefined : JSON.parse(line);
}

/** "v4 ×1": each protocol version the node saw, × connections. */
function protocols(rows) {
  const counts = new Map();
  for (const row of rows ?? []) counts.set(row[2], (counts.get(row[2]) ?? 0) + 1);
  return counts.size === 0 ? 'not reported' : [...counts].map(([v, n]) => `v${v} ×${n}`).join(', ');
}

/** The Nagios line's start, or its message after the state when the run failed. */
function brief({ code, stdout }, length) {
  const line = stdout.split('\n')[0].replace(/\|.*/, '').trim();
  return `exit ${code}: ${(code > 1 ? line.replace(/^.*? UNKNOWN - /, '') : line).slice(0, length)}`;
}

/** Right password, wrong password, protocol, TLS: one row per client. `commands` from variantCommands (Node 20). */
export async function correctness({ target, caFile }, commands, work) {
  const wrong = { ...target, passwordFile: secret(work, 'wrong', 'not-the-password') };
  const rows = [];
  for (const command of commands.filter((c) => c.key !== 'empty')) {
    const isPlugin = command.key === 'plugin';
    const withWrong = command.argv.map((a) => (a === target.passwordFile ? wrong.passwordFile : a));
    const right = await runOnce(isPlugin ? [...command.argv, '-vvv'] : command.argv, { CQL_BENCH_CLIENTS: '1' });
    const refused = await runOnce(withWrong);
    const tls = isPlugin
      ? await runOnce([...command.argv, '--ssl', '--ca-file', caFile, '-vvv'])
      : await runOnce(command.argv, { CQL_BENCH_CA: caFile, CQL_BENCH_CLIENTS: '1' });
    // The plugin cannot print the node's view; its -vvv trace says what it sent and what came back.
    const protocol = isPlugin
      ? /STARTUP \(protocol v4\)[\s\S]*AUTH_SUCCESS/.test(right.stdout)
        ? 'v4 (its -vvv trace)'
        : 'no v4 login traced'
      : protocols(connectionsSeen(right.stderr));
    const encrypted = isPlugin
      ? /connected to \S+ \(TLS\)/.test(tls.stdout)
        ? 'TLS (its -vvv trace)'
        : 'no TLS traced'
      : `TLS on ${(connectionsSeen(tls.stderr) ?? []).filter((row) => row[3] === true).length} of ${(connectionsSeen(tls.stderr) ?? []).length} connections`;
    rows.push([command.name, brief(right, 60), brief(refused, 150), protocol, `exit ${tls.code}; ${encrypted}`]);
  }
  return [
    '| client | right password | wrong password | protocol the node sees (system_views.clients) | TLS, CA verified |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** CPU seconds the node's JVM has used (utime + stime, /proc). */
function nodeCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function authSuccesses(node) {
  const agent = node.agents[node.mainAgent];
  const mbean = 'org.apache.cassandra.metrics:type=Client,name=AuthSuccess';
  const res = await jolokiaPost(agent, { type: 'read', mbean, attribute: 'Count' });
  return typeof res.json?.value === 'number' ? res.json.value : Number.NaN;
}

/**
 * What one check costs the node: successful logins (the AuthSuccess meter: each one a bcrypt check
 * with the caches off) and the JVM's CPU per run, over `runs` runs of each command, one at a time,
 * after a pause of two seconds, less the node's idle CPU over as long (measured first, for 5 s).
 */
export async function nodeCost(node, commands, runs = 10) {
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const idleStart = nodeCpuSeconds(node.pid);
  await pause(5000);
  const idlePerSecond = (nodeCpuSeconds(node.pid) - idleStart) / 5;
  const cost = new Map();
  for (const command of commands) {
    await pause(2000);
    const logins = await authSuccesses(node);
    const cpu = nodeCpuSeconds(node.pid);
    const started = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) await runOnce(command.argv);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const busy = nodeCpuSeconds(node.pid) - cpu - idlePerSecond * seconds;
    cost.set(command.key, { logins: ((await authSuccesses(node)) - logins) / runs, cpuMs: (busy * 1000) / runs });
  }
  return { cost, idleMsPerSecond: idlePerSecond * 1000 };
}
