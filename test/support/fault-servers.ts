// Local servers that misbehave below HTTP, for the fault suite: a raw TCP "agent" that does
// whatever a test tells it with the socket, a listener that never accepts (the kernel drops the
// SYNs, as a firewall would), and a port nothing listens on. Loopback only. None of them imitates
// Jolokia (they speak no protocol, or half of one on purpose): the one fake Jolokia agent is
// scripts/fake-jolokia.mjs (test/support/fake-agent.ts).

import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { freePorts } from '../../scripts/cassandra/harness.mjs';

export interface RawAgent {
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted. */
  readonly connections: number;
  /** Bytes the server wrote, over all connections. */
  readonly bytesWritten: number;
  close(): Promise<void>;
}

/**
 * A TCP server that hands each connection to `onRequest` once the first bytes of a request
 * arrived (the plugin sends its whole POST at once). What it writes back, and when, is up to it.
 */
export async function startRawAgent(onRequest: (socket: Socket) => void): Promise<RawAgent> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let closedBytes = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => {
      closedBytes += socket.bytesWritten;
      sockets.delete(socket);
    });
    socket.on('error', () => undefined);
    socket.once('data', () => onRequest(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jolokia`,
    port,
    get connections() {
      return connections;
    },
    get bytesWritten() {
      let n = 0;
      for (const s of sockets) n += s.bytesWritten;
      return n + closedBytes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** HTTP response head, as a raw agent writes it. */
export function head(status: number, headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return [`HTTP/1.1 ${status} X`, ...lines, '', ''].join('\r\n');
}

export interface Blackhole {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A port whose SYNs go unanswered, like a host behind a firewall that drops packets — without a
 * packet leaving loopback and without root. A listener with a backlog of 1 lives in a worker
 * thread whose event loop is blocked, so it never accepts; the test fills its accept queue, and
 * from then on the kernel drops every new SYN (Linux: tcp_conn_request, "listen queue overflow").
 * A client's connect then hangs until its own timeout.
 */
export async function startBlackhole(): Promise<Blackhole> {
  const wake = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const server = require('node:net').createServer();
     server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       // Blocks this thread's event loop: nothing is accepted until the test wakes it (60 s at most).
       Atomics.wait(workerData.wake, 0, 0, 60000);
       server.close();
       process.exit(0);
     });`,
    { eval: true, workerData: { wake } },
  );
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  // Fill the accept queue: connections complete until it is full; the first that does not is
  // the proof that SYNs are now dropped.
  const fillers: Socket[] = [];
  let dropped = false;
  for (let i = 0; i < 16 && !dropped; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    fillers.push(socket);
    dropped = !(await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 250);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    }));
  }
  const close = async (): Promise<void> => {
    for (const socket of fillers) socket.destroy();
    Atomics.store(wake, 0, 1);
    Atomics.notify(wake, 0);
    await worker.terminate();
  };
  if (!dropped) {
    await close();
    throw new Error('blackhole: the accept queue never filled (SYNs are not dropped on this system)');
  }
  return { port, close };
}

/** A port nothing listens on: bind one, note it, close it. */
export async function closedPort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}

/**
 * A host name that does not resolve, answered on this machine: in the `.invalid` TLD (RFC 6761)
 * and with an empty label, so the C library refuses to build the DNS query and getaddrinfo fails
 * with EAI_NONAME (ENOTFOUND), the same error as an NXDOMAIN, without a packet leaving loopback.
 * A plain `cass1.invalid` is not enough: glibc does not special-case `.invalid` and sends the
 * query to the configured name server (on the machine this was written on, one off loopback).
 */
export const UNRESOLVABLE_HOST = 'cassandra..invalid';
