// @ts-check
// The real nodetool from the node's own jars: a serialisable recipe, and running it.

import { run } from './commands.mjs';
import { nodetoolJvmArgs } from './jvm-flags.mjs';

/**
 * Serialisable recipe for running nodetool (usable from vitest workers with runNodetool).
 * @typedef {object} NodetoolSpec
 * @property {string} java
 * @property {string} cwd
 * @property {string[]} args JVM flags, classpath, main class and `-h 127.0.0.1 -p <jmx port>`; append the nodetool command
 */

/** @typedef {import('./commands.mjs').CommandResult} NodetoolResult */

/**
 * @param {import('./artifacts.mjs').Artifacts} art
 * @param {import('./node-files.mjs').NodeLayout} layout
 * @param {number} jmxPort
 * @returns {NodetoolSpec}
 */
export function nodetoolSpec(art, layout, jmxPort) {
  return { java: art.java, cwd: layout.workDir, args: nodetoolJvmArgs(layout, art.libDir, jmxPort) };
}

/**
 * Runs the real org.apache.cassandra.tools.NodeTool described by `spec` (serialisable: usable in vitest workers).
 * @param {NodetoolSpec} spec
 * @param {string[]} args
 * @returns {Promise<NodetoolResult>}
 */
export function runNodetool(spec, ...args) {
  return run(spec.java, [...spec.args, ...args], { cwd: spec.cwd, timeoutMs: 120_000 });
}
