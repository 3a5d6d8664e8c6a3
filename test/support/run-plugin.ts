// Runs a plugin as users and monitoring cores do: a separate process, arguments, environment,
// stdout, exit code. The built bundle must exist (npm test builds it first).

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface PluginRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time in seconds. */
  readonly seconds: number;
  /** The first line of stdout. */
  readonly statusLine: string;
}

export function runPlugin(
  name: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; killAfterMs?: number; onSpawn?: (pid: number) => void; uid?: number; gid?: number } = {},
): Promise<PluginRun> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'plugins', name), [...args], {
      env: { PATH: process.env['PATH'], ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // A safety net only: a plugin that outlives this has failed its own timeout.
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ code, signal, stdout, stderr, seconds, statusLine: stdout.split('\n')[0] ?? '' });
    });
  });
}
