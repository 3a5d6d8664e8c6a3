// @ts-check
// startCassandra: one real node, from its jars to ready, told as the steps the other modules carry out.

import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configureAgents, mainAgentName } from './agents.mjs';
import { ensureArtifacts } from './artifacts.mjs';
import { DEFAULT_SUPERUSER } from './cql.mjs';
import { makeCqlTls } from './cql-tls.mjs';
import { cassandraJvmArgs } from './jvm-flags.mjs';
import { nodeLayout, writeNodeFiles } from './node-files.mjs';
import { endJvmKeepingFiles, endNode, launch, nodeProcess } from './node-process.mjs';
import { nodetoolSpec, runNodetool } from './nodetool.mjs';
import { nodePorts } from './ports.mjs';
import { checkAgents, StartFailed, startFailure, waitUntilReady } from './readiness.mjs';

/**
 * @typedef {object} StartOptions
 * @property {string} [cassandraVersion] default: DEFAULT_CASSANDRA_VERSION
 * @property {string} [address] the node's listen, rpc and agent address, default 127.0.0.1 (all of 127/8 is loopback)
 * @property {{ storage: number, native: number }} [ports] default: free ones (a cluster's nodes share them, each on its own address)
 * @property {string} [seeds] default: this node (`address:storage port`)
 * @property {string} [initialToken] default "0"
 * @property {{ datacenter: string, rack: string }} [location] GossipingPropertyFileSnitch with this DC and rack; default: SimpleSnitch (datacenter1, rack1)
 * @property {Record<string, import('./agents.mjs').AgentSpec>} [agents] name → spec; default `{ main: {} }` (one plain 2.x agent); `{}`: none, readiness is then read over CQL and nodetool
 * @property {string} [mainAgent] agent whose URL becomes `jolokiaUrl` and which is polled for readiness; default: the first 2.x agent
 * @property {boolean} [incrementalBackups] cassandra.yaml `incremental_backups` (default false)
 * @property {boolean} [auth] PasswordAuthenticator and CassandraAuthorizer, caches off; ready once cassandra/cassandra can log in
 * @property {import('./cql-tls.mjs').ClientTlsOptions} [clientTls] TLS required on the native port; clients get `cqlTls`
 * @property {number} [dataDirs] number of data_file_directories (default 1)
 * @property {string} [heap] -Xms/-Xmx, default "1G"
 * @property {number} [startTimeoutMs] default 240 000 ms
 * @property {number} [agentSilenceMs] a main agent that gives no answer this long while the node serves CQL is hung: the start fails then (default 60 000 ms)
 * @property {number} [startAttempts] a node that did not become ready is started afresh (new work dir, new agent ports) up to this many times in all; default 2
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
 * @property {string | null} jolokiaUrl URL of the main (2.x) agent, with trailing slash; null without agents
 * @property {string | null} mainAgent null without agents
 * @property {Record<string, import('./agents.mjs').AgentInfo>} agents
 * @property {string} address listen, rpc and agent address
 * @property {string} datacenter the snitch's, for a CQL driver's local data center
 * @property {boolean} auth
 * @property {import('./cql-tls.mjs').CqlTlsFiles | null} cqlTls set when the native port wants TLS
 * @property {number} jmxPort
 * @property {number} nativePort
 * @property {number} storagePort
 * @property {string[]} dataDirs
 * @property {string} workDir
 * @property {string} logFile Cassandra's system.log
 * @property {string} stdoutFile the JVM's stdout and stderr (Jolokia start lines, JVM errors)
 * @property {string | null} caFile the https agents' CA
 * @property {number} startupMs spawn → OperationMode NORMAL
 * @property {string[]} command the full java command line
 * @property {import('./nodetool.mjs').NodetoolSpec} nodetoolSpec
 * @property {(...args: string[]) => Promise<import('./nodetool.mjs').NodetoolResult>} nodetool
 * @property {(how?: RestartOptions) => Promise<void>} restart SIGTERM (SIGKILL after the grace time), then the same command in the same work dir, its data kept, plus `extraJvmArgs`; resolves when ready again, with `pid`, `startupMs` and `command` those of the new JVM
 * @property {() => Promise<void>} stop SIGTERM, SIGKILL after the grace time, wait for exit, remove the work dir; idempotent
 */

/**
 * @typedef {object} RestartOptions
 * @property {string[]} [extraJvmArgs] added before -cp, after the node's own (e.g. a -javaagent line of jvm-server.options)
 */

/**
 * Starts a node and resolves when it is NORMAL, serves CQL and every agent answers. On failure it
 * ends what it started (node-process.mjs: endNode); a node that did not become ready is started
 * afresh once more (`startAttempts`), the first failure logged whole, before the error is rethrown.
 * @param {StartOptions} [options]
 * @returns {Promise<CassandraNode>}
 */
export async function startCassandra(options = {}) {
  const log = options.log ?? (() => {});
  const art = await ensureArtifacts({
    log,
    ...(options.cassandraVersion === undefined ? {} : { cassandraVersion: options.cassandraVersion }),
  });
  const attempts = options.startAttempts ?? 2;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(art, options, log);
    } catch (err) {
      if (!(err instanceof StartFailed) || attempt >= attempts) throw err;
      log(`start ${attempt} of ${attempts} failed, starting afresh:\n${err.message}`);
    }
  }
}

/**
 * One start: a new work dir, new ports, the JVM launched and waited for.
 * @param {import('./artifacts.mjs').Artifacts} art
 * @param {StartOptions} options
 * @param {(message: string) => void} log
 * @returns {Promise<CassandraNode>}
 */
async function startOnce(art, options, log) {
  const agentSpecs = options.agents ?? { main: {} };
  const mainName = mainAgentName(agentSpecs, options.mainAgent);
  const dataDirs = dataDirCount(options);
  const layout = nodeLayout(await fsp.mkdtemp(path.join(os.tmpdir(), 'cassandra-test-')), dataDirs);
  const node = nodeProcess(layout.workDir);
  const keepWorkDir = Boolean(options.keepWorkDir);
  // From here on there is a work dir (and soon a JVM): a failure must end them.
  try {
    const setup = await setUpNode(art, layout, agentSpecs, mainName, options);
    const started = await launchUntilReady(node, setup, options, log);
    return describeNode(node, setup, started, options);
  } catch (err) {
    await endNode(node, { graceMs: 0, keepWorkDir });
    throw err;
  }
}

/**
 * @typedef {object} NodeSetup everything decided before the JVM starts
 * @property {import('./artifacts.mjs').Artifacts} art
 * @property {import('./node-files.mjs').NodeLayout} layout
 * @property {import('./ports.mjs').NodePorts} ports
 * @property {Record<string, import('./agents.mjs').AgentInfo>} agents
 * @property {string | null} mainName
 * @property {string | null} caFile
 * @property {import('./cql.mjs').CqlTarget} cql
 * @property {string[]} jvmArgs
 * @property {string[]} command
 */

/**
 * options.dataDirs, checked before anything is made on disk.
 * @param {StartOptions} options
 * @returns {number}
 */
function dataDirCount(options) {
  const count = options.dataDirs ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error('startCassandra: dataDirs must be a positive integer');
  return count;
}

/**
 * Picks the ports, writes the node's files and the agents' configuration, and composes the java command.
 * @param {import('./artifacts.mjs').Artifacts} art
 * @param {import('./node-files.mjs').NodeLayout} layout
 * @param {Record<string, import('./agents.mjs').AgentSpec>} agentSpecs
 * @param {string | null} mainName
 * @param {StartOptions} options
 * @returns {Promise<NodeSetup>}
 */
async function setUpNode(art, layout, agentSpecs, mainName, options) {
  const address = options.address ?? '127.0.0.1';
  const ports = await nodePorts(options.ports, Object.keys(agentSpecs).length);
  const cqlTls = options.clientTls
    ? await makeCqlTls(layout.cqlTlsDir, {
        address,
        java: art.java,
        requireClientCert: Boolean(options.clientTls.requireClientCert),
      })
    : null;
  // the options cassandra.yaml reads (seeds, initialToken, location, …) keep their names in NodeSettings
  await writeNodeFiles(layout, {
    ...options,
    cassandraVersion: art.cassandraVersion,
    address,
    storagePort: ports.storage,
    nativePort: ports.native,
    ...(cqlTls ? { clientEncryption: cqlTls.encryption } : {}),
  });
  const { agents, javaAgentArgs, caFile } = await configureAgents(agentSpecs, {
    address,
    workDir: layout.workDir,
    tlsDir: layout.tlsDir,
    art,
    freePorts: ports.agents,
  });
  const jvmArgs = cassandraJvmArgs(layout, art, { ...options, agentArgs: javaAgentArgs, jmxPort: ports.jmx });
  const datacenter = options.location?.datacenter ?? 'datacenter1';
  const cql = { address, nativePort: ports.native, datacenter, cqlTls: cqlTls?.files ?? null };
  return { art, layout, ports, agents, mainName, caFile, cql, jvmArgs, command: [art.java, ...jvmArgs] };
}

/**
 * Spawns the JVM and waits until the node is NORMAL, serves CQL (to the default superuser, with
 * auth) and every agent answers.
 * @param {import('./node-process.mjs').NodeProcess} node
 * @param {NodeSetup} setup
 * @param {StartOptions} options
 * @param {(message: string) => void} log
 * @returns {Promise<{ pid: number, startupMs: number }>}
 */
async function launchUntilReady(node, setup, options, log) {
  const { art, layout, agents, mainName, jvmArgs, command } = setup;
  // A failure quotes the command, the ends of the logs and, while the JVM runs, its agents' threads.
  const running = () => (node.exit === null ? node.jvm?.pid : undefined);
  const fail = startFailure({ ...layout, command, java: art.java, pid: running });
  log(`starting Cassandra ${art.cassandraVersion} in ${layout.workDir} (${Object.keys(agents).length} Jolokia agents)`);
  const t0 = Date.now();
  const pid = launch(node, art.java, jvmArgs, layout.stdoutFile);
  const main = mainName === null ? null : /** @type {import('./agents.mjs').AgentInfo} */ (agents[mainName]);
  // Without an agent, or with auth or TLS on the native port, readiness logs in over CQL.
  const loginNeeded = main === null || options.auth || setup.cql.cqlTls !== null;
  const cqlLogin = !loginNeeded ? null : options.auth ? DEFAULT_SUPERUSER : { user: null, password: '' };
  const probes = {
    main,
    cqlLogin,
    cql: setup.cql,
    nodetool: nodetoolSpec(art, layout, setup.ports.jmx),
    agentSilenceMs: options.agentSilenceMs ?? 60_000,
  };
  await waitUntilReady(node, probes, { since: t0, timeoutMs: options.startTimeoutMs ?? 240_000, fail });
  const startupMs = Date.now() - t0;
  log(`Cassandra NORMAL, serving CQL, after ${(startupMs / 1000).toFixed(1)} s (pid ${pid})`);
  await checkAgents(agents, fail);
  return { pid, startupMs };
}

/**
 * The started node as callers see it, with its nodetool and its stop.
 * @param {import('./node-process.mjs').NodeProcess} node
 * @param {NodeSetup} setup
 * @param {{ pid: number, startupMs: number }} started
 * @param {StartOptions} options
 * @returns {CassandraNode}
 */
function describeNode(node, setup, { pid, startupMs }, options) {
  const { art, layout, ports, agents, mainName, caFile, cql, command } = setup;
  const spec = nodetoolSpec(art, layout, ports.jmx);
  const keepWorkDir = Boolean(options.keepWorkDir);
  /** @type {CassandraNode} */
  const described = {
    pid,
    cassandraVersion: art.cassandraVersion,
    jolokiaUrl: mainName === null ? null : /** @type {import('./agents.mjs').AgentInfo} */ (agents[mainName]).url,
    mainAgent: mainName,
    agents,
    ...cql,
    auth: Boolean(options.auth),
    jmxPort: ports.jmx,
    nativePort: ports.native,
    storagePort: ports.storage,
    dataDirs: layout.dataDirs,
    workDir: layout.workDir,
    logFile: layout.logFile,
    stdoutFile: layout.stdoutFile,
    caFile,
    startupMs,
    command,
    nodetoolSpec: spec,
    nodetool: (...args) => runNodetool(spec, ...args),
    restart: async (how = {}) => {
      Object.assign(described, await restartUntilReady(node, setup, options, how.extraJvmArgs ?? []));
    },
    stop: () => endNode(node, { graceMs: options.stopGraceMs ?? 15_000, keepWorkDir }),
  };
  return described;
}

/**
 * Ends the node's JVM and starts it again with the same command plus `extraJvmArgs`, in the same work
 * dir, and waits as for the first start. A failure leaves the node to stop(), which ends what runs.
 * @param {import('./node-process.mjs').NodeProcess} node
 * @param {NodeSetup} setup
 * @param {StartOptions} options
 * @param {string[]} extraJvmArgs
 * @returns {Promise<{ pid: number, startupMs: number, command: string[] }>}
 */
async function restartUntilReady(node, setup, options, extraJvmArgs) {
  const classPathAt = setup.jvmArgs.indexOf('-cp');
  const jvmArgs = [...setup.jvmArgs.slice(0, classPathAt), ...extraJvmArgs, ...setup.jvmArgs.slice(classPathAt)];
  const command = [setup.art.java, ...jvmArgs];
  await endJvmKeepingFiles(node, options.stopGraceMs ?? 15_000);
  const started = await launchUntilReady(node, { ...setup, jvmArgs, command }, options, options.log ?? (() => {}));
  return { ...started, command };
}
