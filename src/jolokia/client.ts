// Jolokia client: bulk POST over node:http / node:https. Not the global fetch, whose first use
// costs more than a whole check, and not jolokia.js, which cannot do auth or TLS settings in
// Node (docs/DECISIONS.md). Every failure becomes one of the typed errors in errors.ts.

import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import {
  JolokiaAgentError,
  JolokiaAuthenticationError,
  JolokiaConnectionError,
  JolokiaHttpError,
  JolokiaProtocolError,
  JolokiaTimeoutError,
  type ConnectionFailure,
  type TimeoutPhase,
} from './errors.js';
import type { JolokiaRequest, JolokiaResponse } from './types.js';

export interface TlsSettings {
  /** PEM text of the CA(s) to trust instead of the system store. */
  readonly ca?: string;
  /** PEM client certificate and key, for agents that demand client authentication. */
  readonly cert?: string;
  readonly key?: string;
  /** Skip verification of the agent's certificate. Only ever on explicit request. */
  readonly insecure?: boolean;
}

export interface JolokiaEndpoint {
  /** Base URL of the agent, without credentials, e.g. `http://127.0.0.1:8778/jolokia`. */
  readonly url: URL;
  readonly user?: string;
  readonly password?: string;
  readonly tls?: TlsSettings;
  readonly userAgent?: string;
  /** How messages name the agent, e.g. "Cassandra's Jolokia agent". */
  readonly label?: string;
}

export interface CallLimits {
  /** When to give up (ms since the epoch). Shared by the calls of one check, so each gets what is left. */
  readonly deadline: number;
  /** Reading stops, with an error, past this many bytes. */
  readonly maxResponseBytes?: number;
  readonly signal?: AbortSignal;
  /** Receives the protocol trace (-vvv); never the credentials. */
  readonly trace?: (line: string) => void;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const TRACE_BODY_LIMIT = 2000;

/**
 * Processing parameters for every POST. They go in the query string: the agents (1.x and 2.x)
 * ignore a per-request `config.mimeType`, and answer text/plain without it (1.x, 2.0).
 */
const PROCESSING_QUERY = 'mimeType=application/json&includeStackTrace=false&serializeException=false';

/** The URL as it may be shown: no user, no password, no query. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export class JolokiaClient {
  readonly where: string;
  /** The forms in which our password could come back in an agent's text, to blank them out. */
  private readonly secrets: RegExp | undefined;

  constructor(private readonly endpoint: JolokiaEndpoint) {
    this.where = displayUrl(endpoint.url);
    const { user, password } = endpoint;
    if (password !== undefined && password !== '') {
      const forms = [Buffer.from(`${user ?? ''}:${password}`).toString('base64'), password, encodeURIComponent(password)];
      this.secrets = new RegExp([...new Set(forms)].map(escapeRegExp).join('|'), 'g');
    }
  }

  /** Sends the requests in one POST; the answers come back in the same order. */
  async bulk(requests: readonly JolokiaRequest[], limits: CallLimits): Promise<JolokiaResponse[]> {
    const body = JSON.stringify(requests);
    const answer = await this.post(body, limits);
    const parsed = this.parse(answer.text);
    const responses = this.toResponses(parsed, requests.length);
    responses.forEach((response, i) => this.checkEcho(response, requests[i] as JolokiaRequest));
    return responses;
  }

  /** The value of a successful answer, or the agent's error for that request. */
  valueOf(response: JolokiaResponse, request: JolokiaRequest): unknown {
    if (response.status === 200 && 'value' in response) return response.value;
    const target = describeTarget(request);
    const detail = 'error' in response && typeof response.error === 'string' ? `: ${this.redact(response.error)}` : '';
    const errorType = 'error_type' in response && typeof response.error_type === 'string' ? response.error_type : undefined;
    let message: string;
    if (response.status === 404) message = `The agent at ${this.where} has no ${missingTarget(request, errorType) ?? `${target}${detail}`}`;
    else if (response.status === 403) message = `The Jolokia access policy of the agent at ${this.where} forbids ${request.type} of ${target}${detail}`;
    else message = `The agent at ${this.where} answered ${request.type} of ${target} with error ${response.status}${detail}`;
    throw new JolokiaAgentError(response.status, errorType, message);
  }

  private async post(body: string, limits: CallLimits): Promise<{ status: number; text: string }> {
    const { url, user, password, tls } = this.endpoint;
    const secure = url.protocol === 'https:';
    // Loaded on first use: a plain-HTTP check never pays for TLS.
    const transport = secure ? await import('node:https') : await import('node:http');
    // The 1.x agent answers 404 to a POST on /jolokia without the trailing slash.
    const path = `${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}?${PROCESSING_QUERY}`;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Connection: 'close',
      'Content-Length': String(Buffer.byteLength(body)),
    };
    if (this.endpoint.userAgent !== undefined) headers['User-Agent'] = this.endpoint.userAgent;
    if (user !== undefined) headers['Authorization'] = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
    const options: RequestOptions & Record<string, unknown> = {
      method: 'POST',
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
      path,
      headers,
      agent: false,
    };
    if (secure) {
      Object.assign(options, {
        rejectUnauthorized: tls?.insecure !== true,
        ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
        ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
        ...(tls?.key === undefined ? {} : { key: tls.key }),
      });
    }
    limits.trace?.(`> POST ${this.where.replace(/\/?$/, '/')} (${user === undefined ? 'no credentials' : `user ${user}, password hidden`})`);
    limits.trace?.(`> ${truncate(body)}`);

    const maxBytes = limits.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const timeoutMs = Math.max(1, limits.deadline - Date.now());
    return new Promise((resolve, reject) => {
      let phase: TimeoutPhase = 'connect';
      let received = 0;
      let settled = false;
      let request: ClientRequest | undefined;
      const settle = (error: Error | undefined, value?: { status: number; text: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        limits.signal?.removeEventListener('abort', onAbort);
        if (error !== undefined) {
          request?.destroy();
          reject(error);
        } else resolve(value as { status: number; text: string });
      };
      const timer = setTimeout(() => settle(this.timeoutError(phase, timeoutMs, received)), timeoutMs);
      const onAbort = (): void => settle(this.timeoutError(phase, timeoutMs, received));
      limits.signal?.addEventListener('abort', onAbort);

      try {
        request = transport.request(options, (response: IncomingMessage) => {
          phase = 'body';
          const status = response.statusCode ?? 0;
          limits.trace?.(`< HTTP ${status} ${this.redact(response.headers['content-type'] ?? '(no content type)')}`);
          const declared = Number(response.headers['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes) {
            settle(this.tooLarge(maxBytes));
            return;
          }
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > maxBytes) settle(this.tooLarge(maxBytes));
            else chunks.push(chunk);
          });
          response.on('end', () => {
            let text: string;
            try {
              text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
            } catch {
              settle(new JolokiaProtocolError(`The answer of ${this.where} is not valid UTF-8`));
              return;
            }
            limits.trace?.(`< ${truncate(this.redact(unescapeJson(text)))}`);
            const failure = this.httpFailure(status, response, text);
            if (failure !== undefined) settle(failure);
            else settle(undefined, { status, text });
          });
          response.on('aborted', () => settle(this.cutOff(received)));
          response.on('error', () => settle(this.cutOff(received)));
        });
      } catch (error) {
        // Thrown before anything is sent, e.g. by a --cert or --key that is not PEM.
        settle(this.unusableSettings(error));
        return;
      }
      request.on('socket', (socket) => {
        // Over TLS, a connected socket can still hang in the handshake (a frozen JVM does).
        socket.once('connect', () => {
          if (phase === 'connect') phase = secure ? 'handshake' : 'response';
        });
        if (secure) {
          socket.once('secureConnect', () => {
            if (phase === 'connect' || phase === 'handshake') phase = 'response';
          });
        }
      });
      request.on('error', (error: NodeJS.ErrnoException) => settle(this.connectionError(error, phase, received)));
      request.end(body);
    });
  }

  private httpFailure(status: number, response: IncomingMessage, text: string): Error | undefined {
    if (status === 200) return undefined;
    if (status >= 300 && status < 400) {
      const location = response.headers.location;
      let target = 'elsewhere';
      if (location !== undefined) {
        try {
          target = this.redact(safeDecode(displayUrl(new URL(location, this.endpoint.url))));
        } catch {
          target = 'an invalid location';
        }
      }
      return new JolokiaHttpError(status, `The agent at ${this.where} redirects to ${target} (HTTP ${status}); not followed, so credentials stay with the configured URL: give that URL instead`);
    }
    if (status === 401) {
      const message =
        this.endpoint.user === undefined
          ? `The agent at ${this.where} requires authentication (HTTP 401): give --user and a password`
          : `Authentication failed for user ${this.endpoint.user} at ${this.where} (HTTP 401): check the user and password`;
      return new JolokiaAuthenticationError(status, message);
    }
    // Redacted after parsing: in the raw JSON the password may hide behind escapes (\\/, \\u00e9).
    const extracted = agentErrorText(text);
    const reason = extracted === undefined ? undefined : this.redact(extracted);
    const detail = reason === undefined ? '' : `: ${reason}`;
    if (status === 403) return new JolokiaHttpError(status, `The agent at ${this.where} refused the request (HTTP 403)${detail}`);
    if (status === 404) return new JolokiaHttpError(status, `No Jolokia agent at ${this.where} (HTTP 404): check --path or --url`);
    return new JolokiaHttpError(status, `The agent at ${this.where} answered HTTP ${status}${detail}`);
  }

  private parse(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      const start = this.redact(text.trimStart().slice(0, 200)).slice(0, 40);
      throw new JolokiaProtocolError(`The answer of ${this.where} is not JSON (it starts with "${start}"): is this a Jolokia agent?`);
    }
  }

  private toResponses(parsed: unknown, expected: number): JolokiaResponse[] {
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const shaped = list.every((item) => isRecord(item) && typeof item['status'] === 'number');
    if (!shaped) throw new JolokiaProtocolError(`The answer of ${this.where} is JSON but not a Jolokia answer`);
    const responses = list as JolokiaResponse[];
    if (!Array.isArray(parsed) && responses[0]?.status !== 200) {
      // One error for the whole bulk request, e.g. a 1.x agent refusing the POST body.
      return Array.from({ length: expected }, () => responses[0] as JolokiaResponse);
    }
    if (responses.length !== expected) {
      throw new JolokiaProtocolError(`The answer of ${this.where} holds ${responses.length} results for ${expected} requests`);
    }
    return responses;
  }

  /** An answer whose echoed request names another MBean or attribute is not an answer to ours. */
  private checkEcho(response: JolokiaResponse, request: JolokiaRequest): void {
    const echo = response.request;
    if (!isRecord(echo) || !('mbean' in request)) return;
    const mbean = echo['mbean'];
    const sameMBean = typeof mbean !== 'string' || sameObjectName(mbean, request.mbean);
    const attribute = echo['attribute'];
    const sameAttribute =
      request.type !== 'read' || typeof attribute !== 'string' || typeof request.attribute !== 'string' || attribute === request.attribute;
    if (!sameMBean || !sameAttribute) {
      throw new JolokiaProtocolError(`The agent at ${this.where} answered a different request than the one sent (${describeTarget(request)})`);
    }
  }

  /**
   * Agent text as it may be shown: a broken or hostile agent (or a proxy in front of it) may echo
   * our credentials back, in an error text, a body or a redirect.
   */
  private redact(text: string): string {
    return this.secrets === undefined ? text : text.replace(this.secrets, '***');
  }

  private timeoutError(phase: TimeoutPhase, timeoutMs: number, received: number): JolokiaTimeoutError {
    const seconds = formatSeconds(timeoutMs);
    if (phase === 'connect') return new JolokiaTimeoutError(phase, `No connection to ${this.where} within ${seconds} s (host down, or packets dropped by a firewall?)`);
    if (phase === 'handshake') return new JolokiaTimeoutError(phase, `Connected to ${this.where}, but the TLS handshake did not finish within ${seconds} s (is the agent's JVM frozen, or is it not speaking TLS?)`);
    if (phase === 'response') return new JolokiaTimeoutError(phase, `The agent at ${this.where} accepted the connection but sent no answer within ${seconds} s`);
    return new JolokiaTimeoutError(phase, `The answer of ${this.where} stalled after ${received} bytes; gave up after ${seconds} s`);
  }

  private unusableSettings(error: unknown): JolokiaConnectionError {
    const reason = error instanceof Error ? error.message : String(error);
    return new JolokiaConnectionError('other', `Cannot send a request to ${this.where}: its TLS settings cannot be used (${reason}); check --ca-file, --cert and --key`, error);
  }

  private tooLarge(maxBytes: number): JolokiaProtocolError {
    return new JolokiaProtocolError(`The answer of ${this.where} is larger than ${maxBytes} bytes; stopped reading`);
  }

  private cutOff(received: number): JolokiaConnectionError {
    return new JolokiaConnectionError('reset', `The agent at ${this.where} closed the connection after ${received} bytes of its answer`);
  }

  private connectionError(error: NodeJS.ErrnoException, phase: TimeoutPhase, received: number): Error {
    if (phase === 'body') return this.cutOff(received);
    const [failure, words] = classifyConnectionError(error, this.endpoint.url);
    const prefix = phase === 'connect' || phase === 'handshake' ? `Cannot connect to ${this.endpoint.label ?? 'the Jolokia agent'} at ${this.where}` : `The agent at ${this.where} failed to answer`;
    return new JolokiaConnectionError(failure, `${prefix}: ${words}`, error);
  }
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

function classifyConnectionError(error: NodeJS.ErrnoException, url: URL): [ConnectionFailure, string] {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return ['refused', 'connection refused'];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return ['unresolved', `host name ${url.hostname} does not resolve`];
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return ['unreachable', `host unreachable (${code})`];
  if (code === 'ECONNRESET' || code === 'EPIPE') return ['reset', 'the connection was reset'];
  if (UNTRUSTED.has(code)) return ['tls-untrusted', `its TLS certificate is not trusted (${code}): give its CA with --ca-file, or --insecure`];
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return ['tls-hostname', `its TLS certificate is not valid for ${url.hostname}`];
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return ['tls-expired', `its TLS certificate is not valid now (${code})`];
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS')) return ['tls-handshake', `the TLS handshake failed (${code}): does the agent serve HTTPS on this port?`];
  return ['other', code === '' ? error.message : `${code}: ${error.message}`];
}

/**
 * The short error text of a non-200 HTTP answer: the `error` of a JSON body, or the start of a
 * plain one (2.x agents answer some malformed requests with HTTP 400 and plain text).
 */
function agentErrorText(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed) && typeof parsed['error'] === 'string') return parsed['error'];
    return undefined;
  } catch {
    const plain = text.replace(/<[^>]*>/g, ' ').trim();
    return plain === '' ? undefined : plain.slice(0, 120);
  }
}

function describeTarget(request: JolokiaRequest): string {
  switch (request.type) {
    case 'read':
      return typeof request.attribute === 'string' ? `attribute ${request.attribute} of MBean ${request.mbean}` : `MBean ${request.mbean}`;
    case 'write':
      return `attribute ${request.attribute} of MBean ${request.mbean}`;
    case 'exec':
      return `operation ${request.operation} of MBean ${request.mbean}`;
    case 'search':
      return `MBeans matching ${request.mbean}`;
    case 'version':
      return 'the agent version';
  }
}

/** A 404's error type says whether the MBean or only its attribute is missing. */
function missingTarget(request: JolokiaRequest, errorType: string | undefined): string | undefined {
  if (!('mbean' in request)) return undefined;
  if (errorType?.endsWith('InstanceNotFoundException')) return `MBean ${request.mbean}`;
  if (errorType?.endsWith('AttributeNotFoundException') && request.type === 'read') return `attribute ${String(request.attribute)} on MBean ${request.mbean}`;
  return undefined;
}

/** JMX object names are equal whatever the order of their key properties. */
export function sameObjectName(a: string, b: string): boolean {
  if (a === b) return true;
  const canonical = (name: string): string | undefined => {
    const colon = name.indexOf(':');
    if (colon === -1 || name.includes('"')) return undefined;
    return `${name.slice(0, colon)}:${name.slice(colon + 1).split(',').sort().join(',')}`;
  };
  const ca = canonical(a);
  return ca !== undefined && ca === canonical(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** JSON re-serialised without needless escapes, so that redact() sees a password as written. */
function unescapeJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** A URL as a person reads it, so that an encoded password is caught by redact() too. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function truncate(text: string): string {
  return text.length > TRACE_BODY_LIMIT ? `${text.slice(0, TRACE_BODY_LIMIT)}… (${text.length} characters)` : text;
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
