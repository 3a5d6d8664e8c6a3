// Which Node runs the plugins in this pass: PLUGIN_NODE (Debian 12's own Node 18 in the second pass
// of scripts/test.mjs), found by the plugins' own `#!/usr/bin/env node` line, as a monitoring core
// starts them. PLUGIN_NODE_MAJOR says which major version that must be.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLUGINS } from '../../src/plugins/index.js';
import { runPlugin } from '../support/run-plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'plugin-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const expectedMajor = process.env['PLUGIN_NODE_MAJOR'] ?? process.versions.node.split('.')[0];

describe(`the plugins run on Node ${expectedMajor}`, () => {
  it.each(PLUGINS)('$name', async ({ name }) => {
    const probe = join(dir, 'probe.cjs');
    writeFileSync(probe, "process.stderr.write('node ' + process.version + '\\n');\n");
    const run = await runPlugin(name, ['--version'], { env: { NODE_OPTIONS: `--require ${probe}` } });
    expect(run.stderr).toMatch(new RegExp(`^node v${expectedMajor}\\.\\d+\\.\\d+\\n$`));
    expect([run.code, run.stdout]).toEqual([3, expect.stringMatching(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+\\n$`))]);
  });
});
