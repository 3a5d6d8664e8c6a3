// @ts-check
// The Jolokia JVM agents a node carries: their -javaagent flags, access policies, TLS and credentials.

import fsp from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './artifacts.mjs';
import { makeTls } from './tls.mjs';

/**
 * @typedef {object} AgentSpec
 * @property {1 | 2} [version] Jolokia major version: 2 (default, jolokia-agent-jvm) or 1 (jolokia-jvm 1.7.x, answers text/plain)
 * @property {string} [user] basic authentication (agent options user=, password=); give both
 * @property {string} [password]
 * @property {boolean} [tls] HTTPS with a CA and server certificate (SAN localhost, 127.0.0.1, the node's address) made by the harness; clients need `caFile`
 * @property {string} [policyXml] content of a jolokia-access.xml, passed as policyLocation=file://…
 * @property {Record<string, string | number | boolean>} [options] further raw agent options (no ',' or '=' in values)
 * @property {number} [port] the agent's port; default: a free one (a cluster's nodes share one, as in production)
 */

/**
 * Serialisable description of one running agent.
 * @typedef {object} AgentInfo
 * @property {string} name
 * @property {1 | 2} version
 * @property {string} agentVersion what the agent reports in `version` (Jolokia 1.7.2 reports "1.7.1")
 * @property {string} url base URL, always with the trailing slash (the 1.x agent answers 404 to POST /jolokia without it)
 * @property {number} port
 * @property {boolean} tls
 * @property {string} [user]
 * @property {string} [password]
 * @property {string} [caFile] CA certificate (PEM) that signed an https agent's server certificate
 * @property {string} [policyFile]
 */

/**
 * @typedef {object} AgentContext what every agent of one node shares
 * @property {string} address the node's: each agent listens there
 * @property {string} workDir policy files go there
 * @property {import('./artifacts.mjs').Artifacts} art
 * @property {import('./tls.mjs').TlsFiles | null} tls made when any agent asks for https
 */

/** The project's documented policy (what the plugins need, nothing more). */
export const PROJECT_POLICY_FILE = path.join(REPO_ROOT, 'docs', 'jolokia-access.xml');

/**
 * The strict variant docs/SECURITY.md describes: the policy with every <operation> grant removed
 * (each exec is then refused, inner status 403) and without the java.lang:type=Runtime grant (no
 * system properties).
 * @param {string} policyXml
 * @returns {string}
 */
export function strictPolicy(policyXml) {
  const noExec = policyXml.replace(/[ \t]*<operation>[^<]*<\/operation>[ \t]*\r?\n?/g, '');
  if (noExec === policyXml) throw new Error('strictPolicy: the policy grants no <operation>');
  const noRuntime = noExec.replace(
    /[ \t]*<mbean>(?:(?!<\/mbean>)[\s\S])*<name>java\.lang:type=Runtime<\/name>[\s\S]*?<\/mbean>[ \t]*\r?\n?/,
    '',
  );
  if (noRuntime === noExec) throw new Error('strictPolicy: the policy grants nothing on java.lang:type=Runtime');
  return noRuntime;
}

/**
 * The agent whose URL becomes the node's `jolokiaUrl` and which is polled for readiness; null for a
 * node without agents (readiness is then read over CQL and nodetool).
 * @param {Record<string, AgentSpec>} specs
 * @param {string | undefined} requested default: the first 2.x agent
 * @returns {string | null}
 */
export function mainAgentName(specs, requested) {
  const names = Object.keys(specs);
  if (names.length === 0 && requested === undefined) return null;
  const name = requested ?? names.find((n) => (specs[n]?.version ?? 2) === 2) ?? names[0];
  if (!name || !specs[name]) throw new Error(`startCassandra: mainAgent "${requested}" is not among the agents`);
  return name;
}

/**
 * Writes each agent's policy file, makes the TLS material if an agent needs it, and returns the
 * -javaagent flags with what clients need to reach each agent.
 * @param {Record<string, AgentSpec>} specs
 * @param {{ address: string, workDir: string, art: import('./artifacts.mjs').Artifacts, tlsDir: string, freePorts: number[] }} where
 * @returns {Promise<{ agents: Record<string, AgentInfo>, javaAgentArgs: string[], caFile: string | null }>}
 */
export async function configureAgents(specs, where) {
  const { freePorts, tlsDir, ...shared } = where;
  const tls = Object.values(specs).some((spec) => spec.tls) ? await makeTls(tlsDir, where.address) : null;
  /** @type {Record<string, AgentInfo>} */
  const agents = {};
  const javaAgentArgs = [];
  for (const [i, [name, spec]] of Object.entries(specs).entries()) {
    const { info, javaAgentArg } = await configureAgent(name, spec, freePorts[i], { ...shared, tls });
    agents[name] = info;
    javaAgentArgs.push(javaAgentArg);
  }
  return { agents, javaAgentArgs, caFile: tls?.caFile ?? null };
}

/**
 * @param {string} name
 * @param {AgentSpec} spec
 * @param {number | undefined} freePort used unless the spec names a port
 * @param {AgentContext} ctx
 * @returns {Promise<{ info: AgentInfo, javaAgentArg: string }>}
 */
async function configureAgent(name, spec, freePort, ctx) {
  const port = spec.port ?? freePort;
  if (port === undefined) throw new Error('no free port for agent');
  const version = spec.version ?? 2;
  if (version !== 1 && version !== 2) throw new Error(`agent ${name}: version must be 1 or 2`);
  if ((spec.user === undefined) !== (spec.password === undefined))
    throw new Error(`agent ${name}: give both user and password`);
  const tls = spec.tls ? ctx.tls : null;
  const policyFile = spec.policyXml === undefined ? undefined : await writePolicy(ctx.workDir, name, spec.policyXml);
  const optString = optionString(name, agentOptions(spec, { host: ctx.address, port, version, tls, policyFile }));
  // 1.x and 2.x share the class org.jolokia.jvmagent.JvmAgent: a 1.x jar beside a 2.x jar on the
  // system class path silently runs 2.x code. The isolated agent loads the 1.x jar in its own loader.
  const javaAgentArg =
    version === 2
      ? `-javaagent:${ctx.art.jolokia2Jar}=${optString}`
      : `-javaagent:${ctx.art.isolatedAgentJar}=${ctx.art.jolokia1Jar}::${optString}`;
  /** @type {AgentInfo} */
  const info = {
    name,
    version,
    agentVersion: '', // filled in when the agent first answers
    url: `${spec.tls ? 'https' : 'http'}://${ctx.address}:${port}/jolokia/`,
    port,
    tls: Boolean(spec.tls),
    ...(spec.user !== undefined ? { user: spec.user, password: spec.password } : {}),
    ...(tls ? { caFile: tls.caFile } : {}),
    ...(policyFile ? { policyFile } : {}),
  };
  return { info, javaAgentArg };
}

/**
 * The agent's options, in the order they go on its command line.
 * @param {AgentSpec} spec
 * @param {{ host: string, port: number, version: 1 | 2, tls: import('./tls.mjs').TlsFiles | null, policyFile: string | undefined }} p
 * @returns {Record<string, string>}
 */
function agentOptions(spec, p) {
  /** @type {Record<string, string>} */
  const o = { host: p.host, port: String(p.port) };
  if (p.version === 1) o.discoveryEnabled = 'false'; // 1.x multicasts discovery by default
  if (spec.user !== undefined) {
    o.user = spec.user;
    o.password = /** @type {string} */ (spec.password);
  }
  if (p.tls) {
    o.protocol = 'https';
    o.serverCert = p.tls.certFile;
    o.serverKey = p.tls.keyFile;
  }
  if (p.policyFile !== undefined) o.policyLocation = `file://${p.policyFile}`;
  for (const [k, v] of Object.entries(spec.options ?? {})) o[k] = String(v);
  return o;
}

/**
 * `k=v,k=v`: the agent's option syntax has no escaping, so ',' and '=' cannot appear in a value.
 * @param {string} name
 * @param {Record<string, string>} options
 */
function optionString(name, options) {
  return Object.entries(options)
    .map(([k, v]) => {
      if (/[,=]/.test(v)) throw new Error(`agent ${name}: option ${k} may not contain ',' or '='`);
      return `${k}=${v}`;
    })
    .join(',');
}

/**
 * @param {string} workDir
 * @param {string} name
 * @param {string} policyXml
 * @returns {Promise<string>} the file's path
 */
async function writePolicy(workDir, name, policyXml) {
  const file = path.join(workDir, `jolokia-access-${name.replace(/[^A-Za-z0-9_-]/g, '_')}.xml`);
  await fsp.writeFile(file, policyXml);
  return file;
}
