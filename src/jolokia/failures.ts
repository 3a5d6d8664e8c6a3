// Jolokia client: every way an exchange with the agent can fail, classified and worded. The
// sentences say what happened and where; what the operator can change is a Remedy (errors.ts),
// worded by the command line. Agent text is redacted and cut short before it is quoted.

import {
  JolokiaAgentError,
  JolokiaConnectionError,
  JolokiaHttpError,
  JolokiaProtocolError,
  JolokiaTimeoutError,
  type Remedy,
} from './errors.js';
import type { Redactor } from './redact.js';
import { describeTarget, type ErrorResponse, type JolokiaRequest } from './types.js';

/** connect: no TCP connection; handshake: TCP, but no TLS; response: connected, no answer; body: answer started, then stalled. */
export type Phase = 'connect' | 'handshake' | 'response' | 'body';

/** Who the messages are about: the agent's URL as it may be shown, and how to name the agent. */
export interface Party {
  /** The URL without credentials or query. */
  readonly where: string;
  /** e.g. "Cassandra's Jolokia agent". */
  readonly label: string;
  /** What runs behind the agent, e.g. `Cassandra`: "where Cassandra has a boolean". */
  readonly system?: string;
  readonly redactor: Redactor;
}

export function timedOut(party: Party, phase: Phase, timeoutMs: number, received: number): JolokiaTimeoutError {
  const { where } = party;
  const seconds = String(Math.round(timeoutMs / 100) / 10);
  switch (phase) {
    case 'connect':
      return new JolokiaTimeoutError(
        `No connection to ${where} within ${seconds} s (host down, or packets dropped by a firewall?)`,
      );
    case 'handshake':
      return new JolokiaTimeoutError(
        `Connected to ${where}, but the TLS handshake did not finish within ${seconds} s (is the agent's JVM frozen, or is it not speaking TLS?)`,
      );
    case 'response':
      return new JolokiaTimeoutError(
        `The agent at ${where} accepted the connection but sent no answer within ${seconds} s`,
      );
    case 'body':
      return new JolokiaTimeoutError(
        `The answer of ${where} stalled after ${received} bytes; gave up after ${seconds} s`,
      );
  }
}

/** A socket error, worded for the phase it happened in. */
export function connectionFailed(
  party: Party,
  error: NodeJS.ErrnoException,
  phase: Phase,
  received: number,
  hostname: string,
): JolokiaConnectionError {
  if (phase === 'body') return cutOff(party, received);
  const [words, remedy] = classify(error, hostname);
  const prefix =
    phase === 'connect' || phase === 'handshake'
      ? `Cannot connect to ${party.label} at ${party.where}`
      : `The agent at ${party.where} failed to answer`;
  return new JolokiaConnectionError(`${prefix}: ${words}`, {
    cause: error,
    ...(remedy === undefined ? {} : { remedy }),
  });
}

export function cutOff(party: Party, received: number): JolokiaConnectionError {
  return new JolokiaConnectionError(
    `The agent at ${party.where} closed the connection after ${received} bytes of its answer`,
  );
}

/** Thrown before anything is sent, e.g. by a client certificate or key that Node cannot use. */
export function unusableTlsSettings(party: Party, error: unknown): JolokiaConnectionError {
  const reason = error instanceof Error ? error.message : String(error);
  return new JolokiaConnectionError(
    `Cannot send a request to ${party.where}: its TLS settings cannot be used (${reason})`,
    { cause: error, remedy: 'tls-files' },
  );
}

export function tooLarge(party: Party, maxBytes: number): JolokiaProtocolError {
  return new JolokiaProtocolError(`The answer of ${party.where} is larger than ${maxBytes} bytes; stopped reading`);
}

export function notUtf8(party: Party): JolokiaProtocolError {
  return new JolokiaProtocolError(`The answer of ${party.where} is not valid UTF-8`);
}

export function notJson(party: Party, text: string): JolokiaProtocolError {
  const start = party.redactor.redact(text.trimStart().slice(0, 200)).slice(0, 40);
  return new JolokiaProtocolError(
    `The answer of ${party.where} is not JSON (it starts with "${start}"): is this a Jolokia agent?`,
  );
}

export function notJolokia(party: Party): JolokiaProtocolError {
  return new JolokiaProtocolError(`The answer of ${party.where} is JSON but not a Jolokia answer`);
}

export function wrongCount(party: Party, got: number, expected: number): JolokiaProtocolError {
  return new JolokiaProtocolError(`The answer of ${party.where} holds ${got} results for ${expected} requests`);
}

export function answeredOtherRequest(party: Party, request: JolokiaRequest): JolokiaProtocolError {
  return new JolokiaProtocolError(
    `The agent at ${party.where} answered a different request than the one sent (${describeTarget(request)})`,
  );
}

/** An HTTP status other than 200. `location` is already resolved against the agent's URL. */
export function httpRefused(
  party: Party,
  status: number,
  body: string,
  details: { location?: string; credentialsGiven: { user: string } | undefined },
): JolokiaHttpError {
  const { where, redactor } = party;
  if (status >= 300 && status < 400) {
    const target = details.location === undefined ? 'elsewhere' : redactor.redact(safeDecode(details.location));
    return new JolokiaHttpError(
      status,
      `The agent at ${where} redirects to ${target} (HTTP ${status}); not followed, so credentials stay with the configured URL: give that URL instead`,
    );
  }
  if (status === 401) {
    const given = details.credentialsGiven;
    if (given === undefined)
      return new JolokiaHttpError(status, `The agent at ${where} requires authentication (HTTP 401)`, {
        remedy: 'credentials',
      });
    return new JolokiaHttpError(
      status,
      `Authentication failed for user ${given.user} at ${where} (HTTP 401): check the user and password`,
    );
  }
  if (status === 404)
    return new JolokiaHttpError(status, `No Jolokia agent at ${where} (HTTP 404)`, { remedy: 'agent-location' });
  // Redacted after parsing: in the raw JSON the password may hide behind escapes (\/, \u00e9).
  const extracted = errorText(body);
  const detail = extracted === undefined ? '' : `: ${redactor.redact(extracted)}`;
  if (status === 403)
    return new JolokiaHttpError(status, `The agent at ${where} refused the request (HTTP 403)${detail}`);
  return new JolokiaHttpError(status, `The agent at ${where} answered HTTP ${status}${detail}`);
}

/** The agent's error for one request of a bulk (inner status 404, 403, 500...). */
export function agentRefused(party: Party, request: JolokiaRequest, response: ErrorResponse): JolokiaAgentError {
  const { where, redactor } = party;
  const target = describeTarget(request);
  const detail = typeof response.error === 'string' ? `: ${redactor.redact(response.error)}` : '';
  const errorType = typeof response.error_type === 'string' ? response.error_type : undefined;
  let message: string;
  if (response.status === 404)
    message = `The agent at ${where} has no ${missingTarget(request, errorType) ?? `${target}${detail}`}`;
  else if (response.status === 403)
    message = `The Jolokia access policy of the agent at ${where} forbids ${request.type} of ${target}${detail}`;
  else message = `The agent at ${where} answered ${request.type} of ${target} with error ${response.status}${detail}`;
  return new JolokiaAgentError(response.status, errorType, message);
}

/** A 404's error type says whether the MBean or only its attribute is missing. */
function missingTarget(request: JolokiaRequest, errorType: string | undefined): string | undefined {
  if (errorType?.endsWith('InstanceNotFoundException')) return `MBean ${request.mbean}`;
  if (errorType?.endsWith('AttributeNotFoundException') && request.type === 'read')
    return `attribute ${String(request.attribute)} on MBean ${request.mbean}`;
  return undefined;
}

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

function classify(error: NodeJS.ErrnoException, hostname: string): [string, Remedy?] {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return ['connection refused'];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME')
    return [`host name ${hostname} does not resolve`];
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL')
    return [`host unreachable (${code})`];
  if (code === 'ECONNRESET' || code === 'EPIPE') return ['the connection was reset'];
  if (UNTRUSTED.has(code)) return [`its TLS certificate is not trusted (${code})`, 'trust'];
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return [`its TLS certificate is not valid for ${hostname}`];
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return [`its TLS certificate is not valid now (${code})`];
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS'))
    return [`the TLS handshake failed (${code}): does the agent serve HTTPS on this port?`];
  return [code === '' ? error.message : `${code}: ${error.message}`];
}

/**
 * The short error text of a non-200 HTTP answer: the `error` of a JSON body, or the start of a
 * plain one (2.x agents answer some malformed requests with HTTP 400 and plain text).
 */
function errorText(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string'
      ? (parsed as { error: string }).error
      : undefined;
  } catch {
    const plain = text.replace(/<[^>]*>/g, ' ').trim();
    return plain === '' ? undefined : plain.slice(0, 120);
  }
}

/** A URL as a person reads it, so that an encoded password is caught by the redactor too. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
