// How the plugins/ executables start their bundle (src/runtime/launch.ts): with the V8 code cache
// the build made, which this Node accepts; and, when the bundle is missing, with one UNKNOWN line
// a monitoring core can show, never a stack trace.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLUGINS } from '../../src/plugins/index.js';
import { runProcess, ROOT } from '../support/process.js';

const launcher = join(ROOT, 'dist', 'launch.cjs');
const dir = mkdtempSync(join(tmpdir(), 'launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a few lines of CommonJS in a fresh Node, as an entry file would be run. */
function node(source: string) {
  const file = join(dir, `entry-${Math.random().toString(36).slice(2)}.cjs`);
  writeFileSync(file, source);
  return runProcess(process.execPath, [file], { env: { PATH: process.env['PATH'] } });
}

describe.each(PLUGINS)('$name', (plugin) => {
  const bundle = join(ROOT, 'dist', `${plugin.name}.cjs`);

  it('has a code cache that this Node accepts', async () => {
    const run = await node(
      `const { compile, cachePath } = require(${JSON.stringify(launcher)});\n` +
        `const script = compile(${JSON.stringify(bundle)}, require('node:fs').readFileSync(cachePath(${JSON.stringify(bundle)})));\n` +
        'process.stdout.write(String(script.cachedDataRejected));\n',
    );
    expect(run.stdout).toBe('false');
  });

  it('runs the same without it (another Node, other flags): the cache is only a head start', async () => {
    const copy = join(dir, `${plugin.name}.cjs`);
    copyFileSync(bundle, copy);
    writeFileSync(join(dir, `${plugin.name}.cache`), 'not a code cache');
    const run = await node(
      `process.argv.push('--version');\nrequire(${JSON.stringify(launcher)}).launch(${JSON.stringify(copy)}, ${JSON.stringify(plugin.service)});\n`,
    );
    expect([run.code, run.stdout.trim()]).toEqual([
      3,
      expect.stringMatching(new RegExp(`^${plugin.name} \\d+\\.\\d+\\.\\d+`)),
    ]);
  });

  it('a missing bundle is one UNKNOWN line, exit 3', async () => {
    const run = await node(
      `require(${JSON.stringify(launcher)}).launch(${JSON.stringify(join(dir, 'gone.cjs'))}, ${JSON.stringify(plugin.service)});\n`,
    );
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(
      new RegExp(
        `^${plugin.service} UNKNOWN - cannot start the plugin: ENOENT: no such file or directory, open '.*gone\\.cjs' \\(reinstall it, or run npm run build in a checkout\\)\\n$`,
      ),
    );
    expect(run.stderr).toBe('');
  });

  it('a bundle that throws while loading (e.g. on a Node too old for it) is one UNKNOWN line, exit 3', async () => {
    const broken = join(dir, `broken-${plugin.name}.cjs`);
    writeFileSync(broken, "'use strict';\nconst text = 'x';\ntext.notInThisNode();\n");
    const run = await node(
      `require(${JSON.stringify(launcher)}).launch(${JSON.stringify(broken)}, ${JSON.stringify(plugin.service)});\n`,
    );
    expect([run.code, run.stdout, run.stderr]).toEqual([
      3,
      `${plugin.service} UNKNOWN - cannot start the plugin: TypeError: text.notInThisNode is not a function (please report it)\n`,
      '',
    ]);
  });
});
