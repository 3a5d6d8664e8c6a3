// The CQL client is paid for by --transport cql alone: its code is in dist/cql.cjs, in no plugin
// bundle, and a check over Jolokia never requires it (docs/DECISIONS.md D23). What the client
// does against Cassandra is proven on real nodes; here, against the fake CQL server.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedCqlCluster, startSimulatedCqlCluster } from '../../scripts/simulated-cql-cluster.mjs';
import { PLUGINS } from '../../src/plugins/index.js';
import { CASSANDRA_VALUES, type FakeAgent, jolokia, startFakeAgent } from '../support/fake-agent.js';
import { PLUGIN_NODE, ROOT, runProcess } from '../support/process.js';

const CQL_BUNDLE = join(ROOT, 'dist', 'cql.cjs');
let dir: string;
let agent: FakeAgent;
let cluster: SimulatedCqlCluster;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cql-bundle-'));
  agent = await startFakeAgent(jolokia(CASSANDRA_VALUES(true)));
  cluster = await startSimulatedCqlCluster({ size: 1, latencyMs: [0, 0], user: 'monitor', password: 'secret' });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await agent.close();
  await cluster.close();
});

/**
 * Runs check_cassandra_backup and reports whether dist/cql.cjs was loaded by the time it exited:
 * required, or compiled with its code cache through dist/launch.cjs (the instance the plugin ran in).
 */
async function loadsCql(args: string[]): Promise<{ code: number | null; loaded: boolean }> {
  const probe = join(dir, 'probe.cjs');
  const bundle = JSON.stringify(CQL_BUNDLE);
  const launch = JSON.stringify(join(ROOT, 'dist', 'launch.cjs'));
  writeFileSync(
    probe,
    `process.on('exit', () => process.stderr.write('cql loaded: ' + (${bundle} in require.cache || require(${launch}).besideScripts.has(${bundle})) + '\\n'));\n`,
  );
  const run = await runProcess(
    PLUGIN_NODE,
    ['--require', probe, join(ROOT, 'plugins', 'check_cassandra_backup'), ...args],
    { env: { PATH: process.env['PATH'] } },
  );
  const answer = /cql loaded: (true|false)/.exec(run.stderr);
  expect(answer, run.stderr).not.toBeNull();
  return { code: run.code, loaded: answer?.[1] === 'true' };
}

describe('the CQL bundle', () => {
  it('holds the client; no plugin bundle does', () => {
    for (const plugin of PLUGINS)
      expect(readFileSync(join(ROOT, 'dist', `${plugin.name}.cjs`), 'utf8'), plugin.name).not.toContain(
        'STARTUP (protocol v4)',
      );
    expect(readFileSync(CQL_BUNDLE, 'utf8')).toContain('STARTUP (protocol v4)');
  });

  it('is not loaded by a check over Jolokia', async () => {
    expect(await loadsCql(['--url', agent.url])).toEqual({ code: 0, loaded: false });
  });

  it('is loaded by --transport cql', async () => {
    const password = join(dir, 'password');
    writeFileSync(password, 'secret\n', { mode: 0o600 });
    const { host, port } = cluster.contact;
    const args = ['--transport', 'cql', '-H', host, '--cql-port', String(port), '-u', 'monitor'];
    expect(await loadsCql([...args, '--password-file', password])).toEqual({ code: 0, loaded: true });
  });
});
