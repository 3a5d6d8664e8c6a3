// @ts-check
// When a started node is ready: OperationMode NORMAL, CQL served, every agent answering as the Jolokia major asked for.

import fs from 'node:fs';
import { jolokiaPost } from './http.mjs';

/** @typedef {(why: string) => Error} StartFailure */

/**
 * The error of a start that failed, with the ends of the node's logs and its command line.
 * @param {{ logFile: string, stdoutFile: string, command: string[] }} node
 * @returns {StartFailure}
 */
export function startFailure({ logFile, stdoutFile, command }) {
  return (why) =>
    new Error(
      `Cassandra did not become ready: ${why}\n` +
        `--- ${logFile} (last 60 lines) ---\n${tail(logFile, 60)}\n` +
        `--- ${stdoutFile} (last 60 lines) ---\n${tail(stdoutFile, 60)}\n` +
        `--- command ---\n${command.join(' ')}`,
    );
}

/**
 * Polls the main agent until OperationMode is NORMAL and CQL is served: 4.1 reaches NORMAL a moment
 * before its native transport listens, and the tests connect with CQL at once.
 * @param {import('./node-process.mjs').NodeProcess} node
 * @param {import('./agents.mjs').AgentInfo} main
 * @param {{ since: number, timeoutMs: number, fail: StartFailure }} p
 */
export async function waitForNormalAndCql(node, main, { since, timeoutMs, fail }) {
  const ready = ['OperationMode', 'NativeTransportRunning'].map((attribute) => ({
    type: 'read',
    mbean: 'org.apache.cassandra.db:type=StorageService',
    attribute,
  }));
  let lastSeen = 'no answer yet';
  for (;;) {
    if (node.exit) throw fail(`the JVM exited (code ${node.exit.code}, signal ${node.exit.signal})`);
    if (Date.now() - since > timeoutMs)
      throw fail(`no OperationMode NORMAL with CQL served within ${timeoutMs / 1000} s (last: ${lastSeen})`);
    try {
      const res = await jolokiaPost(main, ready, { timeoutMs: 5000 });
      const [mode, cql] = Array.isArray(res.json) ? res.json.map((r) => /** @type {any} */ (r)?.value) : [];
      lastSeen = `HTTP ${res.status} ${typeof mode === 'string' ? `${mode}, native transport ${cql === true ? 'running' : 'not running'}` : res.text.slice(0, 120)}`;
      if (mode === 'NORMAL' && cql === true) return;
    } catch (err) {
      lastSeen = /** @type {Error} */ (err).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
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
      throw fail(`agent ${agent.name} (${agent.url}) answered HTTP ${res.status}: ${res.text.slice(0, 300)}`);
    }
    if (!v.startsWith(`${agent.version}.`)) {
      throw fail(`agent ${agent.name} should be Jolokia ${agent.version}.x but reports ${v}`);
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
        throw fail(`agent ${agent.name} (${agent.url}) did not answer: ${/** @type {Error} */ (err).message}`);
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
