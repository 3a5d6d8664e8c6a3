// A node that hangs or goes away: the plugin still ends by itself within -t, with UNKNOWN that
// says which it was. This file starts a node of its own, so the suite's shared node stays up.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCassandra, type CassandraNode } from '../../scripts/cassandra/harness.mjs';
import { runPlugin } from '../support/run-plugin.js';

const PLUGIN = 'check_cassandra_backup';
let node: CassandraNode;
let url: string;

beforeAll(async () => {
  node = await startCassandra({
    agents: { main: {} },
    incrementalBackups: true,
    log: (m) => process.stderr.write(`[node-down] ${m}\n`),
  });
  url = node.jolokiaUrl!;
});
afterAll(async () => {
  // stop() is idempotent; the last test has normally stopped the node already.
  await node?.stop();
});

describe('a node that hangs, then stops', () => {
  it('is OK while it runs (incremental_backups: true in cassandra.yaml)', async () => {
    const run = await runPlugin(PLUGIN, ['--url', url]);
    expect(run.code).toBe(0);
  });

  it('a frozen JVM (SIGSTOP): the agent accepts connections but never answers → UNKNOWN within -t + 1 s', async () => {
    process.kill(node.pid, 'SIGSTOP');
    try {
      const run = await runPlugin(PLUGIN, ['--url', url, '-t', '3']);
      expect(run.code).toBe(3);
      expect(run.statusLine).toMatch(
        /^CASSANDRA BACKUP UNKNOWN - The agent at http:\/\/127.0.0.1:\d+\/jolokia\/ accepted the connection but sent no answer within 2\.\d s$/,
      );
      expect(run.seconds).toBeLessThan(4);
      const critical = await runPlugin(PLUGIN, ['--url', url, '-t', '2', '--timeout-state', 'critical']);
      expect(critical.code).toBe(2);
    } finally {
      process.kill(node.pid, 'SIGCONT');
    }
    const again = await runPlugin(PLUGIN, ['--url', url]);
    expect(again.code).toBe(0);
  });

  it('the node stopped: connection refused → UNKNOWN, at once', async () => {
    await node.stop();
    const run = await runPlugin(PLUGIN, ['--url', url, '-t', '5']);
    expect(run.code).toBe(3);
    expect(run.statusLine).toMatch(
      /^CASSANDRA BACKUP UNKNOWN - Cannot connect to Cassandra's Jolokia agent at http:\/\/127.0.0.1:\d+\/jolokia\/: connection refused$/,
    );
    expect(run.seconds).toBeLessThan(5);
  });
});
