// @ts-check
// npm run bench, section cql: the plugins asking a node over CQL (--transport cql) instead of its
// Jolokia agent.
//   1. with --with-cassandra: the status check over CQL, with a PasswordAuthenticator login,
//      against the same check over Jolokia and `nodetool statusbackup` on one real node; and what
//      the server's password check costs of a CQL run (raw logins, scripts/bench-cql-login.mjs);
//   2. with --with-cassandra: the CQL cluster audit on the real 3-node cluster, a row of the
//      cluster section (scripts/bench-cluster.mjs), run here when that section is not;
//   3. always: the CQL cluster audit of 1,000 simulated members (scripts/simulated-cql-cluster.mjs,
//      in a process of its own), each asked with a login of its own.
// The CQL driver (cassandra-driver, a devDependency) only sets up the role, and is loaded only then.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { realCluster } from './bench-cluster.mjs';
import { loginTimes } from './bench-cql-login.mjs';
import { markdownTable, measureWithOutput, median, sideBySide } from './bench-lib.mjs';

const AUTH_YAML =
  'authenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\nroles_validity: 0ms\npermissions_validity: 0ms\ncredentials_validity: 0ms\n';
const ROLE = 'monitor';
const PASSWORD = 'bench-monitor-password';

/**
 * The sections of the report: the real node and, unless the cluster section runs it, the real
 * cluster (with --with-cassandra), then the simulated members.
 * @param {{ root: string, work: string, runs: number, withCassandra: boolean, clusterElsewhere: boolean }} options
 */
export async function cqlSections({ root, work, runs, withCassandra, clusterElsewhere }) {
  const passwordFile = join(work, 'cassandra.pw');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  const sections = [];
  if (withCassandra) sections.push(await realNode({ root, runs, passwordFile }));
  if (withCassandra && !clusterElsewhere) sections.push(...(await realCluster({ root, work, runs })));
  sections.push(await simulatedMembers({ root, passwordFile, size: 1000, wallBudget: 5, rssBudget: 200 }));
  return sections;
}

/**
 * @param {{ root: string, runs: number, passwordFile: string }} options
 */
async function realNode({ root, runs, passwordFile }) {
  const { startCassandra } = await import('./cassandra/harness.mjs');
  const node = await startCassandra({
    agents: { main: {} },
    incrementalBackups: true,
    extraYaml: AUTH_YAML,
    log: (m) => process.stderr.write(`[cassandra] ${m}\n`),
  });
  try {
    await createRole(node.nativePort);
    const plugin = join(root, 'plugins', 'check_cassandra_backup');
    const cql = [plugin, '--transport', 'cql', '-H', '127.0.0.1', '--cql-port', String(node.nativePort)];
    const cqlCheck = [...cql, '-u', ROLE, '--password-file', passwordFile];
    await expectAnswer(cqlCheck);
    const rounds = Math.max(5, Math.round(runs / 2));
    const rows = await sideBySide(
      [
        { name: `check_cassandra_backup --transport cql (status, login as ${ROLE})`, argv: cqlCheck },
        {
          name: 'check_cassandra_backup (status, real Jolokia agent, no login)',
          argv: [plugin, '--url', node.jolokiaUrl],
        },
        {
          name: 'nodetool statusbackup (same node, same jars)',
          argv: [node.nodetoolSpec.java, ...node.nodetoolSpec.args, 'statusbackup'],
        },
      ],
      { runs: rounds, warmup: 2, settleMs: 1000 },
    );
    const login = await loginTimes({ port: node.nativePort, user: ROLE, password: PASSWORD, times: 9 });
    const [check, jolokia, nodetool] = rows;
    const speedup = nodetool.wallMs / check.wallMs;
    return {
      title: `Over CQL: the status check on a real Cassandra ${node.cassandraVersion} node with PasswordAuthenticator`,
      text: [
        `One node with incremental backup on, PasswordAuthenticator and CassandraAuthorizer, every auth cache off (roles, permissions and credentials validity 0 ms, so each run logs in afresh); the role ${ROLE} has SELECT ON KEYSPACE system_views (the grant of docs/SECURITY.md; SELECT ON ALL KEYSPACES, granted too, does not reach the virtual tables on 5.0.9), its password in a file. The CQL check opens one connection: STARTUP, the login, then system.local and system_views.settings at once; the Jolokia check sends one HTTP POST to an agent that asks for no login. ${rounds} alternating rounds after 2 warm-up rounds, 1 s apart; baseline is the CQL check.`,
        `The server's password check (bcrypt) in a CQL run: on raw connections, the login as ${ROLE} (SASL PLAIN to AUTH_SUCCESS) takes ${login.loginMs.toFixed(1)} ms (median of ${login.times}), a one-row SELECT on the same connection ${login.queryMs.toFixed(1)} ms: about ${((100 * login.loginMs) / check.wallMs).toFixed(0)} % of the CQL check's ${check.wallMs.toFixed(0)} ms.`,
      ].join('\n\n'),
      table: markdownTable(rows),
      budget: [
        `CQL check at least 5 × faster than nodetool statusbackup: ${speedup.toFixed(1)} × — ${speedup >= 5 ? 'met' : 'NOT met'}`,
        `CQL check against the Jolokia check (reported): ${(1 / jolokia.wallRatio).toFixed(2)} × its wall time`,
      ],
    };
  } finally {
    await node.stop();
  }
}

/**
 * The role the checks log in as, with SELECT on every keyspace and on system_views. The default
 * superuser is made a few seconds after the node serves CQL: the first logins fail until then.
 * @param {number} port
 */
async function createRole(port) {
  const { default: cassandra } = await import('cassandra-driver');
  const deadline = Date.now() + 120_000;
  for (;;) {
    const client = new cassandra.Client({
      contactPoints: [`127.0.0.1:${port}`],
      localDataCenter: 'datacenter1',
      credentials: { username: 'cassandra', password: 'cassandra' },
    });
    try {
      await client.connect();
      await client.execute(`CREATE ROLE IF NOT EXISTS ${ROLE} WITH PASSWORD = '${PASSWORD}' AND LOGIN = true`);
      await client.execute(`GRANT SELECT ON ALL KEYSPACES TO ${ROLE}`);
      // On 5.0.9 a grant on all keyspaces does not reach the virtual tables: system_views needs its own.
      await client.execute(`GRANT SELECT ON KEYSPACE system_views TO ${ROLE}`);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      await client.shutdown();
    }
  }
}

/**
 * One run before measuring: an UNKNOWN (a refused login, a missing grant) would time the wrong path.
 * @param {string[]} argv
 */
async function expectAnswer(argv) {
  const { stdout } = await measureWithOutput(argv);
  if (/^CASSANDRA BACKUP (OK|WARNING|CRITICAL) - /.test(stdout)) return;
  throw new Error(`the CQL check did not answer with a state: ${stdout.trim()}`);
}

/**
 * The CQL cluster audit of simulated members, each logging in on its own connection.
 * @param {{ root: string, passwordFile: string, size: number, wallBudget: number, rssBudget: number }} options
 */
async function simulatedMembers({ root, passwordFile, size, wallBudget, rssBudget }) {
  const simulation = await startCqlSimulation(root, size);
  const argv = [
    join(root, 'plugins', 'check_cassandra_cluster_backup'),
    ...['--transport', 'cql', '-H', simulation.host, '--cql-port', String(simulation.port)],
    ...['-u', ROLE, '--password-file', passwordFile, '-t', '30', '--format', 'json'],
  ];
  try {
    const samples = [];
    for (let i = 0; i < 1 + 5; i++) {
      const { seconds, kib, stdout } = await measureWithOutput(argv);
      const answer = JSON.parse(stdout);
      if (answer.nodes.length !== size || answer.members !== size)
        throw new Error(`the CQL audit accounted for ${answer.nodes.length} of ${size} members: ${answer.message}`);
      if (i > 0) samples.push({ seconds, kib, enabled: answer.enabled });
    }
    const wall = median(samples.map((s) => s.seconds));
    const rss = Math.max(...samples.map((s) => s.kib)) / 1024;
    const enabled = Math.min(...samples.map((s) => s.enabled));
    return {
      title: `Over CQL: the cluster audit of ${size.toLocaleString('en')} simulated members`,
      text: `scripts/simulated-cql-cluster.mjs in a process of its own: one fake CQL server standing for every member on 127.3.x.y, the same port, each query answered after 2-20 ms, a PasswordAuthenticator login on every connection. \`check_cassandra_cluster_backup --transport cql -u ${ROLE} --password-file … -t 30 --format json\`, otherwise its defaults (--parallel 512, --node-timeout 2): the ring from the contact's system.local and peers_v2, then each member on its own connection and login. 5 runs after 1 warm-up, every member accounted for in each (at least ${enabled} of ${size} with backup enabled, as all are). Scale only: what the check says about Cassandra is proven on real nodes.`,
      table: [
        '| runs | wall (median) | slowest | peak RSS (largest) |',
        '|---|---|---|---|',
        `| ${samples.length} | ${wall.toFixed(2)} s | ${Math.max(...samples.map((s) => s.seconds)).toFixed(2)} s | ${rss.toFixed(1)} MiB |`,
      ].join('\n'),
      budget: [
        `under ${wallBudget} s: ${wall.toFixed(2)} s — ${wall < wallBudget ? 'met' : 'NOT met'}`,
        `under ${rssBudget} MiB: ${rss.toFixed(1)} MiB — ${rss < rssBudget ? 'met' : 'NOT met'}`,
        `every member accounted for: ${size} of ${size} in each run — met`,
      ],
    };
  } finally {
    simulation.stop();
  }
}

/**
 * The simulated members in a process of their own, so their work is not counted as the check's.
 * @param {string} root
 * @param {number} size
 * @returns {Promise<{ host: string, port: number, stop: () => void }>}
 */
function startCqlSimulation(root, size) {
  const program = join(root, 'scripts', 'simulated-cql-cluster.mjs');
  const args = ['--size', String(size), '--user', ROLE, '--password', PASSWORD];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [program, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8').once('data', (line) => {
      const [host = '', port = ''] = String(line).trim().split(':');
      resolve({ host, port: Number(port), stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`the simulated CQL cluster exited (${code})`)));
  });
}
