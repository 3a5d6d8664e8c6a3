// The transport's own mechanics against local node:http / node:https servers on loopback: what
// goes on the wire (path, query, headers, credentials), the size cap read from the headers, the
// abort signal, redirect targets resolved but not followed, TLS options, IPv6 literals, and the
// -vvv trace without the password. The failures end to end, as a process: test/faults/network.test.ts;
// the client over it: client.test.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  JolokiaConnectionError,
  JolokiaHttpError,
  JolokiaProtocolError,
  JolokiaTimeoutError,
} from '../../../src/jolokia/errors.js';
import type { Party } from '../../../src/jolokia/failures.js';
import { Redactor } from '../../../src/jolokia/redact.js';
import { displayUrl, post, type JolokiaEndpoint } from '../../../src/jolokia/transport.js';
import { respond, startFakeAgent, type FakeAgent, type Handler } from '../../support/fake-agent.js';
import { waitFor } from '../../support/process.js';
import { CERT_127, CERT_OTHER_NAME, KEY_127, KEY_OTHER_NAME } from '../../support/tls-fixture.js';

const PASSWORD = 's3cr3t-Pa55';
const BODY =
  '[{"type":"read","mbean":"org.apache.cassandra.db:type=StorageService","attribute":"IncrementalBackupsEnabled"}]';
let agent: FakeAgent | undefined;
let other: Server | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
  await new Promise<void>((resolve) => (other === undefined ? resolve() : other.close(() => resolve())));
  other = undefined;
});

const partyOf = (endpoint: JolokiaEndpoint): Party => ({
  where: displayUrl(endpoint.url),
  label: "Cassandra's Jolokia agent",
  redactor: new Redactor(endpoint.user, endpoint.password),
});
const soon = (ms = 5000) => ({ deadline: Date.now() + ms });

async function serve(handler: Handler, options: { tls?: { cert: string; key: string } } = {}): Promise<FakeAgent> {
  agent = await startFakeAgent(handler, options);
  return agent;
}

/** POSTs BODY to `url` with these endpoint settings. */
function send(url: string, over: Partial<JolokiaEndpoint> = {}, limits: Parameters<typeof post>[3] = soon()) {
  const endpoint: JolokiaEndpoint = { url: new URL(url), ...over };
  return post(endpoint, partyOf(endpoint), BODY, limits);
}
const fail = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('it did not fail'),
    (e: unknown) => e as Error,
  );

describe('displayUrl', () => {
  it('no user, no password, no query, no fragment', () => {
    expect(displayUrl(new URL('https://monitor:pw@cass1:8778/jolokia?x=1#top'))).toBe('https://cass1:8778/jolokia');
    expect(displayUrl(new URL('http://[2001:db8::1]:8778/jolokia/'))).toBe('http://[2001:db8::1]:8778/jolokia/');
  });
});

describe('post: what goes on the wire', () => {
  it('a POST to the path with a trailing slash and the processing parameters, the body, and the headers', async () => {
    const { url } = await serve((_q, _b, res) => respond(res, 200, '[{"status":200,"value":true}]'));
    const text = await send(url, { user: 'monitor', password: PASSWORD, userAgent: 'check_cassandra_backup/1.2.3' });
    expect(text).toBe('[{"status":200,"value":true}]');
    const [received] = agent!.received;
    expect(received?.url).toBe('/jolokia/?mimeType=application/json&includeStackTrace=false&serializeException=false');
    expect(received?.body).toBe(BODY);
    expect(received?.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      connection: 'close',
      'content-length': String(Buffer.byteLength(BODY)),
      'user-agent': 'check_cassandra_backup/1.2.3',
      authorization: `Basic ${Buffer.from(`monitor:${PASSWORD}`).toString('base64')}`,
    });
  });

  it('a path that ends in a slash keeps one; without a user no Authorization; a user without a password sends an empty one', async () => {
    const { url } = await serve((_q, _b, res) => respond(res, 200, '[]'));
    await send(`${url}/`);
    await send(url, { user: 'monitor' });
    expect(agent!.received.map((r) => r.url.split('?')[0])).toEqual(['/jolokia/', '/jolokia/']);
    expect(agent!.received[0]?.headers.authorization).toBeUndefined();
    expect(agent!.received[1]?.headers.authorization).toBe(`Basic ${Buffer.from('monitor:').toString('base64')}`);
  });

  it('an IPv6 literal is connected to without its brackets', async () => {
    other = createServer((_q, res) => respond(res, 200, '"v6"'));
    await new Promise<void>((resolve) => other!.listen(0, '::1', resolve));
    const { port } = other.address() as AddressInfo;
    expect(await send(`http://[::1]:${port}/jolokia`)).toBe('"v6"');
  });
});

describe('post: the trace (-vvv)', () => {
  it('request and answer, the password neither in the header line nor in an echo', async () => {
    const { url } = await serve((_q, _b, res) =>
      respond(res, 200, JSON.stringify({ error: `echo ${PASSWORD}` }), 'application/json;charset=utf-8'),
    );
    const lines: string[] = [];
    await send(url, { user: 'monitor', password: PASSWORD }, { ...soon(), trace: (line) => lines.push(line) });
    expect(lines).toEqual([
      `> POST ${url}/ (user monitor, password hidden)`,
      `> ${BODY}`,
      '< HTTP 200 application/json;charset=utf-8',
      '< {"error":"echo ***"}',
    ]);
  });

  it('long bodies are cut, with their length', async () => {
    const long = `"${'x'.repeat(3000)}"`;
    const { url } = await serve((_q, _b, res) => respond(res, 200, long));
    const lines: string[] = [];
    await send(url, {}, { ...soon(), trace: (line) => lines.push(line) });
    expect(lines[0]).toBe(`> POST ${url}/ (no credentials)`);
    expect(lines.at(-1)).toBe(`< ${long.slice(0, 2000)}… (3002 characters)`);
  });
});

describe('post: limits', () => {
  it('a declared Content-Length over the cap is refused before the body is read', async () => {
    const { url } = await serve((_q, _b, res) => {
      res.writeHead(200, { 'Content-Length': 10_000_000 });
      res.write('['); // and nothing more: only the header can end this in time
    });
    const error = await fail(send(url, {}, { ...soon(), maxResponseBytes: 1000 }));
    expect(error).toBeInstanceOf(JolokiaProtocolError);
    expect(error.message).toBe(`The answer of ${url} is larger than 1000 bytes; stopped reading`);
  });

  it('the default cap is 1 MiB', async () => {
    const { url } = await serve((_q, _b, res) => respond(res, 200, `"${'x'.repeat(1024 * 1024)}"`));
    expect((await fail(send(url))).message).toMatch(/is larger than 1048576 bytes/);
  });

  it('the abort signal ends the wait as a timeout, in the phase it was in', async () => {
    const { url } = await serve(() => undefined);
    const abort = new AbortController();
    const pending = fail(send(url, {}, { ...soon(60_000), signal: abort.signal }));
    await waitFor(() => agent!.received.length > 0, 'the request to arrive');
    abort.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(JolokiaTimeoutError);
    expect(error.message).toMatch(
      new RegExp(
        `^The agent at ${url.replace(/\./g, '\\.')} accepted the connection but sent no answer within \\d+(\\.\\d)? s$`,
      ),
    );
  });
  it('a signal aborted before the call: ends at once, nothing sent', async () => {
    const { url } = await serve((_q, _b, res) => respond(res, 200, '"sent"'));
    const abort = new AbortController();
    abort.abort();
    const error = await fail(send(url, {}, { ...soon(60_000), signal: abort.signal }));
    expect(error).toBeInstanceOf(JolokiaTimeoutError);
    expect(agent!.received).toEqual([]);
  });
});

describe('post: HTTP refusals', () => {
  it("a relative redirect is resolved against the agent's URL and shown without its query; it is not followed", async () => {
    const { url, port } = await serve((request, _b, res) => {
      if (request.url?.startsWith('/elsewhere')) return respond(res, 200, '"followed"');
      res.writeHead(302, { Location: '/elsewhere/?token=1' });
      res.end();
    });
    const error = await fail(send(url));
    expect(error).toBeInstanceOf(JolokiaHttpError);
    expect(error.message).toMatch(
      new RegExp(`redirects to http://127\\.0\\.0\\.1:${port}/elsewhere/ \\(HTTP 302\\); not followed`),
    );
    expect(agent!.received).toHaveLength(1);
  });

  it('a Location that is not a URL', async () => {
    const { url } = await serve((_q, _b, res) => {
      res.writeHead(301, { Location: 'http://[not-a-host' });
      res.end();
    });
    expect((await fail(send(url))).message).toMatch(/redirects to an invalid location \(HTTP 301\)/);
  });

  it('401 with a user: the credentials given were refused', async () => {
    const { url } = await serve((_q, _b, res) => respond(res, 401, ''));
    expect(await fail(send(url, { user: 'monitor', password: PASSWORD }))).toMatchObject({
      status: 401,
      message: `Authentication failed for user monitor at ${url} (HTTP 401): check the user and password`,
    });
  });
});

describe('post: TLS', () => {
  const ok: Handler = (_q, _b, res) => respond(res, 200, '"secure"');

  it('verified against --ca-file', async () => {
    const { url } = await serve(ok, { tls: { cert: CERT_127, key: KEY_127 } });
    expect(await send(url, { tls: { ca: CERT_127 } })).toBe('"secure"');
  });

  it('not trusted without it: a connection error whose remedy is trust, and the request was never sent', async () => {
    const { url } = await serve(ok, { tls: { cert: CERT_127, key: KEY_127 } });
    const error = await fail(send(url, { user: 'monitor', password: PASSWORD }));
    expect(error).toBeInstanceOf(JolokiaConnectionError);
    expect(error).toMatchObject({ remedy: 'trust' });
    expect(agent!.received).toEqual([]);
  });

  it('trusted, but for another name: refused', async () => {
    const { url } = await serve(ok, { tls: { cert: CERT_OTHER_NAME, key: KEY_OTHER_NAME } });
    expect((await fail(send(url, { tls: { ca: CERT_OTHER_NAME } }))).message).toMatch(
      /its TLS certificate is not valid for 127\.0\.0\.1$/,
    );
  });

  it('--insecure: not verified', async () => {
    const { url } = await serve(ok, { tls: { cert: CERT_OTHER_NAME, key: KEY_OTHER_NAME } });
    expect(await send(url, { tls: { insecure: true } })).toBe('"secure"');
  });

  it('a client key Node cannot use: said before anything is sent', async () => {
    const { url } = await serve(ok, { tls: { cert: CERT_127, key: KEY_127 } });
    const error = await fail(
      send(url, {
        tls: { ca: CERT_127, cert: CERT_127, key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' },
      }),
    );
    expect(error).toBeInstanceOf(JolokiaConnectionError);
    expect(error).toMatchObject({
      remedy: 'tls-files',
      message: expect.stringMatching(
        new RegExp(`^Cannot send a request to ${url.replace(/\./g, '\\.')}: its TLS settings cannot be used \\(.+\\)$`),
      ),
    });
    expect(agent!.connections).toBe(0);
  });
});
