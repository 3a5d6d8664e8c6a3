// npm run bench, section 4: the cluster audit. On a real 3-node cluster against the cluster-wide
// loop of the nodetool statusbackup documentation (with --with-cassandra), and on simulated rings
// of 1,000 and 5,000 members (scripts/simulated-cluster.mjs, for scale only). The real cluster also
// has the audit over CQL (--transport cql) as a row.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable, measureWithOutput, median, sideBySide } from './bench-lib.mjs';

const CLUSTER_LOOP =
  'the cluster-wide loop of the nodetool statusbackup documentation: nodetool status, then nodetool statusbackup on each node in turn';

/** The cluster sections of the report: the real cluster with --with-cassandra, then the simulated rings. */
export async function clusterSections({ root, work, runs, withCassandra }) {
  const sections = [];
  if (withCassandra) sections.push(...(await realCluster({ root, work, runs })));
  for (const [size, wallBudget, rssBudget] of [
    [1000, 3, 100],
    [5000, 5, 200],
  ])
    sections.push(await simulatedRing(root, size, wallBudget, rssBudget));
  return sections;
}

/**
 * The real cluster: the Jolokia audit, the CQL audit (--transport cql, on each member's native
 * port) and the cluster-wide loop, side by side. The CQL section (scripts/bench-cql.mjs) runs it
 * when this section does not, so the cluster starts once.
 */
export async function realCluster({ root, work, runs }) {
  const clusterPlugin = join(root, 'plugins', 'check_cassandra_cluster_backup');
  const { startCluster } = await import('./cassandra/cluster.mjs');
  const members = [
    { address: '127.0.0.1', datacenter: 'dc1', rack: 'r1' },
    { address: '127.0.0.2', datacenter: 'dc1', rack: 'r2' },
    { address: '127.0.0.3', datacenter: 'dc2', rack: 'r1' },
  ];
  const cluster = await startCluster({ members, log: (m) => process.stderr.write(`[cluster] ${m}\n`) });
  try {
    const loop = writeClusterLoop(cluster, join(work, 'cluster-loop.sh'));
    const rounds = Math.max(5, Math.round(runs / 4));
    const real = await sideBySide(
      [
        {
          name: `check_cassandra_cluster_backup, ${members.length} real nodes`,
          argv: [clusterPlugin, '-H', '127.0.0.1', '-p', String(cluster.jolokiaPort)],
        },
        {
          name: 'the same over CQL: `--transport cql -H 127.0.0.1 --cql-port …`',
          argv: [clusterPlugin, '--transport', 'cql', '-H', '127.0.0.1', '--cql-port', String(cluster.nativePort)],
        },
        { name: CLUSTER_LOOP, argv: ['/bin/sh', loop] },
      ],
      { runs: rounds, warmup: 1, settleMs: 1000 },
    );
    const speedup = (i) => real[2].wallMs / real[i].wallMs;
    const line = (what, i) =>
      `${what} at least 20 × faster than the cluster-wide loop: ${speedup(i).toFixed(1)} × — ${speedup(i) >= 20 ? 'met' : 'NOT met'}`;
    return [
      {
        title: `The cluster audit on a real ${members.length}-node Cassandra ${cluster.nodes[0].cassandraVersion} cluster`,
        text: `The cluster started in ${(cluster.startupMs / 1000).toFixed(1)} s (127.0.0.1-3, one Jolokia agent each on the same port, the native port the same on each, no login on either). ${rounds} alternating rounds after 1 warm-up round, 1 s apart; baseline is the check over Jolokia.`,
        table: markdownTable(real),
        budget: [line('the check over Jolokia', 0), line('the check over CQL', 1)],
      },
      await statusWithoutLogin(root, cluster, rounds),
    ];
  } finally {
    await cluster.stop();
  }
}

/**
 * The status check over CQL against nodetool statusbackup on one member, like for like: no login
 * on either (nodetool has no JMX authentication here). The node with PasswordAuthenticator is in
 * the CQL section, where the server's bcrypt check of every login is measured apart.
 */
async function statusWithoutLogin(root, cluster, rounds) {
  const node = cluster.nodes[0];
  const real = await sideBySide(
    [
      {
        name: 'check_cassandra_backup --transport cql (status, no login)',
        argv: [join(root, 'plugins', 'check_cassandra_backup'), '--transport', 'cql', '-H', '127.0.0.1'].concat([
          '--cql-port',
          String(cluster.nativePort),
        ]),
      },
      {
        name: 'nodetool statusbackup (same node, same jars)',
        argv: [node.nodetoolSpec.java, ...node.nodetoolSpec.args, 'statusbackup'],
      },
    ],
    { runs: rounds, warmup: 1, settleMs: 1000 },
  );
  const speedup = real[1].wallMs / real[0].wallMs;
  return {
    title: 'The status over CQL against nodetool statusbackup, no login on either',
    text: `One member of the same cluster (127.0.0.1); ${rounds} alternating rounds after 1 warm-up round, 1 s apart; baseline is the check over CQL.`,
    table: markdownTable(real),
    budget: [`at least 5 × faster than nodetool: ${speedup.toFixed(1)} × — ${speedup >= 5 ? 'met' : 'NOT met'}`],
  };
}

/**
 * The cluster-wide loop of the nodetool statusbackup documentation, without SSH: the node list
 * from nodetool status, then nodetool statusbackup against each node, one after the other (each
 * node's own JMX port, as SSH would reach it). Returns the script's path.
 */
function writeClusterLoop(cluster, loop) {
  const quote = (a) => `'${a.replace(/'/g, "'\\''")}'`;
  const java = (spec, ...args) => [spec.java, ...spec.args, ...args].map(quote).join(' ');
  writeFileSync(
    loop,
    `#!/bin/sh\nset -e\n${java(cluster.nodes[0].nodetoolSpec, 'status')} > /dev/null\n${cluster.nodes.map((n) => `echo "$(${java(n.nodetoolSpec, 'statusbackup')})"`).join('\n')}\n`,
  );
  return loop;
}

async function simulatedRing(root, size, wallBudget, rssBudget) {
  const clusterPlugin = join(root, 'plugins', 'check_cassandra_cluster_backup');
  const simulation = await startSimulation(root, size);
  try {
    const samples = [];
    for (let i = 0; i < 1 + 5; i++) {
      const { seconds, kib, stdout } = await measureWithOutput([
        clusterPlugin,
        '--url',
        simulation.url,
        '--format',
        'json',
      ]);
      const answer = JSON.parse(stdout);
      if (answer.nodes.length !== size || answer.members !== size)
        throw new Error(`the check accounted for ${answer.nodes.length} of ${size} members`);
      if (i > 0) samples.push({ seconds, kib, unreachable: answer.unreachable });
    }
    const wall = median(samples.map((s) => s.seconds));
    const rss = Math.max(...samples.map((s) => s.kib)) / 1024;
    return {
      title: `The cluster audit on a simulated ring of ${size.toLocaleString('en')} members`,
      text: `scripts/simulated-cluster.mjs in a process of its own: one Jolokia-speaking server per member on 127.2.x.y, the same port, answers after 2-20 ms; 5 % never answer (half of them still up in gossip, as a frozen JVM is). The check with its default options (--parallel 512, --node-timeout 2); 5 runs after 1 warm-up, every member accounted for in each (${samples[0].unreachable} unreachable). Scale only: what the check says about Cassandra is proven on the real cluster.`,
      table: [
        '| runs | wall (median) | slowest | peak RSS (largest) |',
        '|---|---|---|---|',
        `| ${samples.length} | ${wall.toFixed(2)} s | ${Math.max(...samples.map((s) => s.seconds)).toFixed(2)} s | ${rss.toFixed(1)} MiB |`,
      ].join('\n'),
      budget: [
        `under ${wallBudget} s: ${wall.toFixed(2)} s — ${wall < wallBudget ? 'met' : 'NOT met'}`,
        `under ${rssBudget} MiB: ${rss.toFixed(1)} MiB — ${rss < rssBudget ? 'met' : 'NOT met'}`,
      ],
    };
  } finally {
    simulation.stop();
  }
}

/** The simulated ring in a process of its own, so its work is not counted as the check's. */
function startSimulation(root, size) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'simulated-cluster.mjs'), '--size', String(size)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout
      .setEncoding('utf8')
      .once('data', (line) => resolve({ url: line.trim(), stop: () => child.kill('SIGTERM') }));
    child.once('exit', (code) => reject(new Error(`the simulated cluster exited (${code})`)));
  });
}
