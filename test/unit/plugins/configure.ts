// How the runtime configures a registry entry's check: the options parsed against the entry's own
// and the standard ones (defaults applied), then `check.configure`. Shared by the entries' tests.

import type { PluginEntry } from '../../../src/plugins/entry.js';
import { parseOptions } from '../../../src/runtime/options.js';
import { allOptions } from '../../../src/runtime/standard-options.js';

export function configure<Settings>(
  entry: PluginEntry,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Settings {
  return entry.check.configure(parseOptions(allOptions(entry), argv), env, entry.name) as Settings;
}

/** The -vv lines of these settings. */
export function describeSettings(entry: PluginEntry, settings: unknown): string[] {
  return entry.check.describe?.(settings) ?? [];
}
