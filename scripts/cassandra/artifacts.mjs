// @ts-check
// The jars a node runs: Cassandra and the Jolokia agents fetched by Maven into .cache/cassandra, and the isolated agent compiled.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, which } from './commands.mjs';
import { findJdk } from './jdk.mjs';

/**
 * @typedef {object} EnsureArtifactsOptions
 * @property {string} [cassandraVersion] a cassandra-all version on Maven Central; default: the pom's (DEFAULT_CASSANDRA_VERSION)
 * @property {(message: string) => void} [log]
 */

/**
 * @typedef {object} Artifacts
 * @property {string} cassandraVersion
 * @property {string} jolokia2Version
 * @property {string} jolokia1Version
 * @property {string} cacheDir
 * @property {string} libDir cassandra-all and its runtime dependencies
 * @property {string} agentsDir the Jolokia agent jars and the isolated-agent shim (kept out of libDir)
 * @property {string} jolokia2Jar
 * @property {string} jolokia1Jar
 * @property {string} isolatedAgentJar IsolatedAgent.java compiled: loads the 1.x agent in its own class loader
 * @property {string | null} jammJar
 * @property {string} java
 * @property {number} javaMajor
 * @property {boolean} fetched true when mvn ran in this call (false: the cache was reused)
 * @property {number} fetchMs
 */

/** @typedef {{ cassandra: string, jolokia2: string, jolokia1: string }} Versions */

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
const POM = path.join(HERE, 'pom.xml');
const SHIM_SOURCE = path.join(HERE, 'IsolatedAgent.java');
export const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'cassandra');

/** @returns {Versions} */
function readPomVersions() {
  const pom = fs.readFileSync(POM, 'utf8');
  /** @param {string} name */
  const prop = (name) => {
    const m = pom.match(new RegExp(`<${name.replace('.', '\\.')}>([^<]+)</${name.replace('.', '\\.')}>`));
    if (!m?.[1]) throw new Error(`scripts/cassandra/pom.xml: property <${name}> not found`);
    return m[1].trim();
  };
  return {
    cassandra: prop('cassandra.version'),
    jolokia2: prop('jolokia2.version'),
    jolokia1: prop('jolokia1.version'),
  };
}

/** The Cassandra the suite, the demo and the benchmark run by default: the pom's. */
export const DEFAULT_CASSANDRA_VERSION = readPomVersions().cassandra;

/**
 * The releases the integration suite proves the core cases on (test/integration/versions.test.ts),
 * each the newest of its line on Maven Central when added. All start on Java 17 with the flags
 * of jvm-flags.mjs; 3.11 would need Java 8 (docs/REAL-CASSANDRA.md).
 */
export const OTHER_CASSANDRA_VERSIONS = ['4.0.19', '4.1.10'];

/**
 * One preparation per version, shared by nodes that start together; a failed one may be tried again.
 * @type {Map<string, Promise<Artifacts>>}
 */
const artifactsPromises = new Map();

/**
 * @param {EnsureArtifactsOptions} [options]
 * @returns {Promise<Artifacts>}
 */
export function ensureArtifacts(options = {}) {
  const version = options.cassandraVersion ?? DEFAULT_CASSANDRA_VERSION;
  let promise = artifactsPromises.get(version);
  if (promise === undefined) {
    promise = prepareArtifacts(version, options.log ?? (() => {})).catch((err) => {
      artifactsPromises.delete(version);
      throw err;
    });
    artifactsPromises.set(version, promise);
  }
  return promise;
}

/**
 * @param {string} cassandraVersion
 * @param {(message: string) => void} log
 * @returns {Promise<Artifacts>}
 */
async function prepareArtifacts(cassandraVersion, log) {
  const { java, javac, jar, javaMajor } = findJdk();
  if (!/^\d+\.\d+\.\d+$/.test(cassandraVersion)) throw new Error(`not a Cassandra release number: ${cassandraVersion}`);
  const versions = { ...readPomVersions(), cassandra: cassandraVersion };
  const files = cacheFiles(versions);
  const fetched = !(await isCached(files));
  const fetchMs = fetched ? await fetchWithMaven(versions, files, java, log) : 0;
  const jamm = (await fsp.readdir(files.libDir)).find((f) => /^jamm-.*\.jar$/.test(f));
  const isolatedAgentJar = await ensureIsolatedAgent(files.agentsDir, javac, jar);
  return {
    cassandraVersion: versions.cassandra,
    jolokia2Version: versions.jolokia2,
    jolokia1Version: versions.jolokia1,
    cacheDir: CACHE_DIR,
    libDir: files.libDir,
    agentsDir: files.agentsDir,
    jolokia2Jar: files.jolokia2Jar,
    jolokia1Jar: files.jolokia1Jar,
    isolatedAgentJar,
    jammJar: jamm ? path.join(files.libDir, jamm) : null,
    java,
    javaMajor,
    fetched,
    fetchMs,
  };
}

/**
 * Where the cache keeps one Cassandra release (lib/) and the agents (shared by all releases).
 * @param {Versions} versions
 */
function cacheFiles(versions) {
  const versionDir = path.join(CACHE_DIR, versions.cassandra);
  const libDir = path.join(versionDir, 'lib');
  const agentsDir = path.join(CACHE_DIR, 'agents');
  return {
    libDir,
    agentsDir,
    cassandraJar: path.join(libDir, `cassandra-all-${versions.cassandra}.jar`),
    jolokia2Jar: path.join(agentsDir, `jolokia-agent-jvm-${versions.jolokia2}-javaagent.jar`),
    jolokia1Jar: path.join(agentsDir, `jolokia-jvm-${versions.jolokia1}.jar`),
    // written after a complete fetch: a fetch cut short, or one of other versions, does not count
    marker: path.join(versionDir, '.fetched.json'),
    markerText: JSON.stringify(versions),
  };
}

/** @param {ReturnType<typeof cacheFiles>} files */
async function isCached(files) {
  return (
    (await exists(files.marker)) &&
    (await fsp.readFile(files.marker, 'utf8')) === files.markerText &&
    (await exists(files.cassandraJar)) &&
    (await exists(files.jolokia2Jar)) &&
    (await exists(files.jolokia1Jar))
  );
}

/**
 * Runs the fetch-only pom; returns how long it took.
 * @param {Versions} versions
 * @param {ReturnType<typeof cacheFiles>} files
 * @param {string} java Maven runs on this JDK unless $JAVA_HOME says otherwise
 * @param {(message: string) => void} log
 * @returns {Promise<number>}
 */
async function fetchWithMaven(versions, files, java, log) {
  const mvn = which('mvn');
  if (!mvn) {
    throw new Error(
      'Real-Cassandra tests need Maven to fetch cassandra-all and the Jolokia agents into .cache/cassandra: ' +
        'no `mvn` on PATH (Debian: apt-get install maven).',
    );
  }
  log(`fetching Cassandra ${versions.cassandra} + Jolokia ${versions.jolokia2}/${versions.jolokia1} with Maven ...`);
  const t0 = Date.now();
  await fsp.rm(files.libDir, { recursive: true, force: true }); // no stale jars from an earlier partial fetch
  const res = await run(
    mvn,
    [
      '-q',
      '-B',
      '-f',
      POM,
      'generate-resources',
      `-Dcache.dir=${CACHE_DIR}`,
      `-Dcassandra.version=${versions.cassandra}`,
    ],
    {
      cwd: HERE,
      env: {
        ...process.env,
        JAVA_HOME: process.env.JAVA_HOME ?? path.resolve(path.dirname(fs.realpathSync(java)), '..'),
      },
    },
  );
  const fetchMs = Date.now() - t0;
  if (res.code !== 0) {
    throw new Error(
      `mvn failed (exit ${res.code}) fetching the Cassandra test artifacts:\n${res.stdout}\n${res.stderr}`,
    );
  }
  for (const f of [files.cassandraJar, files.jolokia2Jar, files.jolokia1Jar]) {
    if (!(await exists(f))) {
      throw new Error(`mvn succeeded but ${f} is missing. mvn output:\n${res.stdout}\n${res.stderr}`);
    }
  }
  await fsp.writeFile(files.marker, files.markerText);
  log(`fetched in ${(fetchMs / 1000).toFixed(1)} s`);
  return fetchMs;
}

/**
 * Compiles scripts/cassandra/IsolatedAgent.java into a cached agent jar (name carries the source hash).
 * @param {string} agentsDir
 * @param {string} javac
 * @param {string} jarTool
 * @returns {Promise<string>} the jar's path
 */
async function ensureIsolatedAgent(agentsDir, javac, jarTool) {
  const source = await fsp.readFile(SHIM_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const target = path.join(agentsDir, `isolated-agent-${hash}.jar`);
  if (await exists(target)) return target;
  const build = await fsp.mkdtemp(path.join(os.tmpdir(), 'isolated-agent-'));
  try {
    const classes = path.join(build, 'classes');
    let res = await run(javac, ['--release', '17', '-d', classes, SHIM_SOURCE]);
    if (res.code !== 0) throw new Error(`javac IsolatedAgent.java failed:\n${res.stdout}${res.stderr}`);
    const manifest = path.join(build, 'MANIFEST.MF');
    await fsp.writeFile(
      manifest,
      'Premain-Class: cassandratest.IsolatedAgent\nAgent-Class: cassandratest.IsolatedAgent\n',
    );
    const tmpJar = path.join(build, 'isolated-agent.jar');
    res = await run(jarTool, ['--create', '--file', tmpJar, '--manifest', manifest, '-C', classes, '.']);
    if (res.code !== 0) throw new Error(`jar (isolated agent) failed:\n${res.stdout}${res.stderr}`);
    await fsp.mkdir(agentsDir, { recursive: true });
    // copy, then rename: a node starting at the same time never sees half a jar
    await fsp.copyFile(tmpJar, `${target}.tmp`);
    await fsp.rename(`${target}.tmp`, target);
    return target;
  } finally {
    await fsp.rm(build, { recursive: true, force: true });
  }
}

/**
 * @param {string} p
 * @returns {Promise<boolean>}
 */
async function exists(p) {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}
