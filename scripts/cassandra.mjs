#!/usr/bin/env node
// `npm run cassandra`: start a real Cassandra 5.0 node with real Jolokia agents for a human to poke at,
// print how to reach it, and stop it on Ctrl-C. Same harness as the integration tests
// (scripts/cassandra/harness.mjs); what it answers is documented in docs/REAL-CASSANDRA.md.
//
//   npm run cassandra                      # one plain Jolokia 2.x agent
//   npm run cassandra -- --all-agents      # + 1.x, basic auth, https, two policy agents
//   npm run cassandra -- --data-dirs 2 --incremental-backups --heap 1G

import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_CASSANDRA_VERSION,
  OTHER_CASSANDRA_VERSIONS,
  PROJECT_POLICY_FILE,
  startCassandra,
  strictPolicy,
} from './cassandra/harness.mjs';

const { values } = parseArgs({
  options: {
    'all-agents': { type: 'boolean', default: false },
    'data-dirs': { type: 'string', default: '1' },
    'incremental-backups': { type: 'boolean', default: false },
    heap: { type: 'string', default: '1G' },
    'cassandra-version': { type: 'string', default: DEFAULT_CASSANDRA_VERSION },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run cassandra -- [--all-agents] [--data-dirs N] [--incremental-backups] [--heap 1G] [--cassandra-version V]
  V: ${DEFAULT_CASSANDRA_VERSION} (default), ${OTHER_CASSANDRA_VERSIONS.join(', ')} (tested), or another release on Maven Central`);
  process.exit(0);
}

const policy = values['all-agents'] ? readFileSync(PROJECT_POLICY_FILE, 'utf8') : '';
const agents = values['all-agents']
  ? {
      plain2: {},
      plain1: { version: 1 },
      auth: { user: 'monitor', password: 's3cret-pw' },
      https: { tls: true },
      policy: { policyXml: policy }, // docs/jolokia-access.xml
      policyStrict: { policyXml: strictPolicy(policy) },
    }
  : { plain2: {} };

const quote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const log = (m) => process.stderr.write(`[cassandra] ${m}\n`);

const node = await startCassandra({
  agents,
  mainAgent: 'plain2',
  dataDirs: Number(values['data-dirs']),
  incrementalBackups: values['incremental-backups'],
  heap: values.heap,
  cassandraVersion: values['cassandra-version'],
  log,
});

let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping pid ${node.pid} ...`);
  await node.stop();
  log('stopped, work dir removed');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const read = `'{"type":"read","mbean":"org.apache.cassandra.db:type=StorageService","attribute":"IncrementalBackupsEnabled"}'`;
const lines = [
  '',
  `Cassandra ${node.cassandraVersion} is NORMAL after ${(node.startupMs / 1000).toFixed(1)} s, pid ${node.pid}`,
  `  CQL (native)   127.0.0.1:${node.nativePort}`,
  `  JMX            127.0.0.1:${node.jmxPort}`,
  `  storage        127.0.0.1:${node.storagePort}`,
  `  data dirs      ${node.dataDirs.join(', ')}`,
  `  work dir       ${node.workDir}`,
  `  log            ${node.logFile}`,
  '',
  'Jolokia agents:',
  ...Object.values(node.agents).map(
    (a) =>
      `  ${a.name.padEnd(13)} ${a.url}  (Jolokia ${a.agentVersion}` +
      `${a.user ? `, user ${a.user} / ${a.password}` : ''}${a.caFile ? `, CA ${a.caFile}` : ''}` +
      `${a.policyFile ? `, policy ${a.policyFile}` : ''})`,
  ),
  '',
  'Try:',
  `  curl -s -X POST -d ${read} ${node.jolokiaUrl}`,
  '',
  'nodetool (append a command, e.g. statusbackup):',
  `  ${[node.nodetoolSpec.java, ...node.nodetoolSpec.args].map(quote).join(' ')}`,
  '',
  'Ctrl-C stops the node and removes the work dir.',
];
console.log(lines.join('\n'));
setInterval(() => {}, 1 << 30); // keep running until a signal
