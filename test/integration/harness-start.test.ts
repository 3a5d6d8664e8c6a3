// The harness's own start, when the node comes up but its main agent never answers (seen once in CI:
// the node served CQL after 15 s, its agent stayed silent until the 240 s deadline). A hand-written
// server that accepts and never answers holds the main agent's port: the real agent cannot bind it,
// the readiness poll gets no answer, as from a hung agent.

import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartFailed, startCassandra } from '../../scripts/cassandra/harness.mjs';

/** Accepts connections, reads what comes, never answers. */
function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const close = async (): Promise<void> => {
        for (const socket of sockets) socket.destroy();
        await new Promise((done) => server.close(() => done(undefined)));
      };
      resolve({ port, close });
    });
  });
}

/** Processes whose command line names `dir`. */
function processesUsing(dir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('a node whose main agent never answers', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  const logs: string[] = [];
  let failure: unknown;
  let tookMs = 0;

  beforeAll(async () => {
    silent = await silentServer();
    const t0 = Date.now();
    failure = await startCassandra({
      agents: { main: { port: silent.port }, other: {} },
      mainAgent: 'main',
      heap: '512M',
      agentSilenceMs: 3000,
      log: (message) => logs.push(message),
    }).then(
      async (node) => {
        await node.stop();
        return null;
      },
      (err: unknown) => err,
    );
    tookMs = Date.now() - t0;
  }, 600_000);
  afterAll(async () => silent?.close());

  it('fails as a failed start, naming the silent agent, after one fresh start, long before the deadline', () => {
    expect(failure).toBeInstanceOf(StartFailed);
    const message = (failure as Error).message;
    expect(message).toMatch(
      new RegExp(
        `the main agent http://127\\.0\\.0\\.1:${silent.port}/jolokia/ has not answered for \\d+ s while CQL is served`,
      ),
    );
    // The reason comes last too: a CI log shows the tail.
    expect(message.trim().split('\n').at(-1)).toMatch(/^=> Cassandra did not become ready: the main agent/);
    expect(logs.filter((line) => line.startsWith('start 1 of 2 failed, starting afresh:'))).toHaveLength(1);
    expect(logs.filter((line) => line.startsWith('starting Cassandra '))).toHaveLength(2);
    // Two starts with their silences, not the 240 s deadline.
    expect(tookMs).toBeLessThan(200_000);
  });

  it("quotes the real agent's refusal to bind and the threads of the agent that did start", () => {
    const message = (failure as Error).message;
    expect(message).toContain('Could not start Jolokia agent: java.net.BindException');
    const threads = message.slice(message.indexOf('--- agent threads ---'), message.indexOf('--- command ---'));
    // One agent started: its HTTP server's dispatcher thread, from the live JVM.
    expect(threads).toMatch(/^"HTTP-Dispatcher" #\d+ daemon/m);
    expect(threads).toContain('sun.net.httpserver.ServerImpl$Dispatcher.run');
  });

  it('leaves no JVM and no work dir behind', () => {
    const dirs = logs.flatMap((line) => /^starting Cassandra \S+ in (\S+) /.exec(line)?.[1] ?? []);
    expect(dirs).toHaveLength(2);
    for (const dir of dirs) {
      expect(fs.existsSync(dir), dir).toBe(false);
      expect(processesUsing(dir), dir).toEqual([]);
    }
  });
});
