// The wording and the kind of every failure (src/cql/failures.ts, errors.ts), called directly: the
// codes a socket can fail with, the ERROR codes a node answers with, what a node says quoted short
// and printable, and which failures count as timeouts. The session that raises them:
// session.test.ts, session-tls.test.ts.

import { describe, expect, it } from 'vitest';
import { CqlError } from '../../../src/cql/errors.js';
import { answerFailure, loginRefused, socketFailure, stalled, unusableTls } from '../../../src/cql/failures.js';
import { CheckError } from '../../../src/runtime/errors.js';
import { errorBody } from './encoder.js';

const WHERE = 'cass1:9042';
const CANNOT = "Cannot connect to Cassandra's native port at cass1:9042";

describe('socketFailure', () => {
  it('every certificate verdict node:tls gives is a trust failure, naming the code', () => {
    const codes = [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'UNABLE_TO_GET_ISSUER_CERT',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'CERT_UNTRUSTED',
      'CERT_SIGNATURE_FAILURE',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'CERT_HAS_EXPIRED',
      'CERT_NOT_YET_VALID',
    ];
    for (const code of codes) {
      const error = socketFailure(WHERE, 'handshake', { code, message: 'x' });
      expect([error.kind, error.message]).toEqual(['trust', `${CANNOT}: its TLS certificate is not trusted (${code})`]);
    }
  });

  it('refused, not resolving, unreachable: connection failures that say which', () => {
    const of = (code: string) => socketFailure(WHERE, 'connect', { code, message: 'x' });
    expect(of('ECONNREFUSED').message).toBe(`${CANNOT}: connection refused (node down, or its native transport off?)`);
    for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME'])
      expect(of(code).message).toBe(`${CANNOT}: the host name does not resolve`);
    for (const code of ['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])
      expect(of(code).message).toBe(`${CANNOT}: host unreachable (${code})`);
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH']) expect(of(code).kind).toBe('connection');
  });

  it('a TLS handshake that fails on protocol grounds: not-cql, asking whether the node encrypts', () => {
    for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO', 'ERR_TLS_HANDSHAKE_TIMEOUT']) {
      const error = socketFailure(WHERE, 'handshake', { code, message: 'x' });
      expect(error.kind).toBe('not-cql');
      expect(error.message).toBe(
        `${CANNOT}: the TLS handshake failed (${code}): does the node encrypt client connections?`,
      );
    }
  });

  it('a close: before STARTUP is answered not-cql (wrong port, or TLS wanted); otherwise connection, in its phase', () => {
    const closed = (phase: Parameters<typeof socketFailure>[1], code = 'CLOSED') =>
      socketFailure(WHERE, phase, { code, message: 'closed' });
    expect(closed('startup').kind).toBe('not-cql');
    expect(closed('startup', 'ECONNRESET').message).toBe(
      "cass1:9042 closed the connection without answering the protocol's STARTUP: is this Cassandra's native port, and does it want TLS (--ssl)?",
    );
    expect([closed('connect').kind, closed('connect').message]).toEqual([
      'connection',
      'cass1:9042 closed the connection (while connecting)',
    ]);
    expect(closed('login', 'EPIPE').message).toBe('cass1:9042 closed the connection (during the login)');
    expect(closed('query').message).toBe('cass1:9042 closed the connection (during the query)');
  });

  it('anything else: connection, with the code and the message, or the message alone', () => {
    expect(socketFailure(WHERE, 'query', { code: 'ETIMEDOUT', message: 'read ETIMEDOUT' }).message).toBe(
      `${CANNOT}: ETIMEDOUT: read ETIMEDOUT`,
    );
    expect(socketFailure(WHERE, 'query', { message: 'socket hang up' }).message).toBe(`${CANNOT}: socket hang up`);
  });
});

describe('answerFailure', () => {
  const answered = (code: number, message: string, phase: 'login' | 'query' = 'query') =>
    answerFailure(WHERE, phase, 0x00, errorBody(code, message));

  it('each ERROR code a check words on its own: its kind, and the code kept', () => {
    expect([answered(0x0100, 'bad', 'login').kind, answered(0x0100, 'bad').code]).toEqual(['login-refused', 0x0100]);
    expect(answered(0x2100, 'no SELECT').kind).toBe('permission');
    for (const message of ['table nope does not exist', 'unconfigured table nope', 'Undefined column name x'])
      expect(answered(0x2200, message).kind).toBe('no-such-table');
    expect(answered(0x2200, 'No keyspace has been specified').kind).toBe('server');
    expect(answered(0x000a, 'Invalid or unsupported protocol version (4)').kind).toBe('not-cql');
    expect(answered(0x000a, 'Unexpected message QUERY').kind).toBe('server');
  });

  it('any other code: server, the code in hex and the node’s words', () => {
    const error = answered(0x1001, 'Operation timed out - received only 0 responses.');
    expect([error.kind, error.code, error.message]).toEqual([
      'server',
      0x1001,
      'cass1:9042 answered the query with error 0x1001: "Operation timed out - received only 0 responses."',
    ]);
    expect(answered(0x0000, 'java.lang.NullPointerException').message).toContain('error 0x0000: ');
  });

  it('what the node says is quoted at most 160 characters long, non-printables as dots', () => {
    const error = answered(0x2000, `line 1:0 \u0007bad\r\n${'x'.repeat(300)}`);
    const quoted = /: "(.*)"$/.exec(error.message)?.[1] ?? '';
    expect(quoted).toHaveLength(160);
    expect(quoted.startsWith('line 1:0 .bad..xxx')).toBe(true);
    expect(answered(0x2000, 'Zürich').message).toMatch(/"Z.rich"$/); // read as UTF-8, then kept to ASCII
  });

  it('an ERROR too short to read, another opcode, bytes that are no frame', () => {
    expect(answerFailure(WHERE, 'query', 0x00, Buffer.from([0, 0])).message).toBe(
      'cass1:9042 answered the query with a malformed ERROR frame',
    );
    expect(answerFailure(WHERE, 'login', 0x0e).message).toBe('cass1:9042 answered the login with unexpected opcode 14');
    const noise = answerFailure(
      WHERE,
      'startup',
      undefined,
      Buffer.from('\x15\x03\x03\x00\x02\x02\x46 and 40 more bytes of it'),
    );
    expect([noise.kind, noise.message]).toEqual([
      'not-cql',
      'cass1:9042 does not speak the CQL native protocol (it answered "......F and 40 more byte")',
    ]);
  });
});

describe('the rest', () => {
  it('stalled: a timeout, timedOut set, the wait named, the deadline in UTC', () => {
    const deadline = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
    const words = {
      connect: 'No connection to cass1:9042 in time',
      handshake: 'the TLS handshake did not finish in time',
      startup: "did not answer the protocol's STARTUP in time",
      login: 'did not answer the login in time',
      query: 'did not answer the query in time',
    } as const;
    for (const [phase, said] of Object.entries(words)) {
      const error = stalled(WHERE, phase as keyof typeof words, deadline);
      expect([error.kind, error.timedOut]).toEqual(['timeout', true]);
      expect(error.message).toContain(said);
      expect(error.message).toMatch(/ \(timeout at 2025-01-02T03:04:05\.006Z\)$/);
    }
  });

  it('loginRefused: a refused login names the user; any other failure passes unchanged', () => {
    const refused = loginRefused(answerFailure(WHERE, 'login', 0x00, errorBody(0x0100, 'x')), 'monitor', WHERE);
    expect(refused).toMatchObject({ kind: 'login-refused', code: 0x0100 });
    expect((refused as CqlError).message).toBe(
      'Login refused for user monitor at cass1:9042: check the user and password',
    );
    const other = socketFailure(WHERE, 'login', { code: 'CLOSED', message: 'closed' });
    expect(loginRefused(other, 'monitor', WHERE)).toBe(other);
  });

  it('unusableTls: tls-files (not trust: the node was never asked), with node:tls’s reason', () => {
    const error = unusableTls(WHERE, new Error('error:05800074:x509 certificate routines::key values mismatch'));
    expect([error.kind, error.message]).toEqual([
      'tls-files',
      `${CANNOT}: the TLS files given cannot be used (error:05800074:x509 certificate routines::key values mismatch)`,
    ]);
  });

  it('CqlError: a CheckError, a timeout only when its kind is timeout', () => {
    const error = new CqlError('server', 'x', { code: 0x1000 });
    expect(error).toBeInstanceOf(CheckError);
    expect([error.name, error.timedOut, error.code]).toEqual(['CqlError', false, 0x1000]);
    expect(new CqlError('timeout', 'y').timedOut).toBe(true);
  });
});
