// A fault-injecting TCP proxy, to put between a plugin and a real Jolokia agent: it passes the
// real protocol through and breaks it on purpose (delay, cut, truncate, stall, drip). Loopback only.

import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export type Fault =
  /** Everything through, untouched. */
  | { readonly kind: 'pass' }
  /** The agent's answer held back this long, then passed through. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** This many bytes of the answer, then a reset (RST) to the plugin. */
  | { readonly kind: 'cut'; readonly afterBytes: number }
  /** This many bytes of the answer, then a polite close (FIN). */
  | { readonly kind: 'truncate'; readonly afterBytes: number }
  /** This many bytes of the answer, then silence on a connection kept open. */
  | { readonly kind: 'stall'; readonly afterBytes: number }
  /** The answer one byte at a time, every `everyMs`. */
  | { readonly kind: 'drip'; readonly everyMs: number }
  /** This many bytes of the plugin's request reach the agent, then a reset to the plugin. */
  | { readonly kind: 'cut-request'; readonly afterBytes: number }
  /** Accepts, never connects to the agent, never answers. */
  | { readonly kind: 'blackhole' };

export interface ProxiedConnection {
  requestBytes: number;
  /** Bytes of the answer the agent sent to the proxy. */
  answerBytes: number;
  /** Bytes of the answer the proxy passed on to the plugin. */
  forwarded: number;
  /** The first 64 KB of the answer, as the agent sent it. */
  answerStart: Buffer;
}

export interface FaultProxy {
  /** The agent's URL with the proxy's port. */
  readonly url: string;
  fault: Fault;
  readonly connections: ProxiedConnection[];
  close(): Promise<void>;
}

export async function startFaultProxy(agentUrl: string): Promise<FaultProxy> {
  const target = new URL(agentUrl);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  };
  const proxy: FaultProxy = {
    url: '',
    fault: { kind: 'pass' },
    connections: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server = createServer((client) => {
    track(client);
    const fault = proxy.fault;
    const seen: ProxiedConnection = { requestBytes: 0, answerBytes: 0, forwarded: 0, answerStart: Buffer.alloc(0) };
    proxy.connections.push(seen);
    if (fault.kind === 'blackhole') return;

    const upstream = track(connect(Number(target.port), target.hostname));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      // The agent is done; what the plugin sees next depends on the fault.
      if (fault.kind === 'pass') client.end();
    });

    client.on('data', (chunk: Buffer) => {
      if (fault.kind === 'cut-request') {
        const room = fault.afterBytes - seen.requestBytes;
        if (room > 0) upstream.write(chunk.subarray(0, room));
        seen.requestBytes += Math.min(chunk.length, Math.max(room, 0));
        if (seen.requestBytes >= fault.afterBytes) {
          client.resetAndDestroy();
          upstream.destroy();
        }
        return;
      }
      seen.requestBytes += chunk.length;
      upstream.write(chunk);
    });

    let queue = Buffer.alloc(0);
    let released = fault.kind !== 'delay';
    let timer: NodeJS.Timeout | undefined;
    let upstreamEnded = false;
    const forward = (bytes: Buffer): void => {
      if (bytes.length === 0 || client.destroyed) return;
      seen.forwarded += bytes.length;
      client.write(bytes);
    };

    upstream.on('data', (chunk: Buffer) => {
      seen.answerBytes += chunk.length;
      if (seen.answerStart.length < 65536)
        seen.answerStart = Buffer.concat([seen.answerStart, chunk]).subarray(0, 65536);
      switch (fault.kind) {
        case 'pass':
          forward(chunk);
          return;
        case 'delay':
          queue = Buffer.concat([queue, chunk]);
          if (!released && timer === undefined) {
            timer = setTimeout(() => {
              released = true;
              forward(queue);
              queue = Buffer.alloc(0);
              if (upstreamEnded) client.end();
            }, fault.ms);
            timers.add(timer);
          } else if (released) forward(chunk);
          return;
        case 'cut':
        case 'truncate':
        case 'stall': {
          const room = fault.afterBytes - seen.forwarded;
          if (room > 0) forward(chunk.subarray(0, room));
          if (seen.forwarded >= fault.afterBytes) {
            if (fault.kind === 'cut') client.resetAndDestroy();
            if (fault.kind === 'truncate') client.end();
            // stall: keep the plugin's connection open and say nothing more
          }
          return;
        }
        case 'drip':
          queue = Buffer.concat([queue, chunk]);
          if (timer === undefined) {
            const drip = setInterval(() => {
              if (queue.length === 0) {
                if (upstreamEnded) client.end();
                return;
              }
              forward(queue.subarray(0, 1));
              queue = queue.subarray(1);
            }, fault.everyMs);
            timer = drip;
            timers.add(drip);
            client.on('close', () => clearInterval(drip));
          }
          return;
      }
    });
    upstream.on('end', () => {
      upstreamEnded = true;
      if (fault.kind === 'delay' && released) client.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(agentUrl);
  url.port = String(port);
  url.hostname = '127.0.0.1';
  Object.assign(proxy, { url: url.toString() });
  return proxy;
}

/** Where the head of an HTTP answer ends (the body starts): the offset after the blank line. */
export function headLength(answer: Buffer): number {
  const end = answer.indexOf('\r\n\r\n');
  if (end === -1) throw new Error('no complete HTTP head in the answer');
  return end + 4;
}
