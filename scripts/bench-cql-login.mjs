// @ts-check
// What the server's password check costs: CQL native protocol v4 on raw connections, timed frame
// by frame. Each connection sends STARTUP, then the PasswordAuthenticator login (SASL PLAIN in an
// AUTH_RESPONSE), timed to its AUTH_SUCCESS, then one SELECT, timed to its RESULT. The server
// checks the password with bcrypt; with credentials_validity 0 ms it does so on every login.
// Only node: built-ins.

import { connect } from 'node:net';
import { int, longString, OPCODES, short, string } from './cql-codec.mjs';
import { median } from './bench-lib.mjs';

/**
 * Median login and query times, each on a fresh connection.
 * @param {{ port: number, user: string, password: string, times: number, host?: string }} options
 * @returns {Promise<{ loginMs: number, queryMs: number, times: number }>}
 */
export async function loginTimes({ port, user, password, times, host = '127.0.0.1' }) {
  const logins = [];
  const queries = [];
  for (let i = 0; i < times; i++) {
    const connection = await rawConnection(host, port);
    try {
      await connection.ask(OPCODES.STARTUP, stringMap({ CQL_VERSION: '3.0.0' }), OPCODES.AUTHENTICATE);
      let started = process.hrtime.bigint();
      await connection.ask(OPCODES.AUTH_RESPONSE, bytes(Buffer.from(`\0${user}\0${password}`)), OPCODES.AUTH_SUCCESS);
      logins.push(Number(process.hrtime.bigint() - started) / 1e6);
      started = process.hrtime.bigint();
      const query = Buffer.concat([
        longString('SELECT release_version FROM system.local'),
        short(0x0001),
        Buffer.of(0),
      ]);
      await connection.ask(OPCODES.QUERY, query, OPCODES.RESULT);
      queries.push(Number(process.hrtime.bigint() - started) / 1e6);
    } finally {
      connection.close();
    }
  }
  return { loginMs: median(logins), queryMs: median(queries), times };
}

/**
 * @typedef {object} RawConnection
 * @property {(opcode: number, body: Buffer, expected: number) => Promise<{ opcode: number, body: Buffer }>} ask
 * @property {() => void} close
 */

/**
 * One connection, one request at a time on stream 0.
 * @param {string} host
 * @param {number} port
 * @returns {Promise<RawConnection>}
 */
function rawConnection(host, port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    let pending = Buffer.alloc(0);
    /** @type {((frame: { opcode: number, body: Buffer }) => void) | undefined} */
    let waiting;
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 9 || pending.length < 9 + pending.readInt32BE(5)) return;
      const length = pending.readInt32BE(5);
      const answer = { opcode: pending[4] ?? -1, body: pending.subarray(9, 9 + length) };
      pending = pending.subarray(9 + length);
      waiting?.(answer);
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        /** @param {number} opcode @param {Buffer} body @param {number} expected */
        ask: (opcode, body, expected) =>
          new Promise((answered, failed) => {
            waiting = (frame) => {
              if (frame.opcode === expected) answered(frame);
              else failed(new Error(`opcode ${frame.opcode} where ${expected} was expected: ${frame.body.toString()}`));
            };
            const header = Buffer.alloc(9);
            header[0] = 0x04;
            header[4] = opcode;
            header.writeInt32BE(body.length, 5);
            socket.write(Buffer.concat([header, body]));
          }),
        close: () => socket.destroy(),
      }),
    );
  });
}

/** @param {Buffer} b */
const bytes = (b) => Buffer.concat([int(b.length), b]);
/** @param {Record<string, string>} map */
const stringMap = (map) =>
  Buffer.concat([short(Object.keys(map).length), ...Object.entries(map).flatMap(([k, v]) => [string(k), string(v)])]);
