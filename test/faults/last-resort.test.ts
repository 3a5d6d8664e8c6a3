// Whatever throws, a plugin ends with one UNKNOWN line and exit 3, never a stack trace: here the
// renderers themselves fail (a preloaded script breaks Array.from, which the sanitiser uses, as a
// missing built-in on an older Node did), and an exception escapes every await.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGINS } from '../../src/plugins/index.js';
import { CASSANDRA_VALUES, jolokia, startFakeAgent, type FakeAgent } from '../support/fake-agent.js';
import { PLUGIN_NODE, ROOT, runProcess } from '../support/process.js';

let dir: string;
let agent: FakeAgent;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'last-resort-'));
  agent = await startFakeAgent(jolokia(CASSANDRA_VALUES(true)));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await agent.close();
});

function withPreload(name: string, source: string, plugin: string, args: string[]) {
  const preload = join(dir, `${name}.cjs`);
  writeFileSync(preload, source);
  return runProcess(PLUGIN_NODE, ['--require', preload, join(ROOT, 'plugins', plugin), '--url', agent.url, ...args], {
    env: { PATH: process.env['PATH'] },
  });
}

describe.each(PLUGINS)('$name', ({ name, service }) => {
  it('renderers that throw: one UNKNOWN line, exit 3', async () => {
    const run = await withPreload(
      'no-array-from',
      "Array.from = () => { throw new TypeError('Array.from is not a function'); };\n",
      name,
      [],
    );
    expect([run.code, run.stderr]).toEqual([3, '']);
    expect(run.stdout).toBe(
      `${service} UNKNOWN - internal error: TypeError: Array.from is not a function (please report it)\n`,
    );
  });

  it('an exception no await catches: one UNKNOWN line, exit 3', async () => {
    const run = await withPreload(
      'stray-throw',
      "setImmediate(() => { throw new RangeError('stray\\nerror | with a pipe'); });\nsetInterval(() => {}, 1000);\n",
      name,
      ['-t', '5'],
    );
    expect([run.code, run.stderr]).toEqual([3, '']);
    expect(run.stdout).toBe(
      `${service} UNKNOWN - internal error: RangeError: stray error with a pipe (please report it)\n`,
    );
  });
});
