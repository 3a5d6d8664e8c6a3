// CQL client: one connection to one node's native port, logged in, asking queries. The deadline
// is the check's: every wait (connecting, the TLS handshake, the login, each answer) ends by it,
// and the message says which wait it was. One socket, requests told apart by stream id, so a
// check may ask several queries of a node at once.

import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { CqlError } from './errors.js';
import { answerFailure, loginRefused, socketFailure, stalled, unusableTls, type Phase } from './failures.js';
import {
  frame,
  HEADER_BYTES,
  MAX_FRAME_BYTES,
  OPCODE,
  plainAuthBody,
  PROTOCOL_VERSION,
  queryBody,
  readHeader,
  readRows,
  startupBody,
  type Row,
} from './protocol.js';

export interface CqlTls {
  /** PEM text of the CA(s) to trust instead of the system store. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Skip verification of the node's certificate. Only ever on explicit request. */
  readonly insecure?: boolean;
}

export interface CqlEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly password?: string;
  readonly tls?: CqlTls;
}

export interface CqlLimits {
  /** When to give up (ms since the epoch). */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /** Receives the protocol trace (-vvv); never the password. */
  readonly trace?: (line: string) => void;
}

interface Pending {
  readonly resolve: (answer: { opcode: number; body: Buffer }) => void;
  readonly reject: (error: Error) => void;
}

/** Opens a connection and logs in; the session is ready for queries. */
export async function openSession(endpoint: CqlEndpoint, limits: CqlLimits): Promise<CqlSession> {
  const session = new CqlSession(endpoint, limits);
  try {
    await session.start();
    return session;
  } catch (error) {
    session.close();
    throw error;
  }
}

export class CqlSession {
  /** host:port, as messages name the node. */
  readonly where: string;
  private socket: Socket | undefined;
  private phase: Phase = 'connect';
  private buffered: Buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, Pending>();
  private nextStream = 0;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.close();

  constructor(
    private readonly endpoint: CqlEndpoint,
    private readonly limits: CqlLimits,
  ) {
    this.where = `${isIP(endpoint.host) === 6 ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
  }

  async start(): Promise<void> {
    this.armDeadline();
    if (this.failure !== undefined) throw this.failure; // aborted before it began
    this.socket = await this.connect();
    this.phase = 'startup';
    this.trace('> STARTUP (protocol v4)');
    let answer = await this.request(OPCODE.startup, startupBody());
    if (answer.opcode === OPCODE.authenticate) {
      const { user, password } = this.endpoint;
      if (user === undefined || password === undefined)
        throw new CqlError(
          'login-required',
          `The node at ${this.where} requires a login (${authenticatorOf(answer.body)})`,
        );
      this.phase = 'login';
      this.trace(`> AUTH_RESPONSE (user ${user}, password hidden)`);
      answer = await this.request(OPCODE.authResponse, plainAuthBody(user, password)).catch((error: unknown) => {
        throw loginRefused(error, user, this.where);
      });
      if (answer.opcode !== OPCODE.authSuccess) throw answerFailure(this.where, 'login', answer.opcode);
      this.trace('< AUTH_SUCCESS');
    } else if (answer.opcode !== OPCODE.ready) throw answerFailure(this.where, 'startup', answer.opcode);
    else this.trace('< READY');
    this.phase = 'query';
  }

  /** The rows of one query. */
  async query(cql: string): Promise<Row[]> {
    this.trace(`> QUERY ${cql}`);
    const answer = await this.request(OPCODE.query, queryBody(cql));
    if (answer.opcode !== OPCODE.result) throw answerFailure(this.where, 'query', answer.opcode);
    try {
      const rows = readRows(answer.body);
      this.trace(`< RESULT ${rows.length} row(s)`);
      return rows;
    } catch (error) {
      throw new CqlError('not-cql', `The answer of ${this.where} to "${cql}" is malformed (${String(error)})`);
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.socket?.destroy();
    this.fail(new CqlError('connection', `The connection to ${this.where} was closed`));
  }

  private armDeadline(): void {
    const left = this.limits.deadline - Date.now();
    this.timer = setTimeout(() => this.fail(stalled(this.where, this.phase, this.limits.deadline)), Math.max(left, 0));
    this.timer.unref();
    this.limits.signal?.addEventListener('abort', this.onAbort, { once: true });
    // An abort event fires once: a signal aborted already (a check stopped) never sends it again.
    if (this.limits.signal?.aborted === true) this.close();
  }

  private async connect(): Promise<Socket> {
    const { host, port, tls } = this.endpoint;
    const socket = tls === undefined ? connectTcp({ host, port }) : await this.connectTls(host, port, tls);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(socketFailure(this.where, this.phase, error)));
    socket.on('close', () => this.fail(socketFailure(this.where, this.phase, { code: 'CLOSED', message: 'closed' })));
    await new Promise<void>((resolve, reject) => {
      const ready = tls === undefined ? 'connect' : 'secureConnect';
      socket.once(ready, () => {
        this.trace(`connected to ${this.where}${tls === undefined ? '' : ' (TLS)'}`);
        resolve();
      });
      this.pending.set(-1, { resolve: () => {}, reject });
      if (tls !== undefined) socket.once('connect', () => (this.phase = 'handshake'));
    });
    this.pending.delete(-1);
    return socket;
  }

  /** node:tls throws at once, before any byte is sent, on TLS files it cannot use (a key not the certificate's). */
  private async connectTls(host: string, port: number, tls: CqlTls): Promise<Socket> {
    const { connect } = await import('node:tls');
    try {
      return connect({
        host,
        port,
        ...(isIP(host) === 0 ? { servername: host } : {}),
        rejectUnauthorized: tls.insecure !== true,
        ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        ...(tls.cert === undefined ? {} : { cert: tls.cert, key: tls.key }),
      });
    } catch (error) {
      throw unusableTls(this.where, error);
    }
  }

  private request(opcode: number, body: Buffer): Promise<{ opcode: number; body: Buffer }> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const stream = this.nextStream;
    this.nextStream = (this.nextStream + 1) % 0x8000;
    return new Promise((resolve, reject) => {
      this.pending.set(stream, { resolve, reject });
      this.socket?.write(frame(stream, opcode, body));
    });
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= HEADER_BYTES) {
      const header = readHeader(this.buffered);
      if (header.version !== (0x80 | PROTOCOL_VERSION) || header.length < 0 || header.length > MAX_FRAME_BYTES) {
        this.fail(answerFailure(this.where, this.phase, undefined, this.buffered));
        return;
      }
      if (this.buffered.length < HEADER_BYTES + header.length) return;
      const body = this.buffered.subarray(HEADER_BYTES, HEADER_BYTES + header.length);
      this.buffered = this.buffered.subarray(HEADER_BYTES + header.length);
      const waiting = this.pending.get(header.stream);
      if (waiting === undefined) continue; // an event, or an answer to a request given up on
      this.pending.delete(header.stream);
      if (header.opcode === OPCODE.error) waiting.reject(answerFailure(this.where, this.phase, OPCODE.error, body));
      else waiting.resolve({ opcode: header.opcode, body });
    }
  }

  /** The first failure ends the session: every request waiting, and every one after, gets it. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    if (this.socket !== undefined && !this.socket.destroyed) this.socket.destroy();
    clearTimeout(this.timer);
    this.limits.signal?.removeEventListener('abort', this.onAbort);
  }

  private trace(line: string): void {
    this.limits.trace?.(`${this.where} ${line}`);
  }
}

function authenticatorOf(body: Buffer): string {
  const length = body.length >= 2 ? body.readUInt16BE(0) : 0;
  return body.subarray(2, 2 + length).toString('utf8') || 'an authenticator';
}
