// CQL client: one error type, with what kind of failure it was. The kinds are what a check tells
// apart (the node is down, the login was refused, a role lacks a grant, the version has no such
// table); the message is a sentence that says what happened and where. They are CheckErrors, so
// the runtime reports them as UNKNOWN (or, for timeouts, the --timeout-state).

import { CheckError } from '../runtime/errors.js';

export type CqlFailureKind =
  /** No connection, or it broke. */
  | 'connection'
  /** The deadline passed. */
  | 'timeout'
  /** The node's certificate is not trusted. */
  | 'trust'
  /** The TLS files given (CA, client certificate, key) cannot be used: nothing was sent. */
  | 'tls-files'
  /** The node asks for a login and no credentials were given. */
  | 'login-required'
  /** The node refused the user and password. */
  | 'login-refused'
  /** Logged in, but the role may not read what was asked (CQL error 0x2100). */
  | 'permission'
  /** The query names a keyspace or table this node does not have (CQL error 0x2200). */
  | 'no-such-table'
  /** The other side does not speak the CQL native protocol. */
  | 'not-cql'
  /** Any other error the node answered with. */
  | 'server';

export class CqlError extends CheckError {
  override name = 'CqlError';
  readonly kind: CqlFailureKind;
  /** The protocol's error code, when the node answered with an ERROR. */
  readonly code: number | undefined;

  constructor(kind: CqlFailureKind, message: string, options: { code?: number; cause?: unknown } = {}) {
    super(message, { timedOut: kind === 'timeout', cause: options.cause });
    this.kind = kind;
    this.code = options.code;
  }
}

/** The protocol's error codes that a check words on its own (native_protocol_v4.spec, section 9). */
export const ERROR_CODE = {
  protocol: 0x000a,
  badCredentials: 0x0100,
  unauthorized: 0x2100,
  invalid: 0x2200,
} as const;
