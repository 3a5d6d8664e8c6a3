// npm test: the build, the type check and the whole suite on this Node; then every test that runs
// the plugins as processes once more, with Debian 12's own Node 18 (scripts/debian-node.sh): what
// an operator's `apt install nodejs` gives on a Cassandra node. With VITEST_JSON_REPORT set (CI),
// that file gets one report for both passes, so `N passed, N failed` counts the whole run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The process tests: the plugins against local agents, every failure mode, and the real nodes. */
const NODE18_PASS = [
  'test/plugin/plugin-node.test.ts',
  'test/plugin/check_cassandra_backup.test.ts',
  'test/plugin/check_cassandra_cluster_backup.test.ts',
  'test/plugin/check_cassandra_backup_backlog.test.ts',
  'test/plugin/yaml-parser.test.ts',
  'test/plugin/cql-bundle.test.ts',
  'test/faults/',
  'test/integration/check_cassandra_backup.test.ts',
  'test/integration/output-formats.test.ts',
  'test/integration/backup-freshness.test.ts',
  'test/integration/backup-config.test.ts',
  'test/integration/node-health.test.ts',
  'test/integration/cluster-backup.test.ts',
  'test/integration/node-down.test.ts',
  'test/integration/fault-proxy.test.ts',
  'test/integration/jolokia-policy.test.ts',
  'test/integration/backup-backlog.test.ts',
  'test/integration/snapshots.test.ts',
  'test/integration/cql-transport.test.ts',
  'test/integration/cql-versions.test.ts',
];

const step = (command, args, env = {}) =>
  spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

if (
  step(process.execPath, ['scripts/build.mjs']) !== 0 ||
  step(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit']) !== 0
)
  process.exit(1);

const reportFile = process.env['VITEST_JSON_REPORT'];
const work = mkdtempSync(join(tmpdir(), 'npm-test-'));
const reports = [join(work, 'this-node.json'), join(work, 'node18.json')];

console.log(`\n== pass 1: the whole suite, plugins on Node ${process.versions.node}`);
const first = step(
  process.execPath,
  [vitest, 'run'],
  reportFile === undefined ? {} : { VITEST_JSON_REPORT: reports[0] },
);

const debianNode = spawnSync('bash', ['scripts/debian-node.sh'], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
const wrapper = debianNode.stdout.trim().split('\n').pop() ?? '';
let second = 1;
if (debianNode.status === 0 && basename(wrapper) === 'node') {
  console.log(`\n== pass 2: the process tests again, plugins on Debian 12's own Node 18 (${wrapper})`);
  second = step(process.execPath, [vitest, 'run', '--project', 'unit', '--project', 'integration', ...NODE18_PASS], {
    PLUGIN_NODE: wrapper,
    PLUGIN_NODE_MAJOR: '18',
    ...(reportFile === undefined ? {} : { VITEST_JSON_REPORT: reports[1] }),
  });
} else {
  console.log("\n== pass 2 could not start: scripts/debian-node.sh did not give Debian's Node 18");
}

if (reportFile !== undefined)
  writeFileSync(reportFile, JSON.stringify(merge(reports, second === 0 || debianNode.status === 0)));
rmSync(work, { recursive: true, force: true });
process.exit(first === 0 && second === 0 ? 0 : 1);

/** One vitest JSON report of both passes; a pass that left no report is one failed file. */
function merge(files, secondStarted) {
  const merged = {
    numTotalTests: 0,
    numPassedTests: 0,
    numFailedTests: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    testResults: [],
  };
  for (const [i, file] of files.entries()) {
    let report;
    try {
      report = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      merged.testResults.push({
        name: i === 0 ? 'pass 1' : secondStarted ? 'pass 2 (Node 18)' : 'pass 2 (Node 18): not started',
        status: 'failed',
        assertionResults: [],
      });
      continue;
    }
    for (const key of ['numTotalTests', 'numPassedTests', 'numFailedTests', 'numPendingTests', 'numTodoTests'])
      merged[key] += report[key] ?? 0;
    merged.testResults.push(
      ...(report.testResults ?? []).map((result) =>
        i === 0 ? result : { ...result, name: `${result.name} (Node 18)` },
      ),
    );
  }
  return merged;
}
