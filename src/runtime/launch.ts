// Runtime: how a plugin's executable starts its bundle. A check runs for a tenth of a second, and
// compiling our own code is the largest part of what it adds to Node's own start; so the bundle
// is compiled with the V8 code cache that the build made by running it once (scripts/build.mjs),
// which spares most of that work (docs/PERFORMANCE.md has the figures). A cache that does not fit
// the Node that runs it (another version, other V8 flags) is ignored: the bundle compiles as
// usual. Built on its own into dist/launch.cjs; the plugins/ entry files call it.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { lastResortLine } from './last-resort.js';

/** The code cache that goes with a bundle. */
export function cachePath(bundle: string): string {
  return bundle.replace(/\.cjs$/, '.cache');
}

/** The bundle wrapped as Node wraps a CommonJS module; the cache is made for exactly this text. */
export function compile(bundle: string, cachedData?: Buffer): Script {
  const source = readFileSync(bundle, 'utf8');
  return new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
}

/** Bundles loaded beside the plugin's (requireBeside), by path: the code-cache run writes theirs too. */
export const besideScripts = new Map<string, Script>();

/**
 * A bundle of its own beside the plugin's, e.g. dist/cql.cjs, which only some runs need: compiled
 * with its code cache too, and returned as its exports. The plugin's bundle calls it in place of a
 * plain require (scripts/build.mjs).
 */
export function requireBeside(directory: string, file: string): unknown {
  const bundle = join(directory, file);
  const script = compile(bundle, readCache(bundle));
  besideScripts.set(bundle, script);
  const module = { exports: {} };
  const start = script.runInThisContext() as (...args: unknown[]) => void;
  start(module.exports, createRequire(bundle), module, bundle, directory);
  return module.exports;
}

/** Runs a compiled bundle as the main program. */
export function run(script: Script, bundle: string): void {
  const module = { exports: {} };
  const start = script.runInThisContext() as (...args: unknown[]) => void;
  start(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}

/**
 * Starts the plugin in `bundle`. When the bundle itself cannot be read (a broken install), says so
 * in one UNKNOWN line that a monitoring core shows, instead of a stack trace.
 */
export function launch(bundle: string, service: string): void {
  let script: Script;
  try {
    script = compile(bundle, readCache(bundle));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stdout.write(
      `${service} UNKNOWN - cannot start the plugin: ${reason} (reinstall it, or run npm run build in a checkout)\n`,
    );
    process.exitCode = 3;
    return;
  }
  try {
    run(script, bundle);
  } catch (error) {
    // The bundle failed while loading, before its own handlers were set (e.g. a Node too old for it).
    process.stdout.write(lastResortLine(service, 'cannot start the plugin', error));
    process.exitCode = 3;
  }
}

function readCache(bundle: string): Buffer | undefined {
  try {
    return readFileSync(cachePath(bundle));
  } catch {
    return undefined; // no cache: compile as usual
  }
}
