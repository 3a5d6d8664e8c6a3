// docs/jolokia-access.xml is the policy SECURITY.md tells operators to give the agent: every plugin
// of the registry, in every mode that reads something more, must find through it all it finds
// without it. Both agents run in the same node; a refused read (even an optional one) would change
// the answer. (The flush and freshness reads: backup-freshness.test.ts; what the policy refuses:
// harness.test.ts.)

import { describe, expect, it } from 'vitest';
import { runPlugin } from '../support/run-plugin.js';
import { cassandra, type AgentName } from './cassandra-context.js';

const RUNS: [plugin: string, args: string[]][] = [
  ['check_cassandra_backup', []],
  ['check_cassandra_backup', ['--find-config']],
  ['check_cassandra_node', []],
  ['check_cassandra_cluster_backup', []],
  ['check_cassandra_backup_backlog', []],
  ['check_cassandra_snapshots', []],
];

/** The JSON answer without what differs between two agents of one node: their URLs, timings, ages and free disk. */
async function answer(plugin: string, args: string[], agent: AgentName): Promise<unknown> {
  const url = new URL(cassandra().agents[agent].url);
  const run = await runPlugin(plugin, ['--url', url.href, ...args, '--format', 'json']);
  expect(run.code, run.stdout).toBeLessThan(3);
  const text = run.stdout.split(url.href).join('AGENT/').split(url.host).join('AGENT');
  return JSON.parse(text, (key, value: unknown) => {
    if (/seconds|time|duration|available/.test(key)) return undefined;
    return typeof value === 'string' ? value.replace(/oldest file \S+ old/, 'oldest file (age) old') : value;
  });
}

describe('every plugin through an agent restricted by docs/jolokia-access.xml', () => {
  it.each(RUNS)('%s %j: the same answer as through an unrestricted agent', async (plugin, args) => {
    const [restricted, unrestricted] = [await answer(plugin, args, 'policy'), await answer(plugin, args, 'plain2')];
    expect(restricted).toEqual(unrestricted);
  });
});
