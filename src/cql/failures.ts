// CQL client: every way a session can fail, classified (errors.ts) and worded. The sentences say
// what happened and where; the checks add what the operator can change. Text the node sent is
// quoted short, and only from an ERROR frame (never a password: we send it, the node does not).

import { CqlError, ERROR_CODE } from './errors.js';
import { readError } from './protocol.js';

/** Where a session was: connecting, in the TLS handshake, waiting for STARTUP's answer, logging in, or asking. */
export type Phase = 'connect' | 'handshake' | 'startup' | 'login' | 'query';

const UNTRUSTED = new Set([
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
]);

export function stalled(where: string, phase: Phase, deadline: number): CqlError {
  const late = (what: string) => new CqlError('timeout', `${what} (timeout at ${new Date(deadline).toISOString()})`);
  switch (phase) {
    case 'connect':
      return late(`No connection to ${where} in time (node down, or packets dropped by a firewall?)`);
    case 'handshake':
      return late(`Connected to ${where}, but the TLS handshake did not finish in time (is the node frozen?)`);
    case 'startup':
    case 'login':
      return late(
        phase === 'startup'
          ? `${where} accepted the connection but did not answer the protocol's STARTUP in time: is the node frozen, is this not its native port, or does it want TLS (--ssl)?`
          : `${where} did not answer the login in time (is the node frozen?)`,
      );
    case 'query':
      return late(`${where} did not answer the query in time (is the node frozen or overloaded?)`);
  }
}

/** A socket error or close, worded for the phase it happened in. */
export function socketFailure(
  where: string,
  phase: Phase,
  error: { code?: string | undefined; message: string },
): CqlError {
  const code = error.code ?? '';
  const cannot = `Cannot connect to Cassandra's native port at ${where}`;
  if (UNTRUSTED.has(code))
    return new CqlError('trust', `${cannot}: its TLS certificate is not trusted (${code})`, { cause: error });
  if (code === 'ECONNREFUSED')
    return new CqlError('connection', `${cannot}: connection refused (node down, or its native transport off?)`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME')
    return new CqlError('connection', `${cannot}: the host name does not resolve`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL')
    return new CqlError('connection', `${cannot}: host unreachable (${code})`);
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS'))
    return new CqlError(
      'not-cql',
      `${cannot}: the TLS handshake failed (${code}): does the node encrypt client connections?`,
    );
  if (code === 'CLOSED' || code === 'ECONNRESET' || code === 'EPIPE') {
    if (phase === 'startup')
      return new CqlError(
        'not-cql',
        `${where} closed the connection without answering the protocol's STARTUP: is this Cassandra's native port, and does it want TLS (--ssl)?`,
      );
    return new CqlError(
      'connection',
      `${where} closed the connection (${phase === 'connect' ? 'while connecting' : `during the ${phase}`})`,
    );
  }
  return new CqlError('connection', `${cannot}: ${code === '' ? error.message : `${code}: ${error.message}`}`);
}

/** TLS files node:tls refuses before connecting: a PEM it cannot parse, a key that is not the certificate's. */
export function unusableTls(where: string, error: unknown): CqlError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CqlError(
    'tls-files',
    `Cannot connect to Cassandra's native port at ${where}: the TLS files given cannot be used (${reason})`,
    { cause: error },
  );
}

/**
 * An answer that is not the one expected: an ERROR frame (worded by its code), another opcode,
 * or bytes that are no CQL frame at all (`opcode` undefined, `bytes` what came).
 */
export function answerFailure(where: string, phase: Phase, opcode: number | undefined, bytes?: Buffer): CqlError {
  if (opcode === undefined) {
    const start = printable((bytes ?? Buffer.alloc(0)).subarray(0, 24).toString('latin1'));
    return new CqlError('not-cql', `${where} does not speak the CQL native protocol (it answered "${start}")`);
  }
  if (opcode !== 0x00)
    return new CqlError('not-cql', `${where} answered the ${phase} with unexpected opcode ${opcode}`);
  let code: number;
  let message: string;
  try {
    ({ code, message } = readError(bytes ?? Buffer.alloc(0)));
  } catch {
    return new CqlError('not-cql', `${where} answered the ${phase} with a malformed ERROR frame`);
  }
  const said = `"${printable(message).slice(0, 160)}"`;
  if (code === ERROR_CODE.badCredentials)
    return new CqlError('login-refused', `${where} refused the login: ${said}`, { code });
  if (code === ERROR_CODE.unauthorized)
    return new CqlError('permission', `${where} refused the query: ${said}`, { code });
  if (code === ERROR_CODE.invalid && /does not exist|unconfigured table|undefined column/i.test(message))
    return new CqlError('no-such-table', `${where} has no such table or column: ${said}`, { code });
  if (code === ERROR_CODE.protocol && /protocol version/i.test(message))
    return new CqlError('not-cql', `${where} does not speak CQL native protocol v4: ${said}`, { code });
  return new CqlError(
    'server',
    `${where} answered the ${phase} with error 0x${code.toString(16).padStart(4, '0')}: ${said}`,
    {
      code,
    },
  );
}

/** The login's failure: a refused password stays a credentials failure, with the user named. */
export function loginRefused(error: unknown, user: string, where: string): unknown {
  if (error instanceof CqlError && error.kind === 'login-refused')
    return new CqlError('login-refused', `Login refused for user ${user} at ${where}: check the user and password`, {
      code: ERROR_CODE.badCredentials,
    });
  return error;
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '.');
}
