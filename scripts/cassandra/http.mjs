// @ts-check
// HTTP over node:http / node:https (never the global fetch), and POSTs to a Jolokia agent.

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

/**
 * @typedef {object} HttpRequestOptions
 * @property {string} [method]
 * @property {unknown} [body] a string as is, anything else JSON-encoded (content-type application/json)
 * @property {Record<string, string>} [headers]
 * @property {string} [user] basic auth
 * @property {string} [password]
 * @property {string} [caFile]
 * @property {boolean} [rejectUnauthorized]
 * @property {number} [timeoutMs] default 10 000 ms
 */

/**
 * @typedef {object} HttpResponse
 * @property {number} status
 * @property {string} contentType
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string} text
 * @property {unknown} json the parsed body, whatever the content type; undefined when it is not JSON
 */

/**
 * @typedef {object} JolokiaPostOptions
 * @property {Record<string, string | number | boolean>} [query] query string parameters, e.g. { mimeType: 'application/json' }
 * @property {boolean} [credentials] false: send no Authorization even if the agent has credentials
 * @property {string} [user] override the agent's credentials
 * @property {string} [password]
 * @property {string | null} [caFile] override the agent's CA; null: use none (the system store)
 * @property {boolean} [rejectUnauthorized]
 * @property {number} [timeoutMs]
 * @property {Record<string, string>} [headers]
 */

/**
 * One HTTP request. Never throws for an HTTP status; rejects on network/TLS errors and timeouts.
 * @param {string} url
 * @param {HttpRequestOptions} [opts]
 * @returns {Promise<HttpResponse>}
 */
export function httpRequest(url, opts = {}) {
  const u = new URL(url);
  const { reqOpts, body } = requestOptions(u.protocol === 'https:', opts);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = (u.protocol === 'https:' ? https : http).request(u, reqOpts, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve(response(res, Buffer.concat(chunks).toString('utf8'))));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${reqOpts.method} ${url}`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * @param {boolean} isHttps
 * @param {HttpRequestOptions} opts
 */
function requestOptions(isHttps, opts) {
  /** @type {http.OutgoingHttpHeaders} */
  const headers = { ...(opts.headers ?? {}) };
  /** @type {string | undefined} */
  let body;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = Buffer.byteLength(body);
  }
  if (opts.user !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${opts.user}:${opts.password ?? ''}`).toString('base64')}`;
  }
  const reqOpts = {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    agent: false,
    ...(isHttps
      ? {
          ca: opts.caFile ? fs.readFileSync(opts.caFile) : undefined,
          rejectUnauthorized: opts.rejectUnauthorized ?? true,
        }
      : {}),
  };
  return { reqOpts, body };
}

/**
 * @param {http.IncomingMessage} res
 * @param {string} text
 * @returns {HttpResponse}
 */
function response(res, text) {
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    status: res.statusCode ?? 0,
    contentType: String(res.headers['content-type'] ?? ''),
    headers: res.headers,
    text,
    json,
  };
}

/**
 * POST a Jolokia request (or bulk array) to an agent, with its credentials and CA unless overridden.
 * @param {import('./agents.mjs').AgentInfo} agent
 * @param {unknown} request
 * @param {JolokiaPostOptions} [opts]
 * @returns {Promise<HttpResponse>}
 */
export function jolokiaPost(agent, request, opts = {}) {
  const url = new URL(agent.url);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, String(v));
  const withCreds = opts.credentials ?? true;
  const user = opts.user ?? (withCreds ? agent.user : undefined);
  const password = opts.password ?? (withCreds ? agent.password : undefined);
  return httpRequest(url.toString(), {
    body: request,
    user,
    password,
    caFile: opts.caFile === null ? undefined : (opts.caFile ?? agent.caFile),
    rejectUnauthorized: opts.rejectUnauthorized,
    timeoutMs: opts.timeoutMs,
    headers: opts.headers,
  });
}
