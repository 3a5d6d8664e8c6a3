// A local HTTP server that speaks just enough of the Jolokia protocol to give the plugins each
// answer a real agent can give, and the failures a real agent cannot be made to show (hangs,
// garbage, resets). What the plugins claim about Cassandra is proven on the real node in
// test/integration.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

export interface FakeAgent {
  readonly url: string;
  readonly port: number;
  /** Bodies of the requests received, in order. */
  readonly received: { url: string; headers: IncomingMessage['headers']; body: string }[];
  /** TCP connections accepted, whether or not a request followed (proves "nothing was sent"). */
  readonly connections: number;
  close(): Promise<void>;
}

export interface FakeAgentOptions {
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export async function startFakeAgent(handler: Handler, options: FakeAgentOptions = {}): Promise<FakeAgent> {
  const received: FakeAgent['received'] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ url: request.url ?? '', headers: request.headers, body });
      handler(request, body, response);
    });
  };
  const server: Server = options.tls === undefined ? createServer(onRequest) : createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest);
  // The TCP connection, before any TLS handshake: counted even when nothing else happens.
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that gives up on the handshake is not the server's problem.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}/jolokia`,
    port,
    received,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface RequestLike {
  type: string;
  mbean?: string;
  attribute?: string;
}

/**
 * Answers like a Jolokia 2.x agent: one result per request in the bulk, each echoing its
 * request. `values` maps attribute names to values; a missing attribute gets a 404 answer.
 */
export function jolokia(
  values: Record<string, unknown>,
  options: { contentType?: string; mbeanMissing?: boolean } = {},
): Handler {
  return (_request, body, response) => {
    const requests = JSON.parse(body) as RequestLike[];
    const answers = requests.map((r) => {
      const echo = { type: r.type, mbean: r.mbean, attribute: r.attribute };
      if (options.mbeanMissing) {
        return { status: 404, error_type: 'javax.management.InstanceNotFoundException', error: `javax.management.InstanceNotFoundException : ${r.mbean}`, request: echo };
      }
      if (r.attribute !== undefined && r.attribute in values) return { status: 200, value: values[r.attribute], timestamp: 1, request: echo };
      return { status: 404, error_type: 'javax.management.AttributeNotFoundException', error: `No such attribute: ${r.attribute}`, request: echo };
    });
    respond(response, 200, JSON.stringify(answers), options.contentType ?? 'application/json;charset=utf-8');
  };
}

export function respond(response: ServerResponse, status: number, body: string | Buffer, contentType = 'application/json'): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/** Requires HTTP basic authentication before handing over to `next`. */
export function requireAuth(user: string, password: string, next: Handler): Handler {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return (request, body, response) => {
    if (request.headers.authorization !== expected) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="jolokia"', 'Content-Length': 0 });
      response.end();
      return;
    }
    next(request, body, response);
  };
}

export const CASSANDRA_VALUES = (enabled: unknown): Record<string, unknown> => ({
  IncrementalBackupsEnabled: enabled,
  ReleaseVersion: '5.0.6',
});
