// Local servers for the session tests: a scripted CQL peer (each request frame handed to the test,
// which answers as it likes: late, never, in pieces, with bytes that are no CQL), a port nobody
// listens on, and the cleanup that closes every server and socket a test opened. Only unit/cql/
// uses them; the fake CQL server itself is scripts/fake-cql.mjs.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';

export interface RequestFrame {
  readonly version: number;
  readonly stream: number;
  readonly opcode: number;
  readonly body: Buffer;
}

/** What a scripted peer does with one request; `socket` to write, end or destroy. */
export type Script = (request: RequestFrame, socket: Socket) => void;

/** Every server started and socket accepted, closed by `closeAll` (afterEach). */
const open = { servers: new Set<Server | TlsServer>(), sockets: new Set<Socket>() };

/** Follows a server's sockets so that `closeAll` can end them. */
export function track<S extends Server | TlsServer>(server: S): S {
  open.servers.add(server);
  server.on('connection', (socket: Socket) => {
    open.sockets.add(socket);
    socket.on('close', () => open.sockets.delete(socket));
    socket.on('error', () => undefined); // a client that gives up resets: not the test's failure
  });
  return server;
}

/** Also closes a socket the test made itself (a proxy's other leg). */
export function trackSocket(socket: Socket): Socket {
  open.sockets.add(socket);
  socket.on('close', () => open.sockets.delete(socket));
  socket.on('error', () => undefined);
  return socket;
}

export async function closeAll(): Promise<void> {
  for (const socket of open.sockets) socket.destroy();
  open.sockets.clear();
  const servers = [...open.servers];
  open.servers.clear();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
}

/** Listens on 127.0.0.1, a free port; the port. */
export async function listen(server: Server | TlsServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** A TCP server that cuts what each connection sends into frames and hands each to `script`. */
export async function scriptedServer(script: Script): Promise<number> {
  const server = track(
    createServer((socket) => {
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 9 && pending.length >= 9 + pending.readInt32BE(5)) {
          const length = pending.readInt32BE(5);
          const request = {
            version: pending[0]!,
            stream: pending.readInt16BE(2),
            opcode: pending[4]!,
            body: pending.subarray(9, 9 + length),
          };
          pending = pending.subarray(9 + length);
          script(request, socket);
        }
      });
    }),
  );
  return listen(server);
}

/** A TCP server that accepts and never says a word: a frozen node. */
export const silentServer = (): Promise<number> => scriptedServer(() => undefined);

/** A port on 127.0.0.1 that nobody listens on (just freed, so nothing took it since). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
