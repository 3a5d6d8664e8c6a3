// vitest globalSetup of the integration project: ONE real Cassandra 5.0 node (real Jolokia agents, real
// nodetool) for the whole suite. Fails, never skips, when java/mvn are missing or the node does not start.

import type { TestProject } from 'vitest/node';
import { startCassandra } from '../../scripts/cassandra/harness.mjs';
import { integrationAgents, MONITOR_PASSWORD, MONITOR_USER, type CassandraInfo } from './cassandra-context.js';

const log = (message: string): void => {
  process.stderr.write(`[cassandra] ${message}\n`);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const node = await startCassandra({
    agents: integrationAgents(),
    mainAgent: 'plain2',
    dataDirs: 2,
    incrementalBackups: false,
    log,
  });
  const { plain2, plain1, auth, https, policy, policyNoExec } = node.agents;
  if (!plain2 || !plain1 || !auth || !https || !policy || !policyNoExec || !node.caFile) {
    await node.stop();
    throw new Error('global-setup: an agent is missing from the started node');
  }
  const info: CassandraInfo = {
    cassandraVersion: node.cassandraVersion,
    pid: node.pid,
    jolokiaUrl: node.jolokiaUrl,
    agents: { plain2, plain1, auth, https, policy, policyNoExec },
    jmxPort: node.jmxPort,
    nativePort: node.nativePort,
    storagePort: node.storagePort,
    dataDirs: node.dataDirs,
    workDir: node.workDir,
    logFile: node.logFile,
    stdoutFile: node.stdoutFile,
    caFile: node.caFile,
    startupMs: node.startupMs,
    nodetool: node.nodetoolSpec,
    credentials: { user: MONITOR_USER, password: MONITOR_PASSWORD },
  };
  project.provide('cassandra', info);
  log(`ready: pid ${node.pid}, Jolokia ${node.jolokiaUrl}, JMX ${node.jmxPort}, CQL ${node.nativePort}`);

  return async () => {
    log(`stopping pid ${node.pid}`);
    await node.stop();
  };
}
