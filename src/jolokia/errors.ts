// Jolokia client: one error type for each way a request can fail, kept apart as the agent's own
// client does: the transport failed, HTTP said no, the body made no sense, or the agent answered
// with an error inside a 200. Each message is a sentence an operator can act on, naming the URL
// without credentials. They are CheckErrors: the runtime reports them as UNKNOWN (or, for
// timeouts, the --timeout-state).

import { CheckError } from '../runtime/errors.js';

export abstract class JolokiaError extends CheckError {
  abstract readonly kind: string;
}

export type ConnectionFailure =
  | 'refused'
  | 'unresolved'
  | 'unreachable'
  | 'reset'
  | 'tls-untrusted'
  | 'tls-hostname'
  | 'tls-expired'
  | 'tls-handshake'
  | 'other';

export class JolokiaConnectionError extends JolokiaError {
  override name = 'JolokiaConnectionError';
  readonly kind = 'connection';
  constructor(
    readonly failure: ConnectionFailure,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

/** connect: no TCP connection; handshake: TCP, but no TLS; response: connected, no answer; body: answer started, then stalled. */
export type TimeoutPhase = 'connect' | 'handshake' | 'response' | 'body';

export class JolokiaTimeoutError extends JolokiaError {
  override name = 'JolokiaTimeoutError';
  readonly kind = 'timeout';
  constructor(
    readonly phase: TimeoutPhase,
    message: string,
  ) {
    super(message, { timedOut: true });
  }
}

export class JolokiaHttpError extends JolokiaError {
  override name = 'JolokiaHttpError';
  readonly kind = 'http';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP 401: no credentials were given, or the agent refused them. */
export class JolokiaAuthenticationError extends JolokiaHttpError {
  override name = 'JolokiaAuthenticationError';
}

/** The body is not a Jolokia answer: not JSON, not UTF-8, the wrong shape, or too large. */
export class JolokiaProtocolError extends JolokiaError {
  override name = 'JolokiaProtocolError';
  readonly kind = 'protocol';
}

/** The agent answered, but with an error for this request (inner status 4xx/5xx). */
export class JolokiaAgentError extends JolokiaError {
  override name = 'JolokiaAgentError';
  readonly kind = 'agent';
  constructor(
    readonly status: number,
    readonly errorType: string | undefined,
    message: string,
  ) {
    super(message);
  }
}
