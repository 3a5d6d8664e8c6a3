// @ts-check
// One fake CQL server: a TCP server that speaks just enough of the native protocol v4 (unencrypted)
// for a client to log in and read tables: frames (several in flight on a connection, split or
// joined across TCP chunks), OPTIONS, STARTUP, an optional PasswordAuthenticator login (SASL
// PLAIN), REGISTER, and QUERY of `SELECT <columns | *> FROM <keyspace>.<table> [WHERE <column>
// = '<value>' | IN ('<value>', …)]`, answered from tables given as data. Any other protocol
// version gets the protocol error a real node sends, in a v4 frame, so clients negotiate down to 4.
//
// One listening socket can stand for many members: bound to 0.0.0.0, it asks `endpoint` what the
// address a connection came to (socket.localAddress; all of 127/8 is loopback on Linux) is.
// scripts/simulated-cql-cluster.mjs builds a cluster of 1,000 on it. Like fake-jolokia.mjs, it is
// for scale and for failures on cue only; what is claimed about Cassandra is proven on real nodes.
//
// Only node: built-ins.

import { createServer } from 'node:net';
import {
  errorBody,
  frame,
  OPCODE_NAMES,
  OPCODES,
  parseSelect,
  reader,
  rowsBody,
  string,
  stringMap,
  stringMultimap,
} from './cql-codec.mjs';

/** @typedef {import('./cql-codec.mjs').Table} Table */
/** @typedef {import('./cql-codec.mjs').CqlError} CqlError */

/**
 * What one connection meets at the address it came to: a node that answers, one that accepts and
 * never answers, one that resets the connection, or something that is no CQL server (an HTTP 400).
 * @typedef {object} Endpoint
 * @property {'answer' | 'hang' | 'refuse' | 'garbage'} conduct
 * @property {(keyspace: string, table: string) => Table | CqlError | undefined} table a table, an
 *   error to answer instead (a missing permission), or undefined for one that does not exist
 */

/**
 * @typedef {object} FakeCqlOptions
 * @property {(localAddress: string) => Endpoint | undefined} endpoint by the address connected to;
 *   undefined: nobody there, the connection is reset
 * @property {string} [host] the address to listen on; default 127.0.0.1, 0.0.0.0 for many members
 * @property {number} [port] default: a free one
 * @property {{ user: string, password: string }} [credentials] require a PasswordAuthenticator login
 * @property {[number, number]} [latencyMs] each answer waits a random time in this range, default [0, 0]
 */

/**
 * @typedef {object} FakeCql
 * @property {string} host
 * @property {number} port
 * @property {number} connections TCP connections accepted
 * @property {() => Promise<void>} close ends every open connection (a held one too) and stops listening
 */

const HEADER = 9;
const MAX_BODY = 16 * 1024 * 1024; // a length over this is garbage, not waited for
const EMPTY = Buffer.alloc(0);
const AUTHENTICATOR = 'org.apache.cassandra.auth.PasswordAuthenticator';
const HTTP_400 =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request';

/**
 * Starts a server that serves each connection as `options.endpoint` says.
 * @param {FakeCqlOptions} options
 * @returns {Promise<FakeCql>}
 */
export async function startFakeCql(options) {
  const host = options.host ?? '127.0.0.1';
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  let connections = 0;
  const server = createServer({ noDelay: true }, (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that gives up resets the connection: not the server's problem.
    socket.on('error', () => undefined);
    serve(socket, options);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, 1024, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    host,
    port,
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
 * One connection, as its endpoint behaves.
 * @param {import('node:net').Socket} socket
 * @param {FakeCqlOptions} options
 */
function serve(socket, options) {
  const endpoint = options.endpoint(socket.localAddress ?? '');
  if (endpoint === undefined || endpoint.conduct === 'refuse') {
    socket.resetAndDestroy();
    return;
  }
  if (endpoint.conduct === 'hang') return; // held, unread, until close()
  const send = sender(socket, options.latencyMs ?? [0, 0]);
  if (endpoint.conduct === 'garbage') {
    socket.once('data', () => send(Buffer.from(HTTP_400), true));
    return;
  }
  const session = new Session(endpoint, options.credentials);
  readFrames(socket, (request) => {
    const answer = session.answer(request);
    send(frame(request.stream, answer.opcode, answer.body), answer.close === true);
  });
}

/**
 * Writes an answer after the latency; `end` closes the connection after it.
 * @param {import('node:net').Socket} socket
 * @param {[number, number]} latencyMs
 * @returns {(bytes: Buffer, end: boolean) => void}
 */
function sender(socket, [min, max]) {
  return (bytes, end) => {
    const write = () => {
      if (!socket.writable) return;
      if (end) socket.end(bytes);
      else socket.write(bytes);
    };
    const delay = min + Math.random() * (max - min);
    if (delay > 0) setTimeout(write, delay);
    else write();
  };
}

/**
 * @typedef {object} Request
 * @property {number} version the first byte of the header
 * @property {number} stream
 * @property {number} opcode
 * @property {Buffer} body
 * @property {number} [tooLong] the length the header claims, when over the limit (the body is not read)
 */

/**
 * Cuts the bytes of a connection into frames, however TCP chunks them. A header that is no v4
 * request is handed on as it is (the session answers it) and ends the reading.
 * @param {import('node:net').Socket} socket
 * @param {(request: Request) => void} onRequest
 */
function readFrames(socket, onRequest) {
  /** @type {Buffer} */
  let pending = Buffer.alloc(0);
  /** @param {Buffer} chunk */
  const onData = (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= HEADER) {
      const version = pending[0] ?? 0;
      const stream = pending.readInt16BE(2);
      const opcode = pending[4] ?? 0;
      const length = pending.readInt32BE(5);
      if (version !== 0x04 || length < 0 || length > MAX_BODY) {
        socket.off('data', onData);
        onRequest({ version, stream, opcode, body: EMPTY, ...(version === 0x04 ? { tooLong: length } : {}) });
        return;
      }
      if (pending.length < HEADER + length) return;
      onRequest({ version, stream, opcode, body: pending.subarray(HEADER, HEADER + length) });
      pending = pending.subarray(HEADER + length);
    }
  };
  socket.on('data', onData);
}

/** @typedef {{ opcode: number, body: Buffer, close?: boolean }} Answer */

/**
 * @param {number} code
 * @param {string} message
 * @param {boolean} [close]
 * @returns {Answer}
 */
const failure = (code, message, close = false) => ({ opcode: OPCODES.ERROR, body: errorBody(code, message), close });
const PROTOCOL_ERROR = 0x000a;

/** One connection's state: new, logging in, or ready for queries. */
class Session {
  /**
   * @param {Endpoint} endpoint
   * @param {{ user: string, password: string } | undefined} credentials
   */
  constructor(endpoint, credentials) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    /** @type {'new' | 'authenticating' | 'ready'} */
    this.state = 'new';
  }

  /**
   * The answer to one request; a body too short for what it claims is a protocol error.
   * @param {Request} request
   * @returns {Answer}
   */
  answer(request) {
    if (request.version !== 0x04) {
      // As Cassandra words it; the connection is closed after it, and the client tries a lower version.
      const message = `Invalid or unsupported protocol version (${request.version}); supported versions are (4/v4)`;
      return failure(PROTOCOL_ERROR, message, true);
    }
    if (request.tooLong !== undefined)
      return failure(PROTOCOL_ERROR, `Invalid frame body length ${request.tooLong} (at most ${MAX_BODY})`, true);
    try {
      return this.dispatch(request.opcode, request.body);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return failure(PROTOCOL_ERROR, `Invalid ${OPCODE_NAMES.get(request.opcode)} message: ${error.message}`);
    }
  }

  /**
   * @param {number} opcode
   * @param {Buffer} body
   * @returns {Answer}
   */
  dispatch(opcode, body) {
    if (opcode === OPCODES.OPTIONS)
      return {
        opcode: OPCODES.SUPPORTED,
        body: stringMultimap({ CQL_VERSION: ['3.4.7'], COMPRESSION: [], PROTOCOL_VERSIONS: ['4/v4'] }),
      };
    const expected = { new: 'STARTUP', authenticating: 'AUTH_RESPONSE', ready: undefined }[this.state];
    const name = OPCODE_NAMES.get(opcode) ?? `opcode ${opcode}`;
    if (expected !== undefined && name !== expected)
      return failure(PROTOCOL_ERROR, `Unexpected message ${name}, expecting ${expected} or OPTIONS`);
    if (opcode === OPCODES.STARTUP) return this.startup(body);
    if (opcode === OPCODES.AUTH_RESPONSE) return this.login(body);
    if (opcode === OPCODES.REGISTER) return { opcode: OPCODES.READY, body: EMPTY };
    if (opcode === OPCODES.QUERY) return this.query(body);
    return failure(PROTOCOL_ERROR, `${name} is not something this fake CQL server answers`);
  }

  /** @param {Buffer} body @returns {Answer} */
  startup(body) {
    if (this.state !== 'new') return failure(PROTOCOL_ERROR, 'Unexpected message STARTUP, the connection is ready');
    const options = stringMap(reader(body));
    if (options['CQL_VERSION'] === undefined) return failure(PROTOCOL_ERROR, 'Missing value CQL_VERSION in STARTUP');
    if (options['COMPRESSION'] !== undefined)
      return failure(PROTOCOL_ERROR, `Unknown compression algorithm: ${options['COMPRESSION']}`);
    if (this.credentials === undefined) {
      this.state = 'ready';
      return { opcode: OPCODES.READY, body: EMPTY };
    }
    this.state = 'authenticating';
    return { opcode: OPCODES.AUTHENTICATE, body: string(AUTHENTICATOR) };
  }

  /** SASL PLAIN: [authzid] NUL user NUL password. @param {Buffer} body @returns {Answer} */
  login(body) {
    const token = reader(body).bytes() ?? EMPTY;
    const [, user = '', password = ''] = token.toString('utf8').split('\0');
    if (user !== this.credentials?.user || password !== this.credentials.password)
      return failure(0x0100, `Provided username ${user} and/or password are incorrect`);
    this.state = 'ready';
    const noToken = Buffer.alloc(4);
    noToken.writeInt32BE(-1);
    return { opcode: OPCODES.AUTH_SUCCESS, body: noToken };
  }

  /** @param {Buffer} body @returns {Answer} */
  query(body) {
    const cql = reader(body).longString();
    const select = parseSelect(cql);
    if (select === undefined)
      return failure(0x2000, `line 1:0 this fake CQL server reads only SELECT … FROM <keyspace>.<table>: ${cql}`);
    if (select.keyspace === undefined)
      return failure(
        0x2200,
        'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename',
      );
    const table = this.endpoint.table(select.keyspace, select.table);
    if (table === undefined) return failure(0x2200, `table ${select.table} does not exist`);
    if ('code' in table) return failure(table.code, table.message);
    const rows = rowsBody(select.keyspace, select.table, table, select.columns, select.where);
    return typeof rows === 'string' ? failure(0x2200, rows) : { opcode: OPCODES.RESULT, body: rows };
  }
}
