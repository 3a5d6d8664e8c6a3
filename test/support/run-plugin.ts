// Runs a plugin as users and monitoring cores do: a separate process, arguments, environment,
// stdout, exit code. The built bundle must exist (npm test builds it first).

import { join } from 'node:path';
import { pluginPath, ROOT, runProcess, type ProcessOptions, type ProcessRun } from './process.js';

export { ROOT };

export interface PluginRun extends ProcessRun {
  /** The first line of stdout. */
  readonly statusLine: string;
}

/** Runs plugins/<name> with only PATH (and `options.env`) in its environment, under PLUGIN_NODE. */
export async function runPlugin(
  name: string,
  args: readonly string[],
  options: ProcessOptions = {},
): Promise<PluginRun> {
  const run = await runProcess(join(ROOT, 'plugins', name), args, {
    killAfterMs: 30_000,
    ...options,
    env: { ...options.env, PATH: pluginPath(options.env?.['PATH'] ?? process.env['PATH']) },
  });
  return { ...run, statusLine: run.stdout.split('\n')[0] ?? '' };
}
