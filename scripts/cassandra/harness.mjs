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

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configureAgents, mainAgentName, PROJECT_POLICY_FILE, strictPolicy } from './agents.mjs';
import { CACHE_DIR, DEFAULT_CASSANDRA_VERSION, ensureArtifacts, OTHER_CASSANDRA_VERSIONS, REPO_ROOT } from './artifacts.mjs';
import { run } from './commands.mjs';
import { httpRequest, jolokiaPost } from './http.mjs';
import { nodeLayout, writeNodeFiles } from './node-files.mjs';
import { freePorts, nodePorts } from './ports.mjs';

export { CACHE_DIR, DEFAULT_CASSANDRA_VERSION, ensureArtifacts, freePorts, httpRequest, jolokiaPost, OTHER_CASSANDRA_VERSIONS, PROJECT_POLICY_FILE, REPO_ROOT, strictPolicy };

/** @typedef {import('./agents.mjs').AgentSpec} AgentSpec */
/** @typedef {import('./agents.mjs').AgentInfo} AgentInfo */
/** @typedef {import('./artifacts.mjs').EnsureArtifactsOptions} EnsureArtifactsOptions */
/** @typedef {import('./artifacts.mjs').Artifacts} Artifacts */

/** @typedef {import('./http.mjs').HttpRequestOptions} HttpRequestOptions */
/** @typedef {import('./http.mjs').HttpResponse} HttpResponse */
/** @typedef {import('./http.mjs').JolokiaPostOptions} JolokiaPostOptions */

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
 * Serialisable recipe for running nodetool (usable from vitest workers with runNodetool).
 * @typedef {object} NodetoolSpec
 * @property {string} java
 * @property {string} cwd
 * @property {string[]} args JVM flags, classpath, main class and `-h 127.0.0.1 -p <jmx port>`; append the nodetool command
 */

/**
 * @typedef {object} NodetoolResult
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} code
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

// ---------------------------------------------------------------------------------------------
// JVM flags (conf/jvm17-server.options and conf/jvm17-clients.options of Cassandra 5.0)

const SERVER_EXPORTS = [
  'java.base/jdk.internal.misc',
  'java.management.rmi/com.sun.jmx.remote.internal.rmi',
  'java.rmi/sun.rmi.registry',
  'java.rmi/sun.rmi.server',
  'java.sql/java.sql',
  'java.base/java.lang.ref',
  'jdk.unsupported/sun.misc',
  'jdk.compiler/com.sun.tools.javac.file',
  'jdk.attach/sun.tools.attach',
];
const SERVER_OPENS = [
  'java.base/java.lang.module',
  'java.base/jdk.internal.loader',
  'java.base/jdk.internal.ref',
  'java.base/jdk.internal.reflect',
  'java.base/jdk.internal.math',
  'java.base/jdk.internal.module',
  'java.base/jdk.internal.util.jar',
  'jdk.management/com.sun.management.internal',
  'java.base/sun.nio.ch',
  'java.base/java.io',
  'java.base/java.lang.reflect',
  'jdk.compiler/com.sun.tools.javac',
  'java.base/java.lang',
  'java.base/java.util',
  // Not in 5.0's list: 4.0 and 4.1 ship jamm 0.3.2, whose measureDeep opens fields of these
  // packages (without them the node dies at start, in StorageService's or a table's set-up).
  'java.base/java.util.concurrent',
  'java.base/java.util.concurrent.atomic',
  'java.base/java.nio',
];
// nodetool fails without these ("Cassandra is unable to access required classes": FileUtils needs sun.nio.ch).
const CLIENT_EXPORTS = [
  'java.base/jdk.internal.misc',
  'java.base/jdk.internal.ref',
  'java.base/sun.nio.ch',
  'java.management.rmi/com.sun.jmx.remote.internal.rmi',
  'java.rmi/sun.rmi.registry',
  'java.rmi/sun.rmi.server',
  'java.sql/java.sql',
  'jdk.unsupported/sun.misc',
  'jdk.compiler/com.sun.tools.javac.file',
  'jdk.attach/sun.tools.attach',
];
const CLIENT_OPENS = [
  'java.base/java.lang.module',
  'java.base/jdk.internal.loader',
  'java.base/jdk.internal.ref',
  'java.base/jdk.internal.reflect',
  'java.base/jdk.internal.math',
  'java.base/jdk.internal.module',
  'java.base/jdk.internal.util.jar',
  'jdk.management/com.sun.management.internal',
  'java.base/sun.nio.ch',
  'java.base/java.io',
  'java.base/java.util.concurrent',
  'java.base/java.util',
  'java.base/java.util.concurrent.atomic',
  'java.base/java.lang',
  'java.base/java.math',
  'jdk.compiler/com.sun.tools.javac',
  'java.base/java.lang.reflect',
  'java.base/java.net',
];

/**
 * @param {string[]} exports
 * @param {string[]} opens
 */
const modulePrefs = (exports, opens) => [
  ...exports.flatMap((m) => ['--add-exports', `${m}=ALL-UNNAMED`]),
  ...opens.flatMap((m) => ['--add-opens', `${m}=ALL-UNNAMED`]),
];

// ---------------------------------------------------------------------------------------------
// Small helpers

/**
 * @param {string} file
 * @param {number} lines
 * @returns {string}
 */
function tail(file, lines) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const all = text.split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines).join('\n');
  } catch (err) {
    return `(cannot read ${file}: ${/** @type {Error} */ (err).message})`;
  }
}

// ---------------------------------------------------------------------------------------------
// nodetool

/**
 * Runs the real org.apache.cassandra.tools.NodeTool described by `spec` (serialisable: usable in vitest workers).
 * @param {NodetoolSpec} spec
 * @param {string[]} args
 * @returns {Promise<NodetoolResult>}
 */
export function runNodetool(spec, ...args) {
  return run(spec.java, [...spec.args, ...args], { cwd: spec.cwd, timeoutMs: 120_000 });
}

// ---------------------------------------------------------------------------------------------
// Starting and stopping a node

/** @type {Set<() => void>} */
const liveNodeKillers = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Safety net: a test run that ends without calling stop() must not leave a JVM behind.
  process.on('exit', () => {
    for (const kill of liveNodeKillers) kill();
  });
}

// A detached watchdog also covers a Node process that dies by SIGKILL: when Node is gone, it kills the
// JVM (only if its command line still names our work dir, so a recycled pid is never hit) and removes the dir.
const WATCHDOG = `
n="$1"; j="$2"; d="$3"
while kill -0 "$n" 2>/dev/null && kill -0 "$j" 2>/dev/null; do sleep 2; done
kill -0 "$n" 2>/dev/null && exit 0
if kill -0 "$j" 2>/dev/null && tr '\\0' ' ' < "/proc/$j/cmdline" | grep -qF -- "$d"; then
  kill -9 "$j"; while kill -0 "$j" 2>/dev/null; do sleep 0.2; done
fi
rm -rf -- "$d"
`;

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
  const heap = options.heap ?? '1G';
  const timeoutMs = options.startTimeoutMs ?? 240_000;

  const layout = nodeLayout(await fsp.mkdtemp(path.join(os.tmpdir(), 'cassandra-test-')), dataDirCount);
  const { workDir, confDir, dataDirs, logFile, stdoutFile } = layout;
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let watchdog;
  let stopped = false;
  const killNow = () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(/** @type {number} */ (child.pid), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    try {
      fs.rmSync(workDir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  };

  try {
    const address = options.address ?? '127.0.0.1';
    const { jmx: jmxPort, storage: storagePort, native: nativePort, agents: agentPorts } = await nodePorts(options.ports, Object.keys(agentSpecs).length);
    // the options cassandra.yaml reads (seeds, initialToken, location, …) keep their names in NodeSettings
    await writeNodeFiles(layout, { ...options, cassandraVersion: art.cassandraVersion, address, storagePort, nativePort });

    const { agents, javaAgentArgs, caFile } = await configureAgents(agentSpecs, { address, workDir, tlsDir: layout.tlsDir, art, freePorts: agentPorts });

    const classpath = `${confDir}:${art.libDir}/*`;
    const jvmArgs = [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      '-Xss256k',
      '-XX:+UseG1GC',
      '-XX:+ParallelRefProcEnabled',
      '-XX:MaxTenuringThreshold=1',
      '-XX:G1HeapRegionSize=16m',
      '-XX:G1RSetUpdatingPauseTimePercent=5',
      '-XX:MaxGCPauseMillis=300',
      '-XX:InitiatingHeapOccupancyPercent=70',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djdk.attach.allowAttachSelf=true',
      '-Djava.net.preferIPv4Stack=true',
      '-Dio.netty.tryReflectionSetAccessible=true',
      '-Dio.netty.allocator.useCacheForAllThreads=true',
      '-Dio.netty.allocator.maxOrder=11',
      ...modulePrefs(SERVER_EXPORTS, SERVER_OPENS),
      ...(art.jammJar ? [`-javaagent:${art.jammJar}`] : []),
      ...javaAgentArgs,
      ...(options.configFromClassPath ? [] : [`-Dcassandra.config=file://${layout.yamlFile}`]),
      `-Dcassandra.logdir=${layout.logDir}`,
      `-Dcassandra.storagedir=${layout.storageDir}`,
      `-Dlogback.configurationFile=${layout.logbackFile}`,
      '-Dcassandra-foreground=yes',
      `-Dcassandra.jmx.local.port=${jmxPort}`,
      '-Dcassandra.skip_wait_for_gossip_to_settle=0',
      '-Dcassandra.ring_delay_ms=1000',
      `-Duser.home=${layout.homeDir}`,
      `-Djava.io.tmpdir=${layout.tmpDir}`, // lz4-java unpacks its .so there; a killed JVM would leave it in /tmp
      ...(options.extraJvmArgs ?? []),
      '-cp',
      classpath,
      'org.apache.cassandra.service.CassandraDaemon',
    ];

    /** @type {NodetoolSpec} */
    const nodetoolSpec = {
      java: art.java,
      cwd: workDir,
      args: [
        '-Xmx128m',
        // short-lived client JVM: C1 only + serial GC cut a nodetool call from ~2.2 s to ~1.4 s here
        '-XX:TieredStopAtLevel=1',
        '-XX:+UseSerialGC',
        ...modulePrefs(CLIENT_EXPORTS, CLIENT_OPENS),
        '-Djdk.attach.allowAttachSelf=true',
        `-Dlogback.configurationFile=${layout.toolsLogbackFile}`,
        `-Duser.home=${layout.homeDir}`, // nodetool appends to ~/.cassandra/nodetool.history
        '-cp',
        classpath,
        'org.apache.cassandra.tools.NodeTool',
        '-h',
        '127.0.0.1',
        '-p',
        String(jmxPort),
      ],
    };

    log(`starting Cassandra ${art.cassandraVersion} in ${workDir} (${Object.keys(agents).length} Jolokia agents)`);
    const outFd = fs.openSync(stdoutFile, 'a');
    const t0 = Date.now();
    try {
      child = spawn(art.java, jvmArgs, { cwd: workDir, stdio: ['ignore', outFd, outFd] });
    } finally {
      fs.closeSync(outFd);
    }
    const jvm = child; // a const: TypeScript keeps it narrowed (not undefined) inside the closures below
    const pid = jvm.pid;
    if (pid === undefined) throw new Error(`could not spawn ${art.java}`);
    installExitHook();
    liveNodeKillers.add(killNow);
    watchdog = spawn('/bin/sh', ['-c', WATCHDOG, 'watchdog', String(process.pid), String(pid), workDir], {
      detached: true,
      stdio: 'ignore',
    });
    watchdog.unref();

    /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
    const exited = new Promise((resolve) => jvm.once('exit', (code, signal) => resolve({ code, signal })));
    // A cast, not a declared type: a declared type would be narrowed to `null` here, and the assignment
    // in the callback below is invisible to the checks in the loop.
    let exitInfo = /** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */ (null);
    void exited.then((e) => (exitInfo = e));

    /** @param {string} why */
    const failure = (why) =>
      new Error(
        `Cassandra did not become ready: ${why}\n` +
          `--- ${logFile} (last 60 lines) ---\n${tail(logFile, 60)}\n` +
          `--- ${stdoutFile} (last 60 lines) ---\n${tail(stdoutFile, 60)}\n` +
          `--- command ---\n${art.java} ${jvmArgs.join(' ')}`,
      );

    // Ready when OperationMode is NORMAL and CQL is served: 4.1 reaches NORMAL a moment before its
    // native transport listens, and the tests connect with CQL at once.
    const main = /** @type {AgentInfo} */ (agents[mainName]);
    const ready = ['OperationMode', 'NativeTransportRunning'].map((attribute) => ({ type: 'read', mbean: 'org.apache.cassandra.db:type=StorageService', attribute }));
    let lastSeen = 'no answer yet';
    for (;;) {
      if (exitInfo) throw failure(`the JVM exited (code ${exitInfo.code}, signal ${exitInfo.signal})`);
      if (Date.now() - t0 > timeoutMs) throw failure(`no OperationMode NORMAL with CQL served within ${timeoutMs / 1000} s (last: ${lastSeen})`);
      try {
        const res = await jolokiaPost(main, ready, { timeoutMs: 5000 });
        const [mode, cql] = Array.isArray(res.json) ? res.json.map((r) => /** @type {any} */ (r)?.value) : [];
        lastSeen = `HTTP ${res.status} ${typeof mode === 'string' ? `${mode}, native transport ${cql === true ? 'running' : 'not running'}` : res.text.slice(0, 120)}`;
        if (mode === 'NORMAL' && cql === true) break;
      } catch (err) {
        lastSeen = /** @type {Error} */ (err).message;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const startupMs = Date.now() - t0;
    log(`Cassandra NORMAL, serving CQL, after ${(startupMs / 1000).toFixed(1)} s (pid ${pid})`);

    // Every agent must answer, and be the Jolokia major version asked for (guards the 1.x/2.x class clash).
    for (const agent of Object.values(agents)) {
      // An agent's first answer can be slow on a loaded 2-core machine (seen once in CI: 10 s):
      // ask up to three times before calling the start failed, and name the agent then.
      let res;
      for (let attempt = 1; res === undefined; attempt++) {
        try {
          res = await jolokiaPost(agent, { type: 'version' }, { timeoutMs: 15_000 });
        } catch (err) {
          if (attempt === 3) throw failure(`agent ${agent.name} (${agent.url}) did not answer: ${/** @type {Error} */ (err).message}`);
        }
      }
      const v = /** @type {any} */ (res.json)?.value?.agent;
      if (res.status !== 200 || typeof v !== 'string') {
        throw failure(`agent ${agent.name} (${agent.url}) answered HTTP ${res.status}: ${res.text.slice(0, 300)}`);
      }
      if (!v.startsWith(`${agent.version}.`)) {
        throw failure(`agent ${agent.name} should be Jolokia ${agent.version}.x but reports ${v}`);
      }
      agent.agentVersion = v;
    }

    const stop = async () => {
      if (stopped) return;
      stopped = true;
      try {
        if (watchdog?.pid) process.kill(watchdog.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      if (!exitInfo) {
        jvm.kill('SIGTERM');
        const killer = setTimeout(() => jvm.kill('SIGKILL'), options.stopGraceMs ?? 15_000);
        await exited;
        clearTimeout(killer);
      }
      liveNodeKillers.delete(killNow);
      if (!options.keepWorkDir) await fsp.rm(workDir, { recursive: true, force: true });
    };

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
      nodetoolSpec,
      nodetool: (...args) => runNodetool(nodetoolSpec, ...args),
      stop,
    };
  } catch (err) {
    // Failed start: kill what we started and clean up before rethrowing.
    try {
      if (watchdog?.pid) process.kill(watchdog.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    const jvm = child;
    if (jvm && jvm.exitCode === null && jvm.signalCode === null) {
      const gone = new Promise((resolve) => jvm.once('exit', resolve));
      jvm.kill('SIGKILL');
      await gone;
    }
    liveNodeKillers.delete(killNow);
    if (!options.keepWorkDir) await fsp.rm(workDir, { recursive: true, force: true });
    throw err;
  }
}
