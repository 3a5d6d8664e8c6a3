// @ts-check
// Product tooling: a REAL Apache Cassandra node with REAL Jolokia JVM agents (2.x and 1.x), from
// Maven Central jars, and the real nodetool from the same jars. The demo (scripts/demo.mjs), a
// node to poke at (scripts/cassandra.mjs), the benchmark and the integration suite all use it.
//
// Plain JavaScript (ESM) so that Node 20 runs it without a TypeScript loader; its types are the
// JSDoc below, which TypeScript checks and the tests import, so there is no second copy to drift.
// What was learned while building it: docs/REAL-CASSANDRA.md.
//
// Only node: built-ins; HTTP goes through node:http / node:https (never the global fetch).

import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configureAgents, mainAgentName, PROJECT_POLICY_FILE, strictPolicy } from './agents.mjs';
import { CACHE_DIR, DEFAULT_CASSANDRA_VERSION, ensureArtifacts, OTHER_CASSANDRA_VERSIONS, REPO_ROOT } from './artifacts.mjs';
import { httpRequest, jolokiaPost } from './http.mjs';
import { cassandraJvmArgs } from './jvm-flags.mjs';
import { nodeLayout, writeNodeFiles } from './node-files.mjs';
import { endNode, launch, nodeProcess } from './node-process.mjs';
import { nodetoolSpec, runNodetool } from './nodetool.mjs';
import { freePorts, nodePorts } from './ports.mjs';
import { checkAgents, startFailure, waitForNormalAndCql } from './readiness.mjs';

export { CACHE_DIR, DEFAULT_CASSANDRA_VERSION, ensureArtifacts, freePorts, httpRequest, jolokiaPost, OTHER_CASSANDRA_VERSIONS, PROJECT_POLICY_FILE, REPO_ROOT, runNodetool, strictPolicy };

/** @typedef {import('./agents.mjs').AgentSpec} AgentSpec */
/** @typedef {import('./agents.mjs').AgentInfo} AgentInfo */
/** @typedef {import('./artifacts.mjs').EnsureArtifactsOptions} EnsureArtifactsOptions */
/** @typedef {import('./artifacts.mjs').Artifacts} Artifacts */

/** @typedef {import('./http.mjs').HttpRequestOptions} HttpRequestOptions */
/** @typedef {import('./http.mjs').HttpResponse} HttpResponse */
/** @typedef {import('./http.mjs').JolokiaPostOptions} JolokiaPostOptions */
/** @typedef {import('./nodetool.mjs').NodetoolSpec} NodetoolSpec */
/** @typedef {import('./nodetool.mjs').NodetoolResult} NodetoolResult */

/**
 * @typedef {object} StartOptions
 * @property {string} [cassandraVersion] default: DEFAULT_CASSANDRA_VERSION
 * @property {string} [address] the node's listen, rpc and agent address, default 127.0.0.1 (all of 127/8 is loopback)
 * @property {{ storage: number, native: number }} [ports] default: free ones (a cluster's nodes share them, each on its own address)
 * @property {string} [seeds] default: this node (`address:storage port`)
 * @property {string} [initialToken] default "0"
 * @property {{ datacenter: string, rack: string }} [location] GossipingPropertyFileSnitch with this DC and rack; default: SimpleSnitch (datacenter1, rack1)
 * @property {Record<string, AgentSpec>} [agents] name → spec; default `{ main: {} }` (one plain 2.x agent)
 * @property {string} [mainAgent] agent whose URL becomes `jolokiaUrl` and which is polled for readiness; default: the first 2.x agent
 * @property {boolean} [incrementalBackups] cassandra.yaml `incremental_backups` (default false)
 * @property {number} [dataDirs] number of data_file_directories (default 1)
 * @property {string} [heap] -Xms/-Xmx, default "1G"
 * @property {number} [startTimeoutMs] default 240 000 ms
 * @property {number} [stopGraceMs] SIGKILL after this long if SIGTERM did not stop it (default 15 000 ms)
 * @property {string} [clusterName]
 * @property {string} [extraYaml] appended to cassandra.yaml
 * @property {string[]} [extraJvmArgs] added before -cp
 * @property {boolean} [configFromClassPath] no -Dcassandra.config: the node finds cassandra.yaml in conf/, first on its class path, as the start scripts and packages arrange it
 * @property {boolean} [keepWorkDir] do not delete the work dir on stop (debugging)
 * @property {(message: string) => void} [log]
 */

/**
 * @typedef {object} CassandraNode
 * @property {number} pid
 * @property {string} cassandraVersion
 * @property {string} jolokiaUrl URL of the main (2.x) agent, with trailing slash
 * @property {string} mainAgent
 * @property {Record<string, AgentInfo>} agents
 * @property {number} jmxPort
 * @property {number} nativePort
 * @property {number} storagePort
 * @property {string[]} dataDirs
 * @property {string} workDir
 * @property {string} logFile Cassandra's system.log
 * @property {string} stdoutFile the JVM's stdout and stderr (Jolokia start lines, JVM errors)
 * @property {string | null} caFile
 * @property {number} startupMs spawn → OperationMode NORMAL
 * @property {string[]} command the full java command line
 * @property {NodetoolSpec} nodetoolSpec
 * @property {(...args: string[]) => Promise<NodetoolResult>} nodetool
 * @property {() => Promise<void>} stop SIGTERM, SIGKILL after the grace time, wait for exit, remove the work dir; idempotent
 */

const noop = () => {};

/**
 * @param {StartOptions} [options]
 * @returns {Promise<CassandraNode>}
 */
export async function startCassandra(options = {}) {
  const log = options.log ?? noop;
  const art = await ensureArtifacts({ log, ...(options.cassandraVersion === undefined ? {} : { cassandraVersion: options.cassandraVersion }) });
  const agentSpecs = options.agents ?? { main: {} };
  const mainName = mainAgentName(agentSpecs, options.mainAgent);
  const dataDirCount = options.dataDirs ?? 1;
  if (!Number.isInteger(dataDirCount) || dataDirCount < 1) throw new Error('startCassandra: dataDirs must be a positive integer');
  const timeoutMs = options.startTimeoutMs ?? 240_000;

  const layout = nodeLayout(await fsp.mkdtemp(path.join(os.tmpdir(), 'cassandra-test-')), dataDirCount);
  const { workDir, dataDirs, logFile, stdoutFile } = layout;
  const node = nodeProcess(workDir);
  const keepWorkDir = Boolean(options.keepWorkDir);

  try {
    const address = options.address ?? '127.0.0.1';
    const { jmx: jmxPort, storage: storagePort, native: nativePort, agents: agentPorts } = await nodePorts(options.ports, Object.keys(agentSpecs).length);
    // the options cassandra.yaml reads (seeds, initialToken, location, …) keep their names in NodeSettings
    await writeNodeFiles(layout, { ...options, cassandraVersion: art.cassandraVersion, address, storagePort, nativePort });

    const { agents, javaAgentArgs, caFile } = await configureAgents(agentSpecs, { address, workDir, tlsDir: layout.tlsDir, art, freePorts: agentPorts });

    const jvmArgs = cassandraJvmArgs(layout, art, { ...options, agentArgs: javaAgentArgs, jmxPort });
    const spec = nodetoolSpec(art, layout, jmxPort);

    log(`starting Cassandra ${art.cassandraVersion} in ${workDir} (${Object.keys(agents).length} Jolokia agents)`);
    const t0 = Date.now();
    const pid = launch(node, art.java, jvmArgs, stdoutFile);

    const fail = startFailure({ logFile, stdoutFile, command: [art.java, ...jvmArgs] });
    const main = /** @type {AgentInfo} */ (agents[mainName]);
    await waitForNormalAndCql(node, main, { since: t0, timeoutMs, fail });
    const startupMs = Date.now() - t0;
    log(`Cassandra NORMAL, serving CQL, after ${(startupMs / 1000).toFixed(1)} s (pid ${pid})`);

    await checkAgents(agents, fail);

    return {
      pid,
      cassandraVersion: art.cassandraVersion,
      jolokiaUrl: main.url,
      mainAgent: mainName,
      agents,
      jmxPort,
      nativePort,
      storagePort,
      dataDirs,
      workDir,
      logFile,
      stdoutFile,
      caFile,
      startupMs,
      command: [art.java, ...jvmArgs],
      nodetoolSpec: spec,
      nodetool: (...args) => runNodetool(spec, ...args),
      stop: () => endNode(node, { graceMs: options.stopGraceMs ?? 15_000, keepWorkDir }),
    };
  } catch (err) {
    await endNode(node, { graceMs: 0, keepWorkDir });
    throw err;
  }
}
