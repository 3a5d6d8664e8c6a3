// The tests' one way to run a program and the one way to wait for something: a process with
// arguments, environment and a safety-net kill, its output and exit collected; and a bounded
// poll, so a broken test fails instead of hanging.

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The Node that runs the plugins: PLUGIN_NODE when set (scripts/test.mjs runs the process tests a
 * second time with Debian 12's own Node 18, scripts/debian-node.sh), else the one running the tests.
 */
export const PLUGIN_NODE = process.env['PLUGIN_NODE'] ?? process.execPath;

/** A PATH in which the plugins' `#!/usr/bin/env node` line finds PLUGIN_NODE. */
export function pluginPath(path = process.env['PATH'] ?? ''): string {
  const chosen = process.env['PLUGIN_NODE'];
  return chosen === undefined ? path : `${dirname(chosen)}:${path}`;
}

export interface ProcessRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time in seconds. */
  readonly seconds: number;
}

export interface ProcessOptions {
  /** The whole environment (nothing is inherited unless passed). Default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** A safety net only: SIGKILL after this long (default 60 s). */
  readonly killAfterMs?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly onSpawn?: (pid: number) => void;
  /** Written to the program's standard input, which is then closed. */
  readonly input?: string;
}

export function runProcess(
  command: string,
  args: readonly string[],
  options: ProcessOptions = {},
): Promise<ProcessRun> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.stdin?.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
  });
}

/**
 * Polls `probe` until it returns a truthy value, which is returned; an exception counts as "not
 * yet" and is quoted if time runs out. Throws after `timeoutMs`.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  what: string,
  { timeoutMs = 5000, intervalMs = 20 } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`waited ${timeoutMs} ms for ${what}${lastError === undefined ? '' : `: ${String(lastError)}`}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
