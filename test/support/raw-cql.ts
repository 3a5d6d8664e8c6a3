// A raw CQL native protocol client over node:net, for what a driver hides: frames split across
// TCP chunks or joined in one, stream ids, other protocol versions, and the bare cost of many
// connections (test/plugin/fake-cql.test.ts). Only what those tests send and read.

import { connect, type Socket } from 'node:net';

export const OPCODE = {
  ERROR: 0x00,
  STARTUP: 0x01,
  READY: 0x02,
  AUTHENTICATE: 0x03,
  OPTIONS: 0x05,
  SUPPORTED: 0x06,
  QUERY: 0x07,
  RESULT: 0x08,
  AUTH_RESPONSE: 0x0f,
  AUTH_SUCCESS: 0x10,
} as const;

export interface Frame {
  version: number;
  stream: number;
  opcode: number;
  body: Buffer;
}

const short = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const int = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const string = (s: string) => Buffer.concat([short(Buffer.byteLength(s)), Buffer.from(s)]);

/** A request frame; `version` other than 4 to see the server refuse it. */
export function request(stream: number, opcode: number, body: Buffer, version = 4): Buffer {
  const header = Buffer.alloc(9);
  header[0] = version;
  header.writeInt16BE(stream, 2);
  header[4] = opcode;
  header.writeInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

/** The body of a STARTUP: the one option a server requires. */
export const startupBody = () => Buffer.concat([short(1), string('CQL_VERSION'), string('3.0.0')]);

/** The body of an AUTH_RESPONSE for PasswordAuthenticator: SASL PLAIN as [bytes]. */
export function saslPlainBody(user: string, password: string): Buffer {
  const token = Buffer.from(`\0${user}\0${password}`);
  return Buffer.concat([int(token.length), token]);
}

/** The body of a QUERY at consistency ONE, no values, no flags. */
export function queryBody(cql: string): Buffer {
  const text = Buffer.from(cql);
  return Buffer.concat([int(text.length), text, short(0x0001), Buffer.from([0])]);
}

/** The code and message of an ERROR body. */
export function errorOf(frame: Frame): { code: number; message: string } {
  const length = frame.body.readUInt16BE(4);
  return { code: frame.body.readInt32BE(0), message: frame.body.subarray(6, 6 + length).toString() };
}

/** The kind of a RESULT and, for Rows, how many rows (their metadata skipped by its length). */
export function rowCountOf(frame: Frame): { kind: number; rows: number } {
  const kind = frame.body.readInt32BE(0);
  const columns = frame.body.readInt32BE(8); // after kind and flags; the global table spec follows
  let at = 12;
  const skipString = () => {
    at += 2 + frame.body.readUInt16BE(at);
  };
  skipString(); // keyspace
  skipString(); // table
  for (let i = 0; i < columns; i++) {
    skipString();
    const id = frame.body.readUInt16BE(at);
    at += id >= 0x20 ? 4 : 2; // a set's element type follows its id
  }
  return { kind, rows: frame.body.readInt32BE(at) };
}

/** One connection: what is sent, and the frames that come back, in order. */
export class RawCql {
  private pending = Buffer.alloc(0);
  private readonly frames: Frame[] = [];
  private readonly waiting: ((frame: Frame | undefined) => void)[] = [];
  /** Set when the server closed or reset the connection. */
  ended = false;
  /** The bytes received that were no frame of any version (an HTTP answer, say). */
  raw = Buffer.alloc(0);

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('close', () => {
      this.ended = true;
      for (const wake of this.waiting.splice(0)) wake(undefined);
    });
    socket.on('error', () => undefined);
  }

  static open(host: string, port: number): Promise<RawCql> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true }, () => {
        socket.off('error', reject);
        resolve(new RawCql(socket));
      });
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next frame, or undefined when the connection ends first. */
  next(): Promise<Frame | undefined> {
    const frame = this.frames.shift();
    if (frame !== undefined || this.ended) return Promise.resolve(frame);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends one request and waits for the next frame. */
  async ask(stream: number, opcode: number, body: Buffer): Promise<Frame | undefined> {
    this.send(request(stream, opcode, body));
    return this.next();
  }

  close(): void {
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    this.raw = Buffer.concat([this.raw, chunk]);
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 9 && this.pending.length >= 9 + this.pending.readInt32BE(5)) {
      const length = this.pending.readInt32BE(5);
      const frame = {
        version: this.pending[0]!,
        stream: this.pending.readInt16BE(2),
        opcode: this.pending[4]!,
        body: this.pending.subarray(9, 9 + length),
      };
      this.pending = this.pending.subarray(9 + length);
      const wake = this.waiting.shift();
      if (wake === undefined) this.frames.push(frame);
      else wake(frame);
    }
  }
}
