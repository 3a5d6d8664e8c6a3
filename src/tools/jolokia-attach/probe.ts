// Does an agent answer, and does it take our credentials? One GET of Jolokia's version over HTTP.

import { request } from 'node:http';
import { connect } from 'node:net';

export type Probe =
  | { readonly kind: 'answers'; readonly agentVersion: string }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'no-answer'; readonly detail: string };

/** The agent's base URL for a client on this machine: a wildcard address is reached on loopback. */
export function localAgentUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '*' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/jolokia/`;
}

/**
 * Whether anything accepts a connection on the agent's address and port, before the attach: a
 * plain connect, no credentials sent (whatever listens there first is not to learn the password).
 */
export function portTaken(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port), timeout: timeoutMs });
    const done = (taken: boolean): void => {
      socket.destroy();
      resolve(taken);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

export function probeAgent(url: string, user: string, password: string, timeoutMs = 2000): Promise<Probe> {
  return new Promise((resolve) => {
    const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const req = request(`${url}version`, { headers: { authorization }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(judge(res.statusCode ?? 0, body)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'no-answer', detail: error.code ?? error.message }),
    );
    req.end();
  });
}

function judge(status: number, body: string): Probe {
  if (status === 401) return { kind: 'unauthorized' };
  try {
    const agent = (JSON.parse(body) as { value?: { agent?: unknown } }).value?.agent;
    if (status === 200 && typeof agent === 'string') return { kind: 'answers', agentVersion: agent };
  } catch {
    // not Jolokia's JSON: said below
  }
  return { kind: 'no-answer', detail: `HTTP ${status}, not a Jolokia answer` };
}

/** Probes every 50 ms until the agent answers or refuses our credentials, or `timeoutMs` passed. */
export async function waitForAgent(url: string, user: string, password: string, timeoutMs: number): Promise<Probe> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = await probeAgent(url, user, password);
    if (probe.kind !== 'no-answer' || Date.now() >= deadline) return probe;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
