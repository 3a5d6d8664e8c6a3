// The YAML parser is paid for by --config/--find-config alone: no bundle carries it, the build
// ships it beside them as dist/js-yaml.cjs, and a status check never requires it. (What the
// until-restart check says about Cassandra is proven on real nodes in test/integration.)

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGINS } from '../../src/plugins/index.js';
import { CASSANDRA_VALUES, jolokia, startFakeAgent, type FakeAgent } from '../support/fake-agent.js';
import { PLUGIN_NODE, ROOT, runProcess } from '../support/process.js';

const PARSER = join(ROOT, 'dist', 'js-yaml.cjs');
let dir: string;
let agent: FakeAgent;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yaml-parser-'));
  agent = await startFakeAgent(jolokia(CASSANDRA_VALUES(true)));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await agent.close();
});

/** Runs check_cassandra_backup and reports whether dist/js-yaml.cjs was loaded by the time it exited. */
async function loadsParser(args: string[]): Promise<{ code: number | null; loaded: boolean }> {
  const probe = join(dir, 'probe.cjs');
  writeFileSync(
    probe,
    `process.on('exit', () => process.stderr.write('parser loaded: ' + (${JSON.stringify(PARSER)} in require.cache) + '\\n'));\n`,
  );
  const run = await runProcess(
    PLUGIN_NODE,
    ['--require', probe, join(ROOT, 'plugins', 'check_cassandra_backup'), '--url', agent.url, ...args],
    { env: { PATH: process.env['PATH'] } },
  );
  const answer = /parser loaded: (true|false)/.exec(run.stderr);
  expect(answer, run.stderr).not.toBeNull();
  return { code: run.code, loaded: answer?.[1] === 'true' };
}

describe('the YAML parser', () => {
  it('is in no plugin bundle, only in its own file with its licence', () => {
    for (const plugin of PLUGINS)
      expect(readFileSync(join(ROOT, 'dist', `${plugin.name}.cjs`), 'utf8'), plugin.name).not.toContain(
        'YAMLException',
      );
    const parser = readFileSync(PARSER, 'utf8');
    expect(parser).toMatch(/^\/\*! js-yaml \d+\.\d+\.\d+\n\(The MIT License\)\n\nCopyright/);
    expect(parser).toContain('YAMLException');
  });

  it('is not loaded by a status check', async () => {
    expect(await loadsParser([])).toEqual({ code: 0, loaded: false });
  });

  it('is loaded by --config', async () => {
    const yaml = join(dir, 'cassandra.yaml');
    writeFileSync(yaml, 'cluster_name: test\nincremental_backups: true\n');
    expect(await loadsParser(['--config', yaml])).toEqual({ code: 0, loaded: true });
  });
});
