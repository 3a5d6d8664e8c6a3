// The faults of test/faults, against the real protocol: a fault-injecting TCP proxy between the
// plugin and the real Jolokia agents of the suite's Cassandra node delays, cuts, truncates and
// stalls real answers. Each run ends within -t + 1 s with a line that says which fault it was,
// and the node answers as before afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, headLength, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { expectCleanRun, expectNoSecret } from '../support/plugin-output.js';
import { runPlugin, type PluginRun } from '../support/run-plugin.js';
import { cassandra } from './cassandra-context.js';

const PLUGIN = 'check_cassandra_backup';
const T = 2;
let proxy: FaultProxy;
/** What the plugin says straight to the agent: the proxy must not change it when it passes all. */
let direct: PluginRun;
/** Where the real answer's head ends and its body begins, and how long the whole answer is. */
let head = 0;
let total = 0;

beforeAll(async () => {
  proxy = await startFaultProxy(cassandra().agents.plain2.url);
  direct = await runPlugin(PLUGIN, ['--url', cassandra().agents.plain2.url]);
  expect([0, 1]).toContain(direct.code);
  proxy.fault = { kind: 'pass' };
  const passed = await runPlugin(PLUGIN, ['--url', proxy.url, '-t', String(T)]);
  expect(passed.code).toBe(direct.code);
  const seen = proxy.connections.at(-1)!;
  head = headLength(seen.answerStart);
  total = seen.answerBytes;
  expect(total - head).toBeGreaterThan(100);
});
afterAll(() => proxy.close());

async function through(fault: Fault, args: string[] = []): Promise<PluginRun> {
  proxy.fault = fault;
  return runPlugin(PLUGIN, ['--url', proxy.url, '-t', String(T), ...args]);
}

const AGENT = 'http://127\\.0\\.0\\.1:\\d+/jolokia/';

describe('the real agent through a fault-injecting proxy', () => {
  it('passing everything changes nothing: the same state and text as straight to the agent', async () => {
    const run = await through({ kind: 'pass' });
    expectCleanRun(run, { timeoutSeconds: T, code: direct.code ?? -1 });
    expect(run.statusLine.split(' | ')[0]).toBe(direct.statusLine.split(' | ')[0]);
  });

  it('a delay just inside -t: the same answer', async () => {
    const run = await through({ kind: 'delay', ms: T * 1000 - 700 });
    expectCleanRun(run, { timeoutSeconds: T, code: direct.code ?? -1 });
    expect(run.seconds).toBeGreaterThan((T * 1000 - 700) / 1000);
  });

  it('a delay just outside -t: UNKNOWN (or --timeout-state), no answer within the time', async () => {
    const fault: Fault = { kind: 'delay', ms: T * 1000 + 500 };
    const run = await through(fault);
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 3,
      message: new RegExp(`^The agent at ${AGENT} accepted the connection but sent no answer within 1\\.\\d s$`),
    });
    const critical = await through(fault, ['--timeout-state', 'critical']);
    expectCleanRun(critical, { timeoutSeconds: T, code: 2, message: /sent no answer within 1\.\d s$/ });
  });

  it('cut (RST) in the middle of the body: says how much had arrived', async () => {
    const run = await through({ kind: 'cut', afterBytes: head + 20 });
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 3,
      message: new RegExp(`^The agent at ${AGENT} closed the connection after \\d+ bytes of its answer$`),
    });
    expect(run.seconds).toBeLessThan(T);
  });

  it('cut (RST) in the middle of the HTTP head: the connection was reset', async () => {
    const run = await through({ kind: 'cut', afterBytes: Math.floor(head / 2) });
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 3,
      message: new RegExp(`^The agent at ${AGENT} failed to answer: the connection was reset$`),
    });
  });

  it('truncated (FIN) in the middle of the body', async () => {
    const run = await through({ kind: 'truncate', afterBytes: head + 20 });
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 3,
      message: new RegExp(`^The agent at ${AGENT} closed the connection after \\d+ bytes of its answer$`),
    });
  });

  it('truncated (FIN) one byte before the end: still not an answer', async () => {
    const run = await through({ kind: 'truncate', afterBytes: total - 1 });
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 3,
      message: /closed the connection after \d+ bytes of its answer$|is not JSON/,
    });
  });

  it('truncated (FIN) before a single byte', async () => {
    const run = await through({ kind: 'truncate', afterBytes: 0 });
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 3,
      message: new RegExp(`^The agent at ${AGENT} failed to answer: the connection was reset$`),
    });
  });

  it('stalled after the head: the body never comes', async () => {
    const run = await through({ kind: 'stall', afterBytes: head });
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 3,
      message: new RegExp(`^The answer of ${AGENT} stalled after 0 bytes; gave up after 1\\.\\d s$`),
    });
  });

  it('stalled in the middle of the body', async () => {
    const run = await through({ kind: 'stall', afterBytes: head + 20 }, ['--timeout-state', 'warning']);
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 1,
      message: new RegExp(`^The answer of ${AGENT} stalled after \\d+ bytes; gave up after 1\\.\\d s$`),
    });
  });

  it('an answer that drips in a byte at a time, slower than -t allows', async () => {
    const run = await through({ kind: 'drip', everyMs: 20 });
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 3,
      message: /(stalled after \d+ bytes|sent no answer within 1\.\d s)/,
    });
  });

  it('the request cut on its way to the agent', async () => {
    const run = await through({ kind: 'cut-request', afterBytes: 40 });
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 3,
      message: new RegExp(`^The agent at ${AGENT} failed to answer: the connection was reset$`),
    });
    expect(proxy.connections.at(-1)!.answerBytes).toBe(0);
  });

  it('a proxy that accepts and never passes anything on', async () => {
    const run = await through({ kind: 'blackhole' });
    expectCleanRun(run, {
      timeoutSeconds: T,
      code: 3,
      message: new RegExp(`^The agent at ${AGENT} accepted the connection but sent no answer within 1\\.\\d s$`),
    });
  });

  it('the node answers as before afterwards', async () => {
    const run = await runPlugin(PLUGIN, ['--url', cassandra().agents.plain2.url]);
    expect(run.code).toBe(direct.code);
  });
});

describe('the authenticated agent through the proxy: faults never reveal the password', () => {
  let authProxy: FaultProxy;
  beforeAll(async () => {
    authProxy = await startFaultProxy(cassandra().agents.auth.url);
  });
  afterAll(() => authProxy.close());

  it.each<[string, Fault]>([
    ['passed through', { kind: 'pass' }],
    ['cut', { kind: 'cut', afterBytes: 200 }],
    ['stalled', { kind: 'stall', afterBytes: 150 }],
    ['delayed past -t', { kind: 'delay', ms: 3000 }],
  ])('%s, at -vvv', async (_name, fault) => {
    const { user, password } = cassandra().credentials;
    authProxy.fault = fault;
    const run = await runPlugin(PLUGIN, ['--url', authProxy.url, '-u', user, '-t', String(T), '-vvv'], {
      env: { JOLOKIA_PASSWORD: password },
    });
    expectCleanRun(run, { timeoutSeconds: T, verbosity: 3, ...(fault.kind === 'pass' ? {} : { code: 3 }) });
    expectNoSecret(run, password, user);
    expect(authProxy.connections.at(-1)!.requestBytes).toBeGreaterThan(0);
  });
});
