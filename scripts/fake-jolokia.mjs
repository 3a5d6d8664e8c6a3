// @ts-check
// The one fake Jolokia agent of the project: a local HTTP(S) server that speaks just enough of the
// Jolokia protocol to give the plugins each answer a real agent can give. The fault tests
// (test/support/fake-agent.ts), the benchmarks (bench-lib.mjs, bench-layout.mjs) and the simulated
// cluster (simulated-cluster.mjs) all build on it.
//
// A fake server is only for what a real agent cannot be made to show (hangs, garbage, resets) and
// for benchmarks and simulated scale. What the plugins claim about Cassandra is proven on the real
// node and the real cluster in test/integration (scripts/cassandra/harness.mjs).
//
// Plain JavaScript (ESM) with JSDoc types, as harness.mjs is, so that `node` runs the benchmarks as
// they are and TypeScript checks the tests that import it. Only node: built-ins.

import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';

/**
 * What the server does with each request, once its whole body has arrived.
 * @callback Handler
 * @param {import('node:http').IncomingMessage} request
 * @param {string} body
 * @param {import('node:http').ServerResponse} response
 * @returns {void}
 */

/**
 * @typedef {object} ReceivedRequest
 * @property {string} url
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string} body
 */

/**
 * @typedef {object} FakeJolokiaOptions
 * @property {{ readonly cert: string, readonly key: string }} [tls] serve HTTPS with this certificate and key (PEM)
 * @property {string} [host] the address to listen on; default 127.0.0.1 (anything else in 127/8 works on Linux)
 * @property {number} [port] default: a free one (the members of a simulated cluster share one)
 * @property {boolean} [record] keep each request in `received` (default true; a long-running simulation does not)
 */

/**
 * @typedef {object} FakeJolokia
 * @property {string} url `http(s)://host:port/jolokia`
 * @property {string} host
 * @property {number} port
 * @property {ReceivedRequest[]} received the requests received, in order (none kept with `record: false`)
 * @property {number} connections TCP connections accepted, whether or not a request followed (proves "nothing was sent")
 * @property {() => Promise<void>} close ends every open connection (a held one too) and stops listening
 */

/**
 * Starts a server on loopback that hands each request to `handler`.
 * @param {Handler} handler
 * @param {FakeJolokiaOptions} [options]
 * @returns {Promise<FakeJolokia>}
 */
export async function startFakeJolokia(handler, options = {}) {
  const host = options.host ?? '127.0.0.1';
  /** @type {ReceivedRequest[]} */
  const received = [];
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  let connections = 0;
  /** @type {import('node:http').RequestListener} */
  const onRequest = (request, response) => {
    /** @type {Buffer[]} */
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (options.record !== false) received.push({ url: request.url ?? '', headers: request.headers, body });
      handler(request, body, response);
    });
  };
  const server =
    options.tls === undefined
      ? createServer(onRequest)
      : createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest);
  // The TCP connection, before any TLS handshake: counted even when nothing else happens.
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that gives up (a plugin at its timeout) resets the connection: not the server's problem.
    socket.on('error', () => undefined);
  });
  // Nor is a client that gives up on the handshake.
  server.on('tlsClientError', () => undefined);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${host}:${port}/jolokia`,
    host,
    port,
    received,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}

/**
 * A Jolokia request as a client sends it (the plugins send reads, searches and execs).
 * @typedef {{ type: string, mbean?: string, attribute?: string, operation?: string, arguments?: unknown[] }} JolokiaRequest
 */

/**
 * The agent's response to one request, without the echo of the request (answering() adds it).
 * @typedef {{ status: number, value?: unknown, timestamp?: number, error?: string, error_type?: string }} JolokiaResponse
 */

/**
 * @callback Answerer
 * @param {JolokiaRequest} request
 * @returns {JolokiaResponse}
 */

/** @param {unknown} value @returns {JolokiaResponse} */
export const found = (value) => ({ status: 200, value });

/**
 * A 404 as the Jolokia 2.x agent words it: no such MBean, or no such attribute on it.
 * @param {JolokiaRequest} request
 * @param {'mbean' | 'attribute'} missing
 * @returns {JolokiaResponse}
 */
export function notFound(request, missing) {
  return missing === 'mbean'
    ? {
        status: 404,
        error_type: 'javax.management.InstanceNotFoundException',
        error: `javax.management.InstanceNotFoundException : ${request.mbean}`,
      }
    : {
        status: 404,
        error_type: 'javax.management.AttributeNotFoundException',
        error: `No such attribute: ${request.attribute}`,
      };
}

/**
 * A handler that answers like a Jolokia 2.x agent: a POST of one request or a bulk of them gets
 * one response per request, each echoing its request; a GET /read/<mbean>/<attribute> gets one.
 * @param {Answerer} answer
 * @param {{ contentType?: string }} [options] the Content-Type of the answers (a 1.x agent says text/plain)
 * @returns {Handler}
 */
export function answering(answer, options = {}) {
  return (request, body, response) => {
    /** @type {unknown} */
    let parsed;
    try {
      parsed = body === '' ? readFromPath(request.url ?? '') : JSON.parse(body);
    } catch {
      respond(
        response,
        400,
        JSON.stringify({
          status: 400,
          error_type: 'java.lang.IllegalArgumentException',
          error: 'Invalid JSON request',
        }),
      );
      return;
    }
    /** @param {JolokiaRequest} r */
    const answerFor = (r) => ({ ...answer(r), request: { type: r.type, mbean: r.mbean, attribute: r.attribute } });
    const answers = Array.isArray(parsed) ? parsed.map(answerFor) : answerFor(/** @type {JolokiaRequest} */ (parsed));
    respond(response, 200, JSON.stringify(answers), options.contentType ?? 'application/json;charset=utf-8');
  };
}

/**
 * A GET request's path, `/jolokia/read/<mbean>/<attribute>`, as the request it stands for.
 * @param {string} url
 * @returns {JolokiaRequest}
 */
function readFromPath(url) {
  const path = url.split('?')[0] ?? '';
  const at = path.indexOf('/read/');
  const [mbean, attribute] = path
    .slice(at === -1 ? path.length : at + '/read/'.length)
    .split('/')
    .map(decodeURIComponent);
  return { type: 'read', ...(mbean ? { mbean } : {}), ...(attribute ? { attribute } : {}) };
}

/**
 * Answers by attribute name, as for a node's StorageService: `values` maps attribute names to
 * values; any other attribute is a 404. With `mbeanMissing`, every MBean is a 404 (a JVM that is
 * no Cassandra node, or one still starting).
 * @param {Record<string, unknown>} values
 * @param {{ contentType?: string, mbeanMissing?: boolean }} [options]
 * @returns {Handler}
 */
export function attributeValues(values, options = {}) {
  return answering(
    (r) => {
      if (options.mbeanMissing) return notFound(r, 'mbean');
      if (r.attribute !== undefined && r.attribute in values)
        return { status: 200, value: values[r.attribute], timestamp: 1 };
      return notFound(r, 'attribute');
    },
    options.contentType === undefined ? {} : { contentType: options.contentType },
  );
}

/**
 * Writes a whole answer, with its length.
 * @param {import('node:http').ServerResponse} response
 * @param {number} status
 * @param {string | Buffer} body
 * @param {string} [contentType]
 */
export function respond(response, status, body, contentType = 'application/json') {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/**
 * The agent's answer to a request without (or with the wrong) credentials.
 * @param {import('node:http').ServerResponse} response
 */
export function refuse(response) {
  response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="jolokia"', 'Content-Length': 0 });
  response.end();
}

/**
 * Requires HTTP basic authentication before handing over to `next`.
 * @param {string} user
 * @param {string} password
 * @param {Handler} next
 * @returns {Handler}
 */
export function requireAuth(user, password, next) {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return (request, body, response) => {
    if (request.headers.authorization !== expected) refuse(response);
    else next(request, body, response);
  };
}
