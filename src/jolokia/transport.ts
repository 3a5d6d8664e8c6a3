// Jolokia client: one POST over node:http / node:https, under one deadline. Not the global fetch,
// whose first use costs more than a whole check, and not jolokia.js, which cannot do auth or TLS
// settings in Node (docs/DECISIONS.md D3). The deadline knows whether it passed while connecting,
// in the TLS handshake, waiting, or reading; the body is capped; redirects are not followed.

import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import {
  connectionFailed,
  cutOff,
  httpRefused,
  notUtf8,
  timedOut,
  tooLarge,
  unusableTlsSettings,
  type Party,
  type Phase,
} from './failures.js';

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

/**
 * Processing parameters for every POST. They go in the query string: the agents (1.x and 2.x)
 * ignore a per-request `config.mimeType`, and answer text/plain without it (1.x, 2.0).
 */
const PROCESSING_QUERY = 'mimeType=application/json&includeStackTrace=false&serializeException=false';

/** The URL as it may be shown: no user, no password, no query. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** POSTs `body` and resolves to the answer's text; every failure is one of the typed errors. */
export async function post(endpoint: JolokiaEndpoint, party: Party, body: string, limits: CallLimits): Promise<string> {
  // node:https is loaded only when asked for: a plain-HTTP check never pays for TLS.
  const request = endpoint.url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  limits.trace?.(
    `> POST ${party.where.replace(/\/?$/, '/')} (${endpoint.user === undefined ? 'no credentials' : `user ${endpoint.user}, password hidden`})`,
  );
  limits.trace?.(`> ${truncate(body)}`);
  const exchange = new Exchange(endpoint, party, limits);
  return exchange.run((onAnswer) => request(requestOptions(endpoint, body), onAnswer), body);
}

function requestOptions(endpoint: JolokiaEndpoint, body: string): RequestOptions & Record<string, unknown> {
  const { url, user, password, tls } = endpoint;
  const secure = url.protocol === 'https:';
  // The 1.x agent answers 404 to a POST on /jolokia without the trailing slash.
  const path = `${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}?${PROCESSING_QUERY}`;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    Connection: 'close',
    'Content-Length': String(Buffer.byteLength(body)),
  };
  if (endpoint.userAgent !== undefined) headers['User-Agent'] = endpoint.userAgent;
  if (user !== undefined)
    headers['Authorization'] = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
  return {
    method: 'POST',
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    path,
    headers,
    agent: false,
    ...(secure
      ? {
          rejectUnauthorized: tls?.insecure !== true,
          ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
          ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
          ...(tls?.key === undefined ? {} : { key: tls.key }),
        }
      : {}),
  };
}

/** One request's life: the phase it is in, the bytes received, and the one way it ends. */
class Exchange {
  private phase: Phase = 'connect';
  private received = 0;
  private settled = false;
  private request: ClientRequest | undefined;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  /** Settles the exchange, once: `run` puts the promise's own resolve and reject behind it. */
  private end: (error: Error | undefined, text?: string) => void = () => undefined;

  constructor(
    private readonly endpoint: JolokiaEndpoint,
    private readonly party: Party,
    private readonly limits: CallLimits,
  ) {
    this.maxBytes = limits.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.timeoutMs = Math.max(1, limits.deadline - Date.now());
  }

  run(send: (onAnswer: (answer: IncomingMessage) => void) => ClientRequest, body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const giveUp = (): void => this.end(timedOut(this.party, this.phase, this.timeoutMs, this.received));
      const timer = setTimeout(giveUp, this.timeoutMs);
      this.limits.signal?.addEventListener('abort', giveUp);
      this.end = (error, text) => {
        if (this.settled) return;
        this.settled = true;
        clearTimeout(timer);
        this.limits.signal?.removeEventListener('abort', giveUp);
        if (error === undefined) resolve(text ?? '');
        else {
          this.request?.destroy();
          reject(error);
        }
      };
      // An abort event fires once: a signal aborted already (the check gave up) would never end the wait.
      if (this.limits.signal?.aborted === true) {
        giveUp();
        return;
      }
      try {
        this.request = send((answer) => this.read(answer));
      } catch (error) {
        this.end(unusableTlsSettings(this.party, error));
        return;
      }
      this.track(this.request);
      this.request.end(body);
    });
  }

  private track(request: ClientRequest): void {
    const secure = this.endpoint.url.protocol === 'https:';
    request.on('socket', (socket) => {
      // Over TLS, a connected socket can still hang in the handshake (a frozen JVM does).
      socket.once('connect', () => {
        if (this.phase === 'connect') this.phase = secure ? 'handshake' : 'response';
      });
      if (secure) {
        socket.once('secureConnect', () => {
          if (this.phase === 'connect' || this.phase === 'handshake') this.phase = 'response';
        });
      }
    });
    request.on('error', (error: NodeJS.ErrnoException) =>
      this.end(connectionFailed(this.party, error, this.phase, this.received, this.endpoint.url.hostname)),
    );
  }

  private read(answer: IncomingMessage): void {
    this.phase = 'body';
    const status = answer.statusCode ?? 0;
    this.limits.trace?.(
      `< HTTP ${status} ${this.party.redactor.redact(answer.headers['content-type'] ?? '(no content type)')}`,
    );
    const declared = Number(answer.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      this.end(tooLarge(this.party, this.maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      if (this.received > this.maxBytes) this.end(tooLarge(this.party, this.maxBytes));
      else chunks.push(chunk);
    });
    answer.on('end', () => this.finish(status, answer, Buffer.concat(chunks)));
    answer.on('aborted', () => this.end(cutOff(this.party, this.received)));
    answer.on('error', () => this.end(cutOff(this.party, this.received)));
  }

  private finish(status: number, answer: IncomingMessage, bytes: Buffer): void {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      this.end(notUtf8(this.party));
      return;
    }
    this.limits.trace?.(`< ${truncate(this.party.redactor.redact(unescapeJson(text)))}`);
    if (status === 200) {
      this.end(undefined, text);
      return;
    }
    const location = resolveLocation(answer.headers.location, this.endpoint.url);
    const user = this.endpoint.user;
    this.end(
      httpRefused(this.party, status, text, {
        ...(location === undefined ? {} : { location }),
        credentialsGiven: user === undefined ? undefined : { user },
      }),
    );
  }
}

/** A redirect's target as it may be shown (no credentials, no query); undefined when there is none. */
function resolveLocation(location: string | undefined, base: URL): string | undefined {
  if (location === undefined) return undefined;
  try {
    return displayUrl(new URL(location, base));
  } catch {
    return 'an invalid location';
  }
}

/** JSON re-serialised without needless escapes, so that the redactor sees a password as written. */
function unescapeJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

const TRACE_BODY_LIMIT = 2000;

function truncate(text: string): string {
  return text.length > TRACE_BODY_LIMIT ? `${text.slice(0, TRACE_BODY_LIMIT)}… (${text.length} characters)` : text;
}
