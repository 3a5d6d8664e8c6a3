// Types for harness.mjs (a .d.mts, because TypeScript with NodeNext resolves `./harness.mjs` to `./harness.d.mts`).

import type { IncomingHttpHeaders } from 'node:http';

export declare const REPO_ROOT: string;
/** `<repo>/.cache/cassandra` */
export declare const CACHE_DIR: string;

/** `<repo>/docs/jolokia-access.xml`: the project's documented Jolokia policy. */
export declare const PROJECT_POLICY_FILE: string;
/** The policy with every <operation> grant removed (each exec refused). Throws if it grants none. */
export declare function withoutExec(policyXml: string): string;

export interface EnsureArtifactsOptions {
  log?: (message: string) => void;
}

export interface Artifacts {
  cassandraVersion: string;
  jolokia2Version: string;
  jolokia1Version: string;
  cacheDir: string;
  /** cassandra-all and its runtime dependencies */
  libDir: string;
  /** the Jolokia agent jars and the isolated-agent shim (kept out of libDir) */
  agentsDir: string;
  jolokia2Jar: string;
  jolokia1Jar: string;
  /** test/cassandra/IsolatedAgent.java compiled: loads the 1.x agent in its own class loader */
  isolatedAgentJar: string;
  jammJar: string | null;
  java: string;
  javaMajor: number;
  /** true when mvn ran in this call (false: the cache was reused) */
  fetched: boolean;
  fetchMs: number;
}

/** Fetches (once, cached in .cache/cassandra) the jars. Throws a clear error when java/javac/mvn are missing. */
export declare function ensureArtifacts(options?: EnsureArtifactsOptions): Promise<Artifacts>;

export interface AgentSpec {
  /** Jolokia major version: 2 (default, jolokia-agent-jvm) or 1 (jolokia-jvm 1.7.x, answers text/plain). */
  version?: 1 | 2;
  /** Basic authentication (agent options user=, password=). Give both. */
  user?: string;
  password?: string;
  /** HTTPS with a CA + server certificate (SAN localhost, 127.0.0.1) made by the harness; clients need `caFile`. */
  tls?: boolean;
  /** Content of a jolokia-access.xml; written to the work dir and passed as policyLocation=file://… */
  policyXml?: string;
  /** Further raw agent options (no ',' or '=' in values). */
  options?: Record<string, string | number | boolean>;
}

/** Serialisable description of one running agent. */
export interface AgentInfo {
  name: string;
  version: 1 | 2;
  /** what the agent reports in `version` (Jolokia 1.7.2 reports "1.7.1") */
  agentVersion: string;
  /** base URL, always with the trailing slash (the 1.x agent answers 404 to POST /jolokia without it) */
  url: string;
  port: number;
  tls: boolean;
  user?: string;
  password?: string;
  /** CA certificate (PEM) that signed an https agent's server certificate */
  caFile?: string;
  policyFile?: string;
}

export interface StartOptions {
  /** name → spec. Default `{ main: {} }` (one plain 2.x agent). */
  agents?: Record<string, AgentSpec>;
  /** Agent whose URL becomes `jolokiaUrl` and which is polled for readiness. Default: the first 2.x agent. */
  mainAgent?: string;
  /** cassandra.yaml `incremental_backups` (default false) */
  incrementalBackups?: boolean;
  /** number of data_file_directories (default 1) */
  dataDirs?: number;
  /** -Xms/-Xmx, default "1G" */
  heap?: string;
  /** default 240 000 ms */
  startTimeoutMs?: number;
  /** SIGKILL after this long if SIGTERM did not stop it (default 15 000 ms) */
  stopGraceMs?: number;
  clusterName?: string;
  /** appended to cassandra.yaml */
  extraYaml?: string;
  /** added before -cp */
  extraJvmArgs?: string[];
  /** do not delete the work dir on stop (debugging) */
  keepWorkDir?: boolean;
  log?: (message: string) => void;
}

/** Serialisable recipe for running nodetool (usable from vitest workers with runNodetool). */
export interface NodetoolSpec {
  java: string;
  cwd: string;
  /** JVM flags, classpath, main class and `-h 127.0.0.1 -p <jmx port>`; append the nodetool command. */
  args: string[];
}

export interface NodetoolResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface CassandraNode {
  pid: number;
  cassandraVersion: string;
  /** URL of the main (2.x) agent, with trailing slash */
  jolokiaUrl: string;
  mainAgent: string;
  agents: Record<string, AgentInfo>;
  jmxPort: number;
  nativePort: number;
  storagePort: number;
  dataDirs: string[];
  workDir: string;
  /** Cassandra's system.log */
  logFile: string;
  /** the JVM's stdout+stderr (Jolokia start lines, JVM errors) */
  stdoutFile: string;
  caFile: string | null;
  /** spawn → OperationMode NORMAL */
  startupMs: number;
  /** the full java command line */
  command: string[];
  nodetoolSpec: NodetoolSpec;
  nodetool(...args: string[]): Promise<NodetoolResult>;
  /** SIGTERM, SIGKILL after the grace time, wait for exit, remove the work dir. Idempotent. */
  stop(): Promise<void>;
}

/** Starts one node on 127.0.0.1 with free ports and waits for OperationMode NORMAL. On failure the error carries the log tails. */
export declare function startCassandra(options?: StartOptions): Promise<CassandraNode>;

export declare function runNodetool(spec: NodetoolSpec, ...args: string[]): Promise<NodetoolResult>;

/** Asks the OS for distinct free TCP ports on 127.0.0.1. */
export declare function freePorts(count: number): Promise<number[]>;

export interface HttpRequestOptions {
  method?: string;
  /** string as is, anything else JSON-encoded (content-type application/json) */
  body?: unknown;
  headers?: Record<string, string>;
  /** basic auth */
  user?: string;
  password?: string;
  caFile?: string;
  rejectUnauthorized?: boolean;
  /** default 10 000 ms */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  headers: IncomingHttpHeaders;
  text: string;
  /** the parsed body, whatever the content type; undefined when it is not JSON */
  json: unknown;
}

/** One request with node:http / node:https. Resolves for any HTTP status; rejects on network/TLS errors and timeouts. */
export declare function httpRequest(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;

export interface JolokiaPostOptions {
  /** query string parameters, e.g. { mimeType: 'application/json' } */
  query?: Record<string, string | number | boolean>;
  /** false: send no Authorization even if the agent has credentials */
  credentials?: boolean;
  /** override the agent's credentials */
  user?: string;
  password?: string;
  /** override the agent's CA; null: use none (the system store) */
  caFile?: string | null;
  rejectUnauthorized?: boolean;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** POST a Jolokia request (or a bulk array) to an agent, using its credentials and CA unless told otherwise. */
export declare function jolokiaPost(agent: AgentInfo, request: unknown, options?: JolokiaPostOptions): Promise<HttpResponse>;
