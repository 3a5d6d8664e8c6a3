// @ts-check
// The real-Cassandra harness's public face: every name the demo, the benchmark and the tests import.
//
// It starts a REAL Apache Cassandra node with REAL Jolokia JVM agents (2.x and 1.x), from Maven
// Central jars, and runs the real nodetool from the same jars. The demo (scripts/demo.mjs), a node
// to poke at (scripts/cassandra.mjs), the benchmark and the integration suite all use it; a
// cluster of several nodes is cluster.mjs. The work is done in modules of one concern each:
//   start-node.mjs    startCassandra, which reads as the list of the steps below
//   artifacts.mjs     the jars: Maven's fetch into .cache/cassandra, the isolated agent compiled
//   jdk.mjs           the JDK that runs it all
//   ports.mjs         free ports, and the ports of one node
//   node-files.mjs    the work dir's layout, cassandra.yaml, logback
//   agents.mjs        the Jolokia agents, their options and access policies
//   tls.mjs           throw-away CAs and the certificates they sign (openssl)
//   cql-tls.mjs       TLS on the native port: the node's keystores, a client's certificate, another CA
//   cql.mjs           CQL sessions as a role (cassandra-driver, loaded lazily), roles made by the superuser
//   jvm-flags.mjs     the java command lines of the node and of nodetool
//   node-process.mjs  the JVM and its watchdog, and endNode: the one clean-up path
//   readiness.mjs     NORMAL + CQL (+ a CQL login, with auth or TLS), and every agent answering
//   nodetool.mjs      running nodetool
//   http.mjs          node:http(s) requests and Jolokia POSTs
//   commands.mjs      running mvn, javac, openssl
//
// Plain JavaScript (ESM) so that Node 20 runs it without a TypeScript loader; its types are the
// JSDoc, which TypeScript checks and the tests import, so there is no second copy to drift.
// What was learned while building it: docs/REAL-CASSANDRA.md.
//
// Only node: built-ins, and cql.mjs's lazy import of the cassandra-driver devDependency; HTTP goes
// through node:http / node:https (never the global fetch).

export { PROJECT_POLICY_FILE, strictPolicy } from './agents.mjs';
export {
  CACHE_DIR,
  DEFAULT_CASSANDRA_VERSION,
  ensureArtifacts,
  OTHER_CASSANDRA_VERSIONS,
  REPO_ROOT,
} from './artifacts.mjs';
export { cqlAs, createRole, DEFAULT_SUPERUSER } from './cql.mjs';
export { httpRequest, jolokiaPost } from './http.mjs';
export { runNodetool } from './nodetool.mjs';
export { freePorts } from './ports.mjs';
export { StartFailed } from './readiness.mjs';
export { startCassandra } from './start-node.mjs';

/** @typedef {import('./agents.mjs').AgentSpec} AgentSpec */
/** @typedef {import('./agents.mjs').AgentInfo} AgentInfo */
/** @typedef {import('./artifacts.mjs').EnsureArtifactsOptions} EnsureArtifactsOptions */
/** @typedef {import('./artifacts.mjs').Artifacts} Artifacts */
/** @typedef {import('./cql.mjs').CqlTarget} CqlTarget */
/** @typedef {import('./cql.mjs').CqlAsOptions} CqlAsOptions */
/** @typedef {import('./cql-tls.mjs').ClientTlsOptions} ClientTlsOptions */
/** @typedef {import('./cql-tls.mjs').CqlTlsFiles} CqlTlsFiles */
/** @typedef {import('./http.mjs').HttpRequestOptions} HttpRequestOptions */
/** @typedef {import('./http.mjs').HttpResponse} HttpResponse */
/** @typedef {import('./http.mjs').JolokiaPostOptions} JolokiaPostOptions */
/** @typedef {import('./nodetool.mjs').NodetoolSpec} NodetoolSpec */
/** @typedef {import('./nodetool.mjs').NodetoolResult} NodetoolResult */
/** @typedef {import('./start-node.mjs').StartOptions} StartOptions */
/** @typedef {import('./start-node.mjs').CassandraNode} CassandraNode */
