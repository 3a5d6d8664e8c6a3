// The plugin as a process against a network and an agent that fail in every way we can make
// them fail on loopback. Each run must end by itself within -t + 1 s, with one clean status
// line that says which fault it was: UNKNOWN, or the --timeout-state when time ran out.

import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASSANDRA_VALUES, jolokia, requireAuth, startFakeAgent, type FakeAgent } from '../support/fake-agent.js';
import { closedPort, head, startBlackhole, startRawAgent, UNRESOLVABLE_HOST } from '../support/fault-servers.js';
import { waitFor } from '../support/process.js';
import { expectCleanRun } from '../support/plugin-output.js';
import { runPlugin } from '../support/run-plugin.js';

const PLUGIN = 'check_cassandra_backup';
const T = 2;
const URL_OF = (port: number, scheme = 'http') => `${scheme}://127\\.0\\.0\\.1:${port}/jolokia`;

interface Fault {
  /** Where the plugin is sent, and how to clean up. */
  start(): Promise<{ args: string[]; port?: number; close(): Promise<void> }>;
  /** The time ran out: the --timeout-state applies. */
  readonly timedOut: boolean;
  readonly message: (port: number) => RegExp;
}

const rawFault = (timedOut: boolean, message: Fault['message'], onRequest: (socket: Socket) => void): Fault => ({
  timedOut,
  message,
  async start() {
    const agent = await startRawAgent(onRequest);
    return { args: ['--url', agent.url], port: agent.port, close: () => agent.close() };
  },
});

/** A Jolokia answer after `ms` milliseconds: a slow agent. */
const slowFault = (ms: number, timedOut: boolean, message: Fault['message']): Fault => ({
  timedOut,
  message,
  async start() {
    const answer = jolokia(CASSANDRA_VALUES(true));
    const agent = await startFakeAgent((request, body, response) => {
      const timer = setTimeout(() => answer(request, body, response), ms);
      response.on('close', () => clearTimeout(timer));
    });
    return { args: ['--url', agent.url], port: agent.port, close: () => agent.close() };
  },
});

const PARTIAL = `${head(200, { 'Content-Type': 'application/json', 'Content-Length': 500 })}[{"status":`;

const FAULTS: Record<string, Fault> = {
  'connection refused': {
    timedOut: false,
    message: (port) =>
      new RegExp(`^Cannot connect to Cassandra's Jolokia agent at ${URL_OF(port)}: connection refused$`),
    async start() {
      const port = await closedPort();
      return { args: ['-H', '127.0.0.1', '-p', String(port)], port, close: async () => undefined };
    },
  },
  'a name that does not resolve': {
    timedOut: false,
    message: () =>
      new RegExp(
        `^Cannot connect to Cassandra's Jolokia agent at http://${UNRESOLVABLE_HOST}:8778/jolokia: host name ${UNRESOLVABLE_HOST} does not resolve$`,
      ),
    start: async () => ({ args: ['-H', UNRESOLVABLE_HOST], close: async () => undefined }),
  },
  'a host that drops packets (connect timeout)': {
    timedOut: true,
    message: (port) =>
      new RegExp(
        `^No connection to ${URL_OF(port)} within 1\\.\\d s \\(host down, or packets dropped by a firewall\\?\\)$`,
      ),
    async start() {
      const hole = await startBlackhole();
      return { args: ['-p', String(hole.port)], port: hole.port, close: () => hole.close() };
    },
  },
  'an agent that accepts and never answers': rawFault(
    true,
    (port) => new RegExp(`^The agent at ${URL_OF(port)} accepted the connection but sent no answer within 1\\.\\d s$`),
    () => undefined,
  ),
  'headers, then a stalled body': rawFault(
    true,
    (port) => new RegExp(`^The answer of ${URL_OF(port)} stalled after 11 bytes; gave up after 1\\.\\d s$`),
    (socket) => socket.write(PARTIAL),
  ),
  'a body that trickles in, a byte every 100 ms': rawFault(
    true,
    (port) => new RegExp(`^The answer of ${URL_OF(port)} stalled after \\d+ bytes; gave up after 1\\.\\d s$`),
    (socket) => {
      socket.write(head(200, { 'Content-Type': 'application/json', 'Content-Length': 500 }));
      const timer = setInterval(() => socket.write(' '), 100);
      socket.on('close', () => clearInterval(timer));
    },
  ),
  'a reset half-way through the body (RST)': rawFault(
    false,
    (port) => new RegExp(`^The agent at ${URL_OF(port)} closed the connection after 11 bytes of its answer$`),
    (socket) => {
      socket.write(PARTIAL, () => setTimeout(() => socket.resetAndDestroy(), 50));
    },
  ),
  'a close half-way through the body (FIN)': rawFault(
    false,
    (port) => new RegExp(`^The agent at ${URL_OF(port)} closed the connection after 11 bytes of its answer$`),
    (socket) => {
      socket.end(PARTIAL);
    },
  ),
  'a reset before any answer': rawFault(
    false,
    (port) => new RegExp(`^The agent at ${URL_OF(port)} failed to answer: the connection was reset$`),
    (socket) => socket.resetAndDestroy(),
  ),
  'headers that never end': rawFault(
    false,
    (port) => new RegExp(`^The agent at ${URL_OF(port)} failed to answer: HPE_HEADER_OVERFLOW`),
    (socket) => {
      socket.write('HTTP/1.1 200 OK\r\n');
      let lines = 0;
      const pump = (): void => {
        // At most 64 MB: the plugin must have given up long before.
        while (lines < 1_000_000 && !socket.destroyed && socket.write(`X-Filler-${lines++}: ${'x'.repeat(50)}\r\n`));
        if (!socket.destroyed && lines < 1_000_000) socket.once('drain', pump);
      };
      pump();
    },
  ),
  'an answer that is not HTTP': rawFault(
    false,
    (port) => new RegExp(`^The agent at ${URL_OF(port)} failed to answer: HPE_`),
    (socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n'),
  ),
  'a slow agent, just outside -t': slowFault(
    T * 1000 + 600,
    true,
    (port) => new RegExp(`^The agent at ${URL_OF(port)} accepted the connection but sent no answer within 1\\.\\d s$`),
  ),
  'HTTPS where the agent speaks plain HTTP': {
    timedOut: false,
    message: (port) =>
      new RegExp(
        `^Cannot connect to Cassandra's Jolokia agent at ${URL_OF(port, 'https')}: the TLS handshake failed \\([A-Z_]+\\): does the agent serve HTTPS on this port\\?$`,
      ),
    async start() {
      const agent = await startFakeAgent(jolokia(CASSANDRA_VALUES(true)));
      return { args: ['--ssl', '-p', String(agent.port)], port: agent.port, close: () => agent.close() };
    },
  },
  'HTTPS, and an agent that never finishes the TLS handshake': {
    timedOut: true,
    message: (port) =>
      new RegExp(
        `^Connected to ${URL_OF(port, 'https')}, but the TLS handshake did not finish within 1\\.\\d s \\(is the agent's JVM frozen, or is it not speaking TLS\\?\\)$`,
      ),
    async start() {
      const agent = await startRawAgent(() => undefined);
      return { args: ['--ssl', '-p', String(agent.port)], port: agent.port, close: () => agent.close() };
    },
  },
};

/** Runs the plugin against a fault with --timeout-state warning, which tells a timeout (WARNING) from every other failure (UNKNOWN). */
async function tryFault(fault: Fault, timeoutSeconds: number) {
  const target = await fault.start();
  try {
    const run = await runPlugin(PLUGIN, [...target.args, '-t', String(timeoutSeconds), '--timeout-state', 'warning']);
    expectCleanRun(run, { timeoutSeconds, code: fault.timedOut ? 1 : 3, message: fault.message(target.port ?? 0) });
    return run;
  } finally {
    await target.close();
  }
}

const timeouts = Object.entries(FAULTS).filter(([, f]) => f.timedOut);
const immediate = Object.entries(FAULTS).filter(([, f]) => !f.timedOut);

describe('faults that are reported as soon as they happen: UNKNOWN, long before -t', () => {
  it.each(immediate)('%s', async (_name, fault) => {
    const run = await tryFault(fault, 5);
    expect(run.seconds).toBeLessThan(5);
  });
});

// Waiting is idle time, so these run side by side.
describe.concurrent('faults that run out of time: --timeout-state, within -t + 1 s', () => {
  it.each(timeouts)('%s', async (_name, fault) => {
    const run = await tryFault(fault, T);
    expect(run.seconds).toBeGreaterThan(T - 0.3);
  });

  it('a slow agent just outside -t, without --timeout-state, is UNKNOWN', async () => {
    const target = await FAULTS['a slow agent, just outside -t']!.start();
    try {
      const run = await runPlugin(PLUGIN, [...target.args, '-t', String(T)]);
      expectCleanRun(run, {
        timeoutSeconds: T,
        code: 3,
        message: /accepted the connection but sent no answer within 1\.\d s$/,
      });
    } finally {
      await target.close();
    }
  });

  it('a slow agent just inside -t is OK', async () => {
    // -t counts from the process's start: leave room for Node to start on a busy machine (Debian's
    // Node 18 in its mount namespace, without a code cache, took more than 0.6 s in CI).
    const timeout = 4;
    const delayMs = timeout * 1000 - 1500;
    const target = await slowFault(delayMs, false, () => /./).start();
    try {
      const run = await runPlugin(PLUGIN, [...target.args, '-t', String(timeout), '--timeout-state', 'critical']);
      expectCleanRun(run, { timeoutSeconds: timeout, code: 0, message: /^Incremental backup is enabled$/ });
      expect(run.seconds).toBeGreaterThan(delayMs / 1000);
    } finally {
      await target.close();
    }
  });

  it('a longer -t is honoured too: a dropped SYN with -t 4 ends after about 4 s, not earlier', async () => {
    const target = await FAULTS['a host that drops packets (connect timeout)']!.start();
    try {
      const run = await runPlugin(PLUGIN, [...target.args, '-t', '4']);
      expectCleanRun(run, { timeoutSeconds: 4, code: 3, message: /within 3\.\d s \(host down/ });
      expect(run.seconds).toBeGreaterThan(3.5);
    } finally {
      await target.close();
    }
  });
});

describe('redirects are not followed: credentials never go to another origin', () => {
  const PASSWORD = 'redirect-Pa55-word';
  let elsewhere: FakeAgent;

  beforeAll(async () => {
    // The origin the redirect points to: any connection to it would be a failure.
    elsewhere = await startFakeAgent(requireAuth('monitor', PASSWORD, jolokia(CASSANDRA_VALUES(true))));
  });
  afterAll(() => elsewhere.close());

  it.each([301, 302, 303, 307, 308])('HTTP %i to another origin', async (status) => {
    const agent = await startFakeAgent((_q, _b, res) => {
      res.writeHead(status, {
        Location: `http://monitor:${PASSWORD}@127.0.0.1:${elsewhere.port}/jolokia/${PASSWORD}?p=${PASSWORD}`,
        'Content-Length': 0,
      });
      res.end();
    });
    try {
      const run = await runPlugin(PLUGIN, ['--url', agent.url, '-u', 'monitor', '-t', String(T), '-vvv'], {
        env: { JOLOKIA_PASSWORD: PASSWORD },
      });
      expectCleanRun(run, {
        timeoutSeconds: T,
        code: 3,
        verbosity: 3,
        message: new RegExp(
          `^The agent at ${URL_OF(agent.port)} redirects to http://127\\.0\\.0\\.1:${elsewhere.port}/jolokia/\\*\\*\\* \\(HTTP ${status}\\); not followed, so credentials stay with the configured URL: give that URL instead$`,
        ),
        secrets: [PASSWORD],
      });
      expect(agent.received).toHaveLength(1);
      expect(elsewhere.connections).toBe(0);
    } finally {
      await agent.close();
    }
  });

  it('not even to the same origin', async () => {
    const agent = await startFakeAgent((request, body, res) => {
      if (request.url?.startsWith('/moved/')) return jolokia(CASSANDRA_VALUES(true))(request, body, res);
      res.writeHead(307, { Location: '/moved/jolokia/', 'Content-Length': 0 });
      res.end();
    });
    try {
      const run = await runPlugin(PLUGIN, ['--url', agent.url, '-t', String(T)]);
      expectCleanRun(run, {
        timeoutSeconds: T,
        code: 3,
        message: new RegExp(
          `redirects to ${URL_OF(agent.port).replace('jolokia', 'moved/jolokia/')} \\(HTTP 307\\); not followed`,
        ),
      });
      expect(agent.received).toHaveLength(1);
    } finally {
      await agent.close();
    }
  });
});

describe('SIGTERM or SIGINT from the monitoring core', () => {
  let agent: FakeAgent;
  beforeAll(async () => {
    agent = await startFakeAgent(() => undefined); // never answers: the plugin is waiting when the signal comes
  });
  afterAll(() => agent.close());

  async function signalled(signal: NodeJS.Signals, args: string[] = []) {
    let pid = 0;
    const before = agent.received.length;
    const running = runPlugin(PLUGIN, ['--url', agent.url, '-t', '20', ...args], { onSpawn: (p) => (pid = p) });
    await waitFor(() => agent.received.length > before, "the plugin's request");
    const sent = Date.now();
    process.kill(pid, signal);
    const run = await running;
    return { run, afterSignal: (Date.now() - sent) / 1000 };
  }

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    '%s: one UNKNOWN line, exit 3, no stack trace, at once',
    async (signal) => {
      const { run, afterSignal } = await signalled(signal);
      expect(run.signal).toBeNull();
      expect(run.code).toBe(3);
      expect(run.stdout).toBe(`CASSANDRA BACKUP UNKNOWN - stopped by ${signal}\n`);
      expect(run.stderr).toBe('');
      expect(afterSignal).toBeLessThan(1);
    },
  );

  it('in the format asked for: JSON stays JSON, Prometheus stays Prometheus, nodetool prints nothing', async () => {
    const json = (await signalled('SIGTERM', ['--format', 'json'])).run;
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({
      backup_enabled: null,
      status: 'unknown',
      state: 'UNKNOWN',
      exit_code: 3,
      message: 'stopped by SIGTERM',
    });
    const prometheus = (await signalled('SIGTERM', ['--format', 'prometheus'])).run;
    expect(prometheus.code).toBe(3);
    expect(prometheus.stdout.trimEnd().split('\n').at(-1)).toBe('cassandra_backup_check_state 3');
    const nodetool = (await signalled('SIGINT', ['--format', 'nodetool'])).run;
    expect([nodetool.code, nodetool.stdout]).toEqual([3, '']);
    expect(nodetool.stderr).toBe('CASSANDRA BACKUP UNKNOWN - stopped by SIGINT\n');
  });

  it('a second signal while the first is handled changes nothing', async () => {
    const args = ['--url', agent.url, '-t', '20', '--format', 'json'];
    // What one SIGTERM makes the plugin print: in the format asked for, JSON.
    const one = (await signalled('SIGTERM', ['--format', 'json'])).run;
    expect(JSON.parse(one.stdout)).toMatchObject({ state: 'UNKNOWN', exit_code: 3, message: 'stopped by SIGTERM' });
    for (let round = 0; round < 3; round++) {
      let pid = 0;
      const before = agent.received.length;
      const running = runPlugin(PLUGIN, args, { onSpawn: (p) => (pid = p) });
      await waitFor(() => agent.received.length > before, "the plugin's request");
      // Both signals must reach a process that is still there: it is stopped while they are sent
      // (no kill can find it gone), and wakes with both pending, so the second arrives while the
      // first is being handled. Which of the two it takes first is the kernel's choice.
      process.kill(pid, 'SIGSTOP');
      process.kill(pid, 'SIGTERM');
      process.kill(pid, 'SIGINT');
      const woken = Date.now();
      process.kill(pid, 'SIGCONT');
      const run = await running;
      // Exactly what one signal gives: the same JSON naming the signal taken, not the plain line a
      // second signal gets while the first is not done, nor a second output, a stack trace or a
      // death by the signal.
      expect([run.signal, run.code, run.stderr]).toEqual([null, 3, '']);
      expect([one.stdout, one.stdout.replace('SIGTERM', 'SIGINT')], 'what one signal prints, naming either').toContain(
        run.stdout,
      );
      expect((Date.now() - woken) / 1000).toBeLessThan(1);
    }
  });
});
