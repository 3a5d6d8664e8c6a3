// The fake Jolokia agent of the fault and plugin tests, under the names those tests use. The server
// itself is scripts/fake-jolokia.mjs, shared with the benchmarks and the simulated cluster.
//
// A fake server is only for what a real agent cannot be made to show (hangs, garbage, resets) and
// for benches and simulated scale; here it also gives each answer a real agent can give, on cue,
// to the plugins run as processes. What the plugins claim about Cassandra is proven on the real
// node in test/integration.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { attributeValues, startFakeJolokia } from '../../scripts/fake-jolokia.mjs';

export { requireAuth, respond } from '../../scripts/fake-jolokia.mjs';

export type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

export interface FakeAgent {
  readonly url: string;
  readonly port: number;
  /** Bodies of the requests received, in order. */
  readonly received: { url: string; headers: IncomingMessage['headers']; body: string }[];
  /** TCP connections accepted, whether or not a request followed (proves "nothing was sent"). */
  readonly connections: number;
  close(): Promise<void>;
}

export interface FakeAgentOptions {
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** A fake agent on 127.0.0.1 and a free port that hands every request to `handler`. */
export function startFakeAgent(handler: Handler, options: FakeAgentOptions = {}): Promise<FakeAgent> {
  return startFakeJolokia(handler, options.tls === undefined ? {} : { tls: options.tls });
}

/**
 * Answers like a Jolokia 2.x agent: one result per request in the bulk, each echoing its
 * request. `values` maps attribute names to values; a missing attribute gets a 404 answer.
 */
export function jolokia(
  values: Record<string, unknown>,
  options: { contentType?: string; mbeanMissing?: boolean } = {},
): Handler {
  return attributeValues(values, options);
}

export const CASSANDRA_VALUES = (enabled: unknown): Record<string, unknown> => ({
  IncrementalBackupsEnabled: enabled,
  ReleaseVersion: '5.0.6',
});
