#!/usr/bin/env node
// npm run demo: what an operator sees. Starts a real Cassandra 5.0 node with a Jolokia agent
// (scripts/cassandra/harness.mjs), runs the plugins against it in each interesting state — backup
// off, on, after writes and a flush, nothing new, the node's health, the backups/ backlog, a
// snapshot, the cluster audit, the node gone — next to the real nodetool, and stops the node.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cassandraDriver from 'cassandra-driver';
import { startCassandra } from './cassandra/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plugin = join(root, 'plugins', 'check_cassandra_backup');
const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

function step(title) {
  console.log(`\n${bold(`== ${title}`)}`);
}

/** Runs a command as a shell would show it: the command line, its output, its exit code. */
function show(label, command, args) {
  const shown = [label, ...args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`))].join(' ');
  console.log(`$ ${shown}`);
  const run = spawnSync(command, args, { encoding: 'utf8' });
  process.stdout.write(run.stdout);
  if (run.stderr.trim() !== '') process.stdout.write(run.stderr.replace(/^/gm, '  (stderr) '));
  console.log(`  [exit ${run.status}]`);
  return run;
}

const check = (...args) => show('check_cassandra_backup', plugin, args);
const cluster = (...args) =>
  show('check_cassandra_cluster_backup', join(root, 'plugins', 'check_cassandra_cluster_backup'), args);
const health = (...args) => show('check_cassandra_node', join(root, 'plugins', 'check_cassandra_node'), args);
const backlog = (...args) =>
  show('check_cassandra_backup_backlog', join(root, 'plugins', 'check_cassandra_backup_backlog'), args);
const snapshots = (...args) =>
  show('check_cassandra_snapshots', join(root, 'plugins', 'check_cassandra_snapshots'), args);

console.log(
  'Starting a real Cassandra 5.0 node with the Jolokia agent (first run: fetching jars from Maven Central) ...',
);
const node = await startCassandra({ agents: { jolokia: {} }, log: (m) => console.log(`  [cassandra] ${m}`) });
const url = node.jolokiaUrl.replace(/\/$/, '');
// The real nodetool from the same jars; its long java command line is shown as `nodetool`.
const nodetool = (...args) => {
  console.log(`$ nodetool ${args.join(' ')}`);
  const run = spawnSync(node.nodetoolSpec.java, [...node.nodetoolSpec.args, ...args], {
    encoding: 'utf8',
    cwd: node.nodetoolSpec.cwd,
  });
  process.stdout.write(run.stdout);
  console.log(`  [exit ${run.status}]`);
};

let cql;
try {
  console.log(
    `Cassandra ${node.cassandraVersion} is up after ${(node.startupMs / 1000).toFixed(1)} s; Jolokia at ${url}`,
  );

  step('Backup off (cassandra.yaml: incremental_backups: false)');
  nodetool('statusbackup');
  check('--url', url, '--format', 'nodetool');
  check('--url', url);

  step('nodetool enablebackup: the check turns OK');
  nodetool('enablebackup');
  check('--url', url);
  check('--url', url, '--format', 'json');
  check('--url', url, '--format', 'prometheus');

  step('Rows written, then "flush, then look in backups/" as a check (run on the node)');
  cql = new cassandraDriver.Client({ contactPoints: [`127.0.0.1:${node.nativePort}`], localDataCenter: 'datacenter1' });
  await cql.connect();
  await cql.execute("CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  await cql.execute('CREATE TABLE demo.orders (id int PRIMARY KEY, item text)');
  await cql.execute('CREATE TABLE demo.audit (id int PRIMARY KEY, entry text)');
  for (let i = 0; i < 100; i++)
    await cql.execute('INSERT INTO demo.orders (id, item) VALUES (?, ?)', [i, `item ${i}`], { prepare: true });
  console.log('(100 rows written to demo.orders; demo.audit stays empty)');
  check('--url', url, '--flush', 'demo', '-v');

  step('Flushed again with nothing new: a clean flush writes nothing, and that is OK');
  check('--url', url, '--flush', 'demo.orders');

  step('How old is the newest backup? (no flush)');
  check('--url', url, '--keyspace', 'demo.orders', '--max-age', '6h', '--critical-age', '1d');

  step("The node's health, as a health-check script running statusbinary, statusgossip and statusbackup prints it");
  health('--url', url, '--format', 'nodetool');
  health('--url', url);

  step('What waits in backups/ for the shipper: the stopped-shipper alarm (run on the node)');
  backlog('--url', url, '--keyspace', 'demo', '--warning-age', '2h', '--critical-age', '6h', '-v');

  step('Snapshots, as nodetool listsnapshots lists them');
  nodetool('snapshot', '-t', 'before-demo-change', 'demo');
  nodetool('listsnapshots');
  snapshots('--url', url, '--warning-age', '7d', '-v');

  step('nodetool disablebackup: WARNING, and no flush is sent');
  nodetool('disablebackup');
  check('--url', url, '--flush', 'demo');

  step(
    'The cluster-wide loop of the nodetool statusbackup documentation as one command (a ring of one node here; the tests use three)',
  );
  cluster('--url', url, '--format', 'nodetool');
  cluster('--url', url, '-v');
} finally {
  await cql?.shutdown();
  step('The node is stopped: the check ends by itself with UNKNOWN');
  await node.stop();
  check('--url', url, '-t', '5');
}
