// @ts-check
// When a started node is ready: OperationMode NORMAL, CQL served (and logged into, with auth or TLS),
// every agent answering as the Jolokia major asked for.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { run } from './commands.mjs';
import { cqlAs } from './cql.mjs';
import { jolokiaPost } from './http.mjs';
import { runNodetool } from './nodetool.mjs';

/** A start that failed: the node did not become ready (not a missing artifact or a bad option). */
export class StartFailed extends Error {}

/** @typedef {(why: string) => Promise<StartFailed>} StartFailure */

/**
 * The error of a start that failed, with the ends of the node's logs, the agents' threads while
 * the JVM still runs, and its command line. The reason comes first and last: CI shows the tail.
 * @param {{ logFile: string, stdoutFile: string, command: string[], java: string, pid: () => number | undefined }} node
 * @returns {StartFailure}
 */
export function startFailure({ logFile, stdoutFile, command, java, pid }) {
  return async (why) => {
    const running = pid();
    const threads = running === undefined ? '(no JVM)' : await agentThreads(java, running);
    return new StartFailed(
      `Cassandra did not become ready: ${why}\n` +
        `--- ${logFile} (last 60 lines) ---\n${tail(logFile, 60)}\n` +
        `--- ${stdoutFile} (last 60 lines) ---\n${tail(stdoutFile, 60)}\n` +
        `--- agent threads ---\n${threads}\n` +
        `--- command ---\n${command.join(' ')}\n` +
        `=> Cassandra did not become ready: ${why}`,
    );
  };
}

/**
 * The JVM's threads that serve the agents (Jolokia's, and the JDK HTTP server's that they run on),
 * from `jcmd PID Thread.print` (the JDK beside `java`): what an agent that stopped answering waits for.
 * @param {string} java
 * @param {number} pid
 * @returns {Promise<string>}
 */
async function agentThreads(java, pid) {
  const jcmd = path.join(path.dirname(fs.realpathSync(java)), 'jcmd');
  try {
    const res = await run(jcmd, [String(pid), 'Thread.print'], { timeoutMs: 20_000 });
    if (res.code !== 0) return `(jcmd exit ${res.code}: ${res.stderr.slice(0, 300)})`;
    const agents = res.stdout.split(/\n(?=")/).filter((thread) => /jolokia|sun\.net\.httpserver/i.test(thread));
    return agents.length === 0 ? '(no agent thread)' : agents.join('\n').slice(0, 20_000);
  } catch (err) {
    return `(jcmd failed: ${/** @type {Error} */ (err).message})`;
  }
}

/**
 * @typedef {object} ReadinessProbes how a node's readiness is seen
 * @property {import('./agents.mjs').AgentInfo | null} main polled over Jolokia; null: no agent, CQL then nodetool
 * @property {{ user: string | null, password: string } | null} cqlLogin log in over CQL (TLS when the node has it); null: not needed
 * @property {import('./cql.mjs').CqlTarget} cql
 * @property {import('./nodetool.mjs').NodetoolSpec} nodetool
 * @property {number} agentSilenceMs how long the main agent may give no answer while CQL is served
 */

/** @typedef {{ since: number, timeoutMs: number, fail: StartFailure }} Deadline */

/**
 * Waits until the node is NORMAL and serves CQL: over the main agent when there is one, then by a
 * CQL login when auth or TLS (or the absence of an agent) asks for one, and without an agent, by
 * nodetool's Mode. A node with auth serves CQL some seconds before its default superuser exists.
 * @param {import('./node-process.mjs').NodeProcess} node
 * @param {ReadinessProbes} probes
 * @param {Deadline} deadline
 */
export async function waitUntilReady(node, probes, deadline) {
  const { main, cqlLogin } = probes;
  if (main)
    await pollUntil(
      node,
      'OperationMode NORMAL with CQL served',
      mainAgentProbe(main, probes.cql, probes.agentSilenceMs),
      deadline,
    );
  if (cqlLogin) await pollUntil(node, 'CQL login', () => cqlLoginWorks(probes.cql, cqlLogin), deadline);
  if (!main) await pollUntil(node, 'OperationMode NORMAL', () => normalByNodetool(probes.nodetool), deadline);
}

/**
 * Calls `attempt` every half second until it says done; the JVM's exit or the deadline ends the
 * wait with a StartFailure that quotes the last thing seen.
 * @param {import('./node-process.mjs').NodeProcess} node
 * @param {string} what
 * @param {() => Promise<{ done: boolean, seen: string }>} attempt
 * @param {Deadline} deadline
 */
async function pollUntil(node, what, attempt, { since, timeoutMs, fail }) {
  let lastSeen = 'no answer yet';
  for (;;) {
    if (node.exit) throw await fail(`the JVM exited (code ${node.exit.code}, signal ${node.exit.signal})`);
    if (Date.now() - since > timeoutMs) throw await fail(`no ${what} within ${timeoutMs / 1000} s (last: ${lastSeen})`);
    try {
      const { done, seen } = await attempt();
      lastSeen = seen;
      if (done) return;
    } catch (err) {
      if (err instanceof Hung) throw await fail(err.message);
      lastSeen = /** @type {Error} */ (err).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Thrown by a probe that sees the node will not become ready: the wait ends at once. */
class Hung extends Error {}

/**
 * The main agent's readiness probe. An agent that gives no answer at all while the node already
 * serves CQL is hung, not slow (seen once in CI: the node up in 15 s, its main agent silent for
 * the next four minutes): after `silenceMs` the wait ends, rather than at the deadline.
 * @param {import('./agents.mjs').AgentInfo} main
 * @param {import('./cql.mjs').CqlTarget} cql
 * @param {number} silenceMs
 * @returns {() => Promise<{ done: boolean, seen: string }>}
 */
function mainAgentProbe(main, cql, silenceMs) {
  /** @type {number | null} */
  let silentSince = null;
  return async () => {
    try {
      const answer = await normalOverJolokia(main);
      silentSince = null;
      return answer;
    } catch (err) {
      if (await accepts(cql.address, cql.nativePort)) {
        silentSince ??= Date.now();
        const silentMs = Date.now() - silentSince;
        if (silentMs > silenceMs) {
          const last = /** @type {Error} */ (err).message;
          throw new Hung(
            `the main agent ${main.url} has not answered for ${Math.round(silentMs / 1000)} s while CQL is served (last: ${last})`,
          );
        }
      }
      throw err;
    }
  };
}

/**
 * Whether something accepts TCP connections at address:port (a plain connect, nothing sent).
 * @param {string} address
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function accepts(address, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout: 2000 });
    const end = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => end(true));
    socket.once('error', () => end(false));
    socket.once('timeout', () => end(false));
  });
}

/**
 * OperationMode and NativeTransportRunning over the main agent: 4.1 reaches NORMAL a moment before
 * its native transport listens, and the tests connect with CQL at once.
 * @param {import('./agents.mjs').AgentInfo} main
 */
async function normalOverJolokia(main) {
  const ready = ['OperationMode', 'NativeTransportRunning'].map((attribute) => ({
    type: 'read',
    mbean: 'org.apache.cassandra.db:type=StorageService',
    attribute,
  }));
  const res = await jolokiaPost(main, ready, { timeoutMs: 5000 });
  const [mode, cql] = Array.isArray(res.json) ? res.json.map((r) => /** @type {any} */ (r)?.value) : [];
  const seen = `HTTP ${res.status} ${typeof mode === 'string' ? `${mode}, native transport ${cql === true ? 'running' : 'not running'}` : res.text.slice(0, 120)}`;
  return { done: mode === 'NORMAL' && cql === true, seen };
}

/**
 * A CQL session opens (over TLS when the node has it) and reads system.local.
 * @param {import('./cql.mjs').CqlTarget} target
 * @param {{ user: string | null, password: string }} login
 */
async function cqlLoginWorks(target, { user, password }) {
  const client = await cqlAs(target, user, password, { timeoutMs: 5000 });
  try {
    const rs = await client.execute('SELECT release_version FROM system.local');
    return { done: true, seen: `CQL answers, release ${rs.first()?.['release_version']}` };
  } finally {
    await client.shutdown();
  }
}

/**
 * nodetool netstats's first line, `Mode: NORMAL`.
 * @param {import('./nodetool.mjs').NodetoolSpec} spec
 */
async function normalByNodetool(spec) {
  const res = await runNodetool(spec, 'netstats');
  const mode = /^Mode: (\S+)/m.exec(res.stdout)?.[1];
  return {
    done: mode === 'NORMAL',
    seen: mode ? `nodetool: Mode ${mode}` : `nodetool exit ${res.code}: ${res.stderr.slice(0, 200)}`,
  };
}

/**
 * Every agent must answer, and be the Jolokia major version asked for: this guards the 1.x/2.x
 * class clash (agents.mjs). Records what each reports in `agentVersion`.
 * @param {Record<string, import('./agents.mjs').AgentInfo>} agents
 * @param {StartFailure} fail
 */
export async function checkAgents(agents, fail) {
  for (const agent of Object.values(agents)) {
    const res = await firstAnswer(agent, fail);
    const v = /** @type {any} */ (res.json)?.value?.agent;
    if (res.status !== 200 || typeof v !== 'string') {
      throw await fail(`agent ${agent.name} (${agent.url}) answered HTTP ${res.status}: ${res.text.slice(0, 300)}`);
    }
    if (!v.startsWith(`${agent.version}.`)) {
      throw await fail(`agent ${agent.name} should be Jolokia ${agent.version}.x but reports ${v}`);
    }
    agent.agentVersion = v;
  }
}

/**
 * An agent's first answer can be slow on a loaded 2-core machine (seen once in CI: 10 s): ask up
 * to three times before calling the start failed, and name the agent then.
 * @param {import('./agents.mjs').AgentInfo} agent
 * @param {StartFailure} fail
 */
async function firstAnswer(agent, fail) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await jolokiaPost(agent, { type: 'version' }, { timeoutMs: 15_000 });
    } catch (err) {
      if (attempt === 3)
        throw await fail(`agent ${agent.name} (${agent.url}) did not answer: ${/** @type {Error} */ (err).message}`);
    }
  }
}

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
