// vitest globalSetup of the integration project: ONE real Cassandra 5.0 node (real Jolokia agents, real
// nodetool) for the whole suite, and ONE real three-node cluster on 127.0.0.1-3 for the cluster check,
// started side by side. Fails, never skips, when java/mvn are missing or a node does not start.

import type { TestProject } from 'vitest/node';
import { startCluster } from '../../scripts/cassandra/cluster.mjs';
import { startCassandra } from '../../scripts/cassandra/harness.mjs';
import {
  CLUSTER_MEMBERS,
  integrationAgents,
  MONITOR_PASSWORD,
  MONITOR_USER,
  type CassandraInfo,
  type ClusterInfo,
} from './cassandra-context.js';

const log = (message: string): void => {
  process.stderr.write(`[cassandra] ${message}\n`);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [single, several] = await Promise.allSettled([
    startCassandra({ agents: integrationAgents(), mainAgent: 'plain2', dataDirs: 2, incrementalBackups: false, log }),
    startCluster({
      members: CLUSTER_MEMBERS.map((m) => ({ ...m })),
      agent: { user: MONITOR_USER, password: MONITOR_PASSWORD },
      log: (message) => log(`cluster ${message}`),
    }),
  ]);
  if (single.status === 'rejected' || several.status === 'rejected') {
    if (single.status === 'fulfilled') await single.value.stop();
    if (several.status === 'fulfilled') await several.value.stop();
    throw single.status === 'rejected' ? single.reason : (several as PromiseRejectedResult).reason;
  }
  const node = single.value;
  const ring = several.value;
  const { plain2, plain1, auth, https, policy, policyStrict } = node.agents;
  if (!plain2 || !plain1 || !auth || !https || !policy || !policyStrict || !node.caFile || !node.jolokiaUrl) {
    await node.stop();
    throw new Error('global-setup: an agent is missing from the started node');
  }
  const info: CassandraInfo = {
    cassandraVersion: node.cassandraVersion,
    pid: node.pid,
    jolokiaUrl: node.jolokiaUrl,
    agents: { plain2, plain1, auth, https, policy, policyStrict },
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
  const clusterInfo: ClusterInfo = {
    cassandraVersion: ring.nodes[0]?.cassandraVersion ?? '',
    jolokiaPort: ring.jolokiaPort,
    nativePort: ring.nativePort,
    startupMs: ring.startupMs,
    credentials: { user: MONITOR_USER, password: MONITOR_PASSWORD },
    members: ring.members.map((m, i) => {
      const member = ring.nodes[i]!;
      return { ...m, pid: member.pid, jolokiaUrl: member.jolokiaUrl!, nodetool: member.nodetoolSpec };
    }),
  };
  project.provide('cluster', clusterInfo);
  log(`ready: pid ${node.pid}, Jolokia ${node.jolokiaUrl}, JMX ${node.jmxPort}, CQL ${node.nativePort}`);
  log(
    `cluster ready after ${(ring.startupMs / 1000).toFixed(1)} s: ${ring.members.map((m) => m.address).join(', ')}, Jolokia port ${ring.jolokiaPort}`,
  );

  return async () => {
    log(`stopping pid ${node.pid} and the cluster`);
    await Promise.all([node.stop(), ring.stop()]);
  };
}
