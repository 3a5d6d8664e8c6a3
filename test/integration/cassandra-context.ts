// What the integration global setup (global-setup.ts) hands to the tests, and helpers to use it.
// Tests run in vitest workers: they get only this serialisable data, never the node handle itself.

import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import {
  PROJECT_POLICY_FILE,
  jolokiaPost,
  runNodetool,
  strictPolicy,
  type AgentInfo,
  type AgentSpec,
  type CassandraNode,
  type HttpResponse,
  type JolokiaPostOptions,
  type NodetoolResult,
  type NodetoolSpec,
} from '../../scripts/cassandra/harness.mjs';

export const MONITOR_USER = 'monitor';
export const MONITOR_PASSWORD = 's3cret-pw';

export const AGENT_NAMES = ['plain2', 'plain1', 'auth', 'https', 'policy', 'policyStrict'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

/** The Jolokia agents that the one Cassandra JVM of the integration suite carries (used by global-setup.ts). */
export function integrationAgents(): Record<AgentName, AgentSpec> {
  const policy = readFileSync(PROJECT_POLICY_FILE, 'utf8');
  return {
    /** Jolokia 2.x, plain HTTP, no auth: the main agent (jolokiaUrl). Answers application/json. */
    plain2: {},
    /** Jolokia 1.x (jolokia-jvm 1.7.2, reports 1.7.1), plain HTTP. Answers text/plain unless ?mimeType=application/json. */
    plain1: { version: 1 },
    /** Jolokia 2.x with basic auth: 401 (empty body, WWW-Authenticate: Basic realm="jolokia") without/with wrong credentials. */
    auth: { user: MONITOR_USER, password: MONITOR_PASSWORD },
    /** Jolokia 2.x over HTTPS; server certificate (SAN localhost, 127.0.0.1) signed by the harness CA (caFile). */
    https: { tls: true },
    /** Jolokia 2.x restricted by the project's documented policy, docs/jolokia-access.xml. */
    policy: { policyXml: policy },
    /** The strict variant of that policy: no <operation> grant (every exec is refused: HTTP 200, inner status 403), no java.lang:type=Runtime. */
    policyStrict: { policyXml: strictPolicy(policy) },
  };
}

/**
 * The serialisable part of the harness's CassandraNode (tests run in workers and get data, not
 * the handle), with the suite's agents named and the https agent's CA known to exist.
 */
export type CassandraInfo = Pick<
  CassandraNode,
  | 'cassandraVersion'
  | 'pid'
  | 'jmxPort'
  | 'nativePort'
  | 'storagePort'
  | 'dataDirs'
  | 'workDir'
  | 'logFile'
  | 'stdoutFile'
  | 'startupMs'
> & {
  /** the main agent's (plain2) */
  jolokiaUrl: string;
  agents: Record<AgentName, AgentInfo>;
  /** CA (PEM) of the https agent */
  caFile: string;
  nodetool: NodetoolSpec;
  credentials: { user: string; password: string };
};

/** The suite's three-node cluster (scripts/cassandra/cluster.mjs): one entry per member. */
export const CLUSTER_MEMBERS = [
  { address: '127.0.0.1', datacenter: 'dc1', rack: 'r1' },
  { address: '127.0.0.2', datacenter: 'dc1', rack: 'r2' },
  { address: '127.0.0.3', datacenter: 'analytics', rack: 'r1' },
] as const;

export interface ClusterInfo {
  readonly cassandraVersion: string;
  /** The same on every member, each on its own address. */
  readonly jolokiaPort: number;
  /** The native (CQL) port, the same on every member too; no login on the cluster. */
  readonly nativePort: number;
  readonly startupMs: number;
  readonly credentials: { user: string; password: string };
  readonly members: readonly {
    address: string;
    datacenter: string;
    rack: string;
    pid: number;
    jolokiaUrl: string;
    nodetool: NodetoolSpec;
  }[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    cassandra: CassandraInfo;
    cluster: ClusterInfo;
  }
}

/** The running cluster, as provided by the global setup. */
export function cluster(): ClusterInfo {
  return inject('cluster');
}

/** The running node, as provided by the global setup. */
export function cassandra(): CassandraInfo {
  return inject('cassandra');
}

/** Runs the real nodetool (same jars) against the suite's node: `nodetool('statusbackup')`. */
export function nodetool(...args: string[]): Promise<NodetoolResult> {
  return runNodetool(cassandra().nodetool, ...args);
}

/** POST a Jolokia request to one of the suite's agents (with its credentials and CA unless told otherwise). */
export function jolokia(agent: AgentName, request: unknown, options?: JolokiaPostOptions): Promise<HttpResponse> {
  return jolokiaPost(cassandra().agents[agent], request, options);
}
