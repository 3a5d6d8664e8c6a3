// Jolokia client: one error type for each way a request can fail, kept apart as the agent's own
// client does: the transport failed, HTTP said no, the body made no sense, or the agent answered
// with an error inside a 200. Each message is a sentence that says what happened and where (the
// URL without credentials); what the operator can change is a Remedy, which the command line
// words in terms of its own options. They are CheckErrors: the runtime reports them as UNKNOWN
// (or, for timeouts, the --timeout-state).

import { CheckError } from '../runtime/errors.js';

/** What the operator can change to get past a failure; the command line says how. */
export type Remedy =
  /** No agent at that URL: another path or URL. */
  | 'agent-location'
  /** The agent wants credentials and none were given. */
  | 'credentials'
  /** The agent's certificate is not trusted: its CA, or no verification. */
  | 'trust'
  /** The TLS files given (CA, client certificate, key) cannot be used. */
  | 'tls-files';

export abstract class JolokiaError extends CheckError {
  readonly remedy: Remedy | undefined;

  constructor(message: string, options: { remedy?: Remedy; timedOut?: boolean; cause?: unknown } = {}) {
    super(message, options);
    this.remedy = options.remedy;
  }
}

/** No connection, or it broke: refused, unresolvable, unreachable, reset, TLS refused. */
export class JolokiaConnectionError extends JolokiaError {
  override name = 'JolokiaConnectionError';
}

/** The deadline passed while connecting, in the TLS handshake, waiting, or reading the body. */
export class JolokiaTimeoutError extends JolokiaError {
  override name = 'JolokiaTimeoutError';

  constructor(message: string) {
    super(message, { timedOut: true });
  }
}

/** An HTTP status other than 200: a redirect, 401, 403, 404, 5xx. */
export class JolokiaHttpError extends JolokiaError {
  override name = 'JolokiaHttpError';

  constructor(
    readonly status: number,
    message: string,
    options: { remedy?: Remedy } = {},
  ) {
    super(message, options);
  }
}

/** The body is not a Jolokia answer: not JSON, not UTF-8, the wrong shape, or too large. */
export class JolokiaProtocolError extends JolokiaError {
  override name = 'JolokiaProtocolError';
}

/** The agent answered, but with an error for this request (inner status 4xx/5xx). */
export class JolokiaAgentError extends JolokiaError {
  override name = 'JolokiaAgentError';

  constructor(
    readonly status: number,
    /** The Java exception's class, e.g. `javax.management.InstanceNotFoundException`. */
    readonly errorType: string | undefined,
    message: string,
  ) {
    super(message);
  }
}
