// The Jolokia client against a local server: each failure arrives as its own typed error with
// a sentence that names the URL and never the credentials.
import { afterEach, describe, expect, it } from 'vitest';
import { JolokiaClient, sameObjectName } from '../../../src/jolokia/client.js';
import {
  JolokiaAgentError,
  JolokiaAuthenticationError,
  JolokiaConnectionError,
  JolokiaHttpError,
  JolokiaProtocolError,
  JolokiaTimeoutError,
} from '../../../src/jolokia/errors.js';
import type { ReadRequest } from '../../../src/jolokia/types.js';
import { jolokia, respond, startFakeAgent, type FakeAgent, type Handler } from '../../support/fake-agent.js';

const READ: ReadRequest = { type: 'read', mbean: 'org.apache.cassandra.db:type=StorageService', attribute: 'IncrementalBackupsEnabled' };
let agent: FakeAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

async function call(handler: Handler, options: { timeoutMs?: number; maxResponseBytes?: number; user?: string; password?: string } = {}) {
  agent = await startFakeAgent(handler);
  const url = new URL(agent.url);
  const client = new JolokiaClient({ url, ...(options.user ? { user: options.user, password: options.password ?? '' } : {}) });
  return client.bulk([READ], { deadline: Date.now() + (options.timeoutMs ?? 2000), ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}) });
}

describe('JolokiaClient.bulk', () => {
  it('returns one answer per request, and valueOf reads it', async () => {
    const responses = await call(jolokia({ IncrementalBackupsEnabled: true }));
    expect(responses).toHaveLength(1);
    const client = new JolokiaClient({ url: new URL('http://x/jolokia') });
    expect(client.valueOf(responses[0]!, READ)).toBe(true);
  });

  it('sends basic authentication when a user is given', async () => {
    await call(jolokia({ IncrementalBackupsEnabled: true }), { user: 'monitor', password: 'pw' });
    expect(agent!.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('monitor:pw').toString('base64')}`);
  });

  it.each<[string, Handler, new (...args: never[]) => Error, RegExp]>([
    ['401', (_q, _b, res) => respond(res, 401, ''), JolokiaAuthenticationError, /requires authentication \(HTTP 401\)/],
    ['a redirect', (_q, _b, res) => { res.writeHead(302, { Location: 'http://user:pw@elsewhere.example:9/steal?x=1' }); res.end(); }, JolokiaHttpError, /redirects to http:\/\/elsewhere.example:9\/steal \(HTTP 302\); not followed/],
    ['404 on the path', (_q, _b, res) => respond(res, 404, 'not found', 'text/plain'), JolokiaHttpError, /No Jolokia agent at http:\/\/127.0.0.1:\d+\/jolokia \(HTTP 404\)/],
    ['truncated JSON', (_q, _b, res) => respond(res, 200, '[{"status":200,"val'), JolokiaProtocolError, /is not JSON/],
    ['an object where an array belongs', (_q, _b, res) => respond(res, 200, '{"hello":"world"}'), JolokiaProtocolError, /JSON but not a Jolokia answer/],
    ['too many answers', (_q, _b, res) => respond(res, 200, '[{"status":200,"value":true},{"status":200,"value":true}]'), JolokiaProtocolError, /holds 2 results for 1 requests/],
    ['an answer for another MBean', (_q, _b, res) => respond(res, 200, JSON.stringify([{ status: 200, value: true, request: { type: 'read', mbean: 'java.lang:type=Memory', attribute: 'IncrementalBackupsEnabled' } }])), JolokiaProtocolError, /answered a different request/],
    ['invalid UTF-8', (_q, _b, res) => respond(res, 200, Buffer.from([0x5b, 0xff, 0xfe, 0x5d])), JolokiaProtocolError, /not valid UTF-8/],
    ['a body over the size cap', (_q, _b, res) => respond(res, 200, `[${' '.repeat(5000)}]`), JolokiaProtocolError, /larger than 1000 bytes/],
    ['a reset half-way', (_q, _b, res) => { res.writeHead(200, { 'Content-Length': 1000 }); res.write('[{"status":'); setTimeout(() => res.socket?.destroy(), 50); }, JolokiaConnectionError, /closed the connection after 11 bytes/],
    ['headers, then a stalled body', (_q, _b, res) => { res.writeHead(200, { 'Content-Length': 1000 }); res.write('[{'); }, JolokiaTimeoutError, /stalled after 2 bytes/],
    ['no answer at all', () => undefined, JolokiaTimeoutError, /accepted the connection but sent no answer within 0.5 s/],
  ])('%s', async (_name, handler, type, message) => {
    const error = await call(handler, { timeoutMs: 500, maxResponseBytes: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/pw@|user:pw/);
  });

  it('a size cap stops reading a huge streamed body early', async () => {
    let written = 0;
    const error = await call(
      (_q, _b, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = (): void => {
          while (written < 1024 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      },
      { maxResponseBytes: 256 * 1024 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JolokiaProtocolError);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('JolokiaClient.valueOf', () => {
  const client = new JolokiaClient({ url: new URL('http://u:p@cass1:8778/jolokia') });

  it('names a missing MBean, and the URL without credentials', () => {
    expect(() => client.valueOf({ status: 404, error_type: 'javax.management.InstanceNotFoundException', error: 'x' }, READ)).toThrow(
      'The agent at http://cass1:8778/jolokia has no MBean org.apache.cassandra.db:type=StorageService',
    );
    expect(() => client.valueOf({ status: 404 }, READ)).toThrow(JolokiaAgentError);
  });

  it('says when the access policy forbids a request', () => {
    expect(() => client.valueOf({ status: 403, error: 'Reading attribute IncrementalBackupsEnabled is forbidden' }, READ)).toThrow(/access policy .* forbids read of attribute IncrementalBackupsEnabled/);
  });
});

describe('sameObjectName', () => {
  it('ignores the order of key properties', () => {
    expect(sameObjectName('d:type=Table,keyspace=ks,scope=t,name=X', 'd:keyspace=ks,name=X,scope=t,type=Table')).toBe(true);
    expect(sameObjectName('d:type=Table,keyspace=ks', 'd:type=Table,keyspace=other')).toBe(false);
  });
});
