// @ts-check
// The node's JVM as a process: spawned with a watchdog, and ended by the one clean-up path, endNode.

import { spawn } from 'node:child_process';
import fs from 'node:fs';

/**
 * A node from the moment its work dir exists; launch() fills in the rest.
 * @typedef {object} NodeProcess
 * @property {string} workDir
 * @property {import('node:child_process').ChildProcess} [jvm]
 * @property {Promise<void>} [exited] settles when the JVM has exited
 * @property {{ code: number | null, signal: NodeJS.Signals | null } | null} exit how the JVM exited; null while it runs
 * @property {import('node:child_process').ChildProcess} [watchdog]
 * @property {Promise<void>} [ending] the first endNode call's
 */

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

/** @type {Set<NodeProcess>} nodes launched and not yet ended */
const liveNodes = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Safety net: a test run that ends without calling stop() must not leave a JVM behind.
  process.on('exit', () => {
    for (const node of liveNodes) endNode(node, { graceMs: 0, keepWorkDir: false }).catch(() => {}); // best effort: the process is going
  });
}

/**
 * @param {string} workDir
 * @returns {NodeProcess}
 */
export function nodeProcess(workDir) {
  return { workDir, exit: null };
}

/**
 * Spawns the JVM (stdout and stderr appended to `outFile`) and its watchdog.
 * @param {NodeProcess} node
 * @param {string} java
 * @param {string[]} args
 * @param {string} outFile
 * @returns {number} the JVM's pid
 */
export function launch(node, java, args, outFile) {
  const outFd = fs.openSync(outFile, 'a');
  let jvm;
  try {
    jvm = spawn(java, args, { cwd: node.workDir, stdio: ['ignore', outFd, outFd] });
  } finally {
    fs.closeSync(outFd);
  }
  const child = jvm; // a const: TypeScript keeps it narrowed inside the callback
  node.jvm = child;
  node.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      node.exit = { code, signal };
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${java}`);
  installExitHook();
  liveNodes.add(node);
  node.watchdog = spawn('/bin/sh', ['-c', WATCHDOG, 'watchdog', String(process.pid), String(pid), node.workDir], {
    detached: true,
    stdio: 'ignore',
  });
  node.watchdog.unref();
  return pid;
}

/**
 * Ends the node's running JVM (SIGTERM, then SIGKILL after graceMs) and its watchdog, and keeps the
 * work dir: launch() may then start the node again on the same data.
 * @param {NodeProcess} node
 * @param {number} graceMs
 * @returns {Promise<void>}
 */
export async function endJvmKeepingFiles(node, graceMs) {
  if (node.ending) throw new Error('the node was stopped');
  // The watchdog goes first: seeing the JVM gone, it would take the work dir with it.
  node.watchdog?.kill('SIGTERM');
  const { jvm } = node;
  if (jvm && jvm.exitCode === null && jvm.signalCode === null) {
    jvm.kill('SIGTERM');
    const killer = setTimeout(() => jvm.kill('SIGKILL'), graceMs);
    await node.exited;
    clearTimeout(killer);
  }
  liveNodes.delete(node);
  node.exit = null;
}

/**
 * Ends a node: the one clean-up path of a failed start, of stop() and of the exit hook. Ends the
 * JVM (SIGTERM, then SIGKILL after graceMs; at once SIGKILL when graceMs is 0), waits for it to
 * exit, then stops the watchdog and removes the work dir. Called again, it returns the first call's promise.
 *
 * The exit hook cannot wait, so it gets as far as the SIGKILL. That is why the watchdog is stopped
 * only once the JVM is known gone: it then sees this process gone, waits for the JVM, removes the dir.
 * @param {NodeProcess} node
 * @param {{ graceMs: number, keepWorkDir: boolean }} how
 * @returns {Promise<void>}
 */
export function endNode(node, how) {
  node.ending ??= (async () => {
    liveNodes.delete(node);
    const { jvm } = node;
    if (jvm && jvm.exitCode === null && jvm.signalCode === null) {
      jvm.kill(how.graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
      const killer = how.graceMs > 0 ? setTimeout(() => jvm.kill('SIGKILL'), how.graceMs) : undefined;
      await node.exited;
      clearTimeout(killer);
    }
    node.watchdog?.kill('SIGTERM');
    // synchronous: the exit hook reaches this line for a JVM that had already exited
    if (!how.keepWorkDir) fs.rmSync(node.workDir, { recursive: true, force: true });
  })();
  return node.ending;
}
