// How an executable starts its bundle, in-process on small bundles written here: the code cache
// beside the bundle, used when it fits and ignored when it does not, the bundle run as a CommonJS
// module, and one UNKNOWN line when it cannot start. The built plugins' own bundles and caches,
// as processes: test/plugin/launch.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cachePath, compile, launch, run } from '../../../src/runtime/launch.js';

const dir = mkdtempSync(join(tmpdir(), 'launch-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

declare global {
  // Where the test bundles say that they ran, and as what.
  var launchedAs: { filename: string; dirname: string; sibling: unknown } | undefined;
}
afterEach(() => {
  globalThis.launchedAs = undefined;
});

function bundle(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

/** Runs `act` with stdout captured and the exit code put back as it was. */
function captured(act: () => void): { stdout: string; exitCode: typeof process.exitCode } {
  const before = process.exitCode;
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    act();
    return { stdout, exitCode: process.exitCode };
  } finally {
    write.mockRestore();
    process.exitCode = before;
  }
}

describe('cachePath', () => {
  it('the .cache beside the .cjs', () => {
    expect(cachePath('/usr/lib/cassandra-monitoring-plugins/check_cassandra_backup.cjs')).toBe(
      '/usr/lib/cassandra-monitoring-plugins/check_cassandra_backup.cache',
    );
  });
});

describe('compile and run', () => {
  it('the bundle runs as a CommonJS module: its own __filename, __dirname and require', () => {
    bundle('sibling.cjs', 'module.exports = "from the sibling";\n');
    const file = bundle(
      'main.cjs',
      'globalThis.launchedAs = { filename: __filename, dirname: __dirname, sibling: require("./sibling.cjs") };\n',
    );
    run(compile(file), file);
    expect(globalThis.launchedAs).toEqual({ filename: file, dirname: dir, sibling: 'from the sibling' });
  });

  it('a cache made for the bundle is accepted; one that does not fit is rejected, and the bundle compiles all the same', () => {
    const file = bundle(
      'cached.cjs',
      'globalThis.launchedAs = { filename: __filename, dirname: __dirname, sibling: 1 };\n',
    );
    const cache = compile(file).createCachedData();
    expect(compile(file, cache).cachedDataRejected).toBe(false);
    // Another bundle, never compiled in this process (V8 would reuse that compilation instead).
    const other = bundle(
      'other.cjs',
      'globalThis.launchedAs = { filename: __filename, dirname: __dirname, sibling: 1 };\n// another text\n',
    );
    const stale = compile(other, Buffer.from('not a code cache'));
    expect(stale.cachedDataRejected).toBe(true);
    run(stale, other);
    expect(globalThis.launchedAs?.sibling).toBe(1);
  });
});

describe('launch', () => {
  it('runs the bundle, with its cache when there is one', () => {
    const file = bundle(
      'plugin.cjs',
      'globalThis.launchedAs = { filename: __filename, dirname: __dirname, sibling: "ran" };\n',
    );
    writeFileSync(cachePath(file), compile(file).createCachedData());
    const { stdout, exitCode } = captured(() => launch(file, 'CASSANDRA TEST'));
    expect([stdout, exitCode, globalThis.launchedAs?.sibling]).toEqual(['', undefined, 'ran']);
  });

  it('a bundle that cannot be read: one UNKNOWN line and what to do, exit 3', () => {
    const { stdout, exitCode } = captured(() => launch(join(dir, 'gone.cjs'), 'CASSANDRA TEST'));
    expect(stdout).toBe(
      `CASSANDRA TEST UNKNOWN - cannot start the plugin: ENOENT: no such file or directory, open '${join(dir, 'gone.cjs')}' (reinstall it, or run npm run build in a checkout)\n`,
    );
    expect(exitCode).toBe(3);
  });

  it('a bundle that does not compile: its first line only', () => {
    const { stdout, exitCode } = captured(() => launch(bundle('syntax.cjs', 'const = ;\n'), 'CASSANDRA TEST'));
    expect(stdout).toMatch(
      /^CASSANDRA TEST UNKNOWN - cannot start the plugin: [^\n]+ \(reinstall it, or run npm run build in a checkout\)\n$/,
    );
    expect(exitCode).toBe(3);
  });

  it('a bundle that throws while loading: the last-resort line, exit 3', () => {
    const { stdout, exitCode } = captured(() =>
      launch(bundle('throws.cjs', "'x'.notInThisNode();\n"), 'CASSANDRA TEST'),
    );
    expect(stdout).toBe(
      'CASSANDRA TEST UNKNOWN - cannot start the plugin: TypeError: "x".notInThisNode is not a function (please report it)\n',
    );
    expect(exitCode).toBe(3);
  });
});
