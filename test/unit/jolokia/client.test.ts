// The Jolokia client against a local server: each failure arrives as its own typed error with
// a sentence that names the URL and never the credentials, and never an option of ours (the
// command line adds those, from the error's remedy).
import { afterEach, describe, expect, it } from 'vitest';
import { Answer } from '../../../src/jolokia/answer.js';
import { JolokiaClient } from '../../../src/jolokia/client.js';
import {
  JolokiaAgentError,
  JolokiaConnectionError,
  JolokiaHttpError,
  JolokiaProtocolError,
  JolokiaTimeoutError,
} from '../../../src/jolokia/errors.js';
import { keyProperty, objectName, sameObjectName } from '../../../src/jolokia/object-names.js';
import { Redactor } from '../../../src/jolokia/redact.js';
import { isSuccess, type JolokiaResponse, type ReadRequest, type SearchRequest } from '../../../src/jolokia/types.js';
import { jolokia, respond, startFakeAgent, type FakeAgent, type Handler } from '../../support/fake-agent.js';

const READ: ReadRequest = {
  type: 'read',
  mbean: 'org.apache.cassandra.db:type=StorageService',
  attribute: 'IncrementalBackupsEnabled',
};
let agent: FakeAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

async function call(
  handler: Handler,
  options: { timeoutMs?: number; maxResponseBytes?: number; user?: string; password?: string } = {},
) {
  agent = await startFakeAgent(handler);
  const url = new URL(agent.url);
  const client = new JolokiaClient({
    url,
    ...(options.user ? { user: options.user, password: options.password ?? '' } : {}),
  });
  return client.bulk([READ], {
    deadline: Date.now() + (options.timeoutMs ?? 2000),
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
}

describe('JolokiaClient.bulk', () => {
  it('returns one answer per request, paired with it', async () => {
    const answers = await call(jolokia({ IncrementalBackupsEnabled: true }));
    expect(answers).toHaveLength(1);
    expect(answers[0].request).toBe(READ);
    expect(answers[0].ok).toBe(true);
    expect(answers[0].boolean()).toBe(true);
  });

  it('sends basic authentication when a user is given', async () => {
    await call(jolokia({ IncrementalBackupsEnabled: true }), { user: 'monitor', password: 'pw' });
    expect(agent!.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('monitor:pw').toString('base64')}`);
  });

  it.each<[string, Handler, new (...args: never[]) => Error, RegExp]>([
    ['401', (_q, _b, res) => respond(res, 401, ''), JolokiaHttpError, /requires authentication \(HTTP 401\)$/],
    [
      'a redirect',
      (_q, _b, res) => {
        res.writeHead(302, { Location: 'http://user:pw@elsewhere.example:9/steal?x=1' });
        res.end();
      },
      JolokiaHttpError,
      /redirects to http:\/\/elsewhere.example:9\/steal \(HTTP 302\); not followed/,
    ],
    [
      '404 on the path',
      (_q, _b, res) => respond(res, 404, 'not found', 'text/plain'),
      JolokiaHttpError,
      /No Jolokia agent at http:\/\/127.0.0.1:\d+\/jolokia \(HTTP 404\)$/,
    ],
    ['truncated JSON', (_q, _b, res) => respond(res, 200, '[{"status":200,"val'), JolokiaProtocolError, /is not JSON/],
    [
      'an object where an array belongs',
      (_q, _b, res) => respond(res, 200, '{"hello":"world"}'),
      JolokiaProtocolError,
      /JSON but not a Jolokia answer/,
    ],
    [
      'too many answers',
      (_q, _b, res) => respond(res, 200, '[{"status":200,"value":true},{"status":200,"value":true}]'),
      JolokiaProtocolError,
      /holds 2 results for 1 requests/,
    ],
    [
      'an answer for another MBean',
      (_q, _b, res) =>
        respond(
          res,
          200,
          JSON.stringify([
            {
              status: 200,
              value: true,
              request: { type: 'read', mbean: 'java.lang:type=Memory', attribute: 'IncrementalBackupsEnabled' },
            },
          ]),
        ),
      JolokiaProtocolError,
      /answered a different request/,
    ],
    [
      'invalid UTF-8',
      (_q, _b, res) => respond(res, 200, Buffer.from([0x5b, 0xff, 0xfe, 0x5d])),
      JolokiaProtocolError,
      /not valid UTF-8/,
    ],
    [
      'a body over the size cap',
      (_q, _b, res) => respond(res, 200, `[${' '.repeat(5000)}]`),
      JolokiaProtocolError,
      /larger than 1000 bytes/,
    ],
    [
      'a reset half-way',
      (_q, _b, res) => {
        res.writeHead(200, { 'Content-Length': 1000 });
        res.write('[{"status":');
        setTimeout(() => res.socket?.destroy(), 50);
      },
      JolokiaConnectionError,
      /closed the connection after 11 bytes/,
    ],
    [
      'headers, then a stalled body',
      (_q, _b, res) => {
        res.writeHead(200, { 'Content-Length': 1000 });
        res.write('[{');
      },
      JolokiaTimeoutError,
      /stalled after 2 bytes/,
    ],
    [
      'no answer at all',
      () => undefined,
      JolokiaTimeoutError,
      /accepted the connection but sent no answer within 0.5 s/,
    ],
  ])('%s', async (_name, handler, type, message) => {
    const error = await call(handler, { timeoutMs: 500, maxResponseBytes: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/pw@|user:pw/);
    expect((error as Error).message, "options are the command line's to name").not.toMatch(/ --[a-z]/);
  });

  it('says what the operator can change as a remedy, not as an option', async () => {
    const unauthorised = await call((_q, _b, res) => respond(res, 401, '')).catch((e: unknown) => e);
    expect(unauthorised).toMatchObject({ remedy: 'credentials' });
    const wrongPassword = await call((_q, _b, res) => respond(res, 401, ''), { user: 'monitor', password: 'pw' }).catch(
      (e: unknown) => e,
    );
    expect(wrongPassword).toMatchObject({
      remedy: undefined,
      message: expect.stringMatching(/Authentication failed for user monitor .*: check the user and password$/),
    });
    const nowhere = await call((_q, _b, res) => respond(res, 404, '')).catch((e: unknown) => e);
    expect(nowhere).toMatchObject({ remedy: 'agent-location' });
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

describe('Answer: a request with its response, read as the type expected', () => {
  const party = {
    where: 'http://cass1:8778/jolokia',
    label: 'the agent',
    redactor: new Redactor('u', 'p4ss'),
    system: 'Cassandra',
  };
  const answer = (response: JolokiaResponse, request: ReadRequest | SearchRequest = READ) =>
    new Answer(request, response, party);

  it('tells success from error with a type guard', () => {
    expect(isSuccess({ status: 200, value: false })).toBe(true);
    expect(isSuccess({ status: 200 } as JolokiaResponse)).toBe(false);
    expect(isSuccess({ status: 404, error: 'x' })).toBe(false);
  });

  it.each<[string, unknown, (a: Answer) => unknown]>([
    ['boolean', true, (a) => a.boolean()],
    ['string', '5.0.9', (a) => a.string()],
    ['number', 12.5, (a) => a.number()],
    ['strings', ['/var/lib/cassandra/data'], (a) => a.strings()],
    ['map', { '10.0.0.1:7000': 'host-id' }, (a) => a.map()],
  ])('reads a %s', (_kind, value, read) => {
    expect(read(answer({ status: 200, value }))).toEqual(value);
  });

  it.each<[string, unknown, (a: Answer) => unknown, string]>([
    [
      'a string for a boolean',
      'running',
      (a) => a.boolean(),
      'gave the string "running" for IncrementalBackupsEnabled, where Cassandra has a boolean',
    ],
    [
      'null for a string',
      null,
      (a) => a.string(),
      'gave null for IncrementalBackupsEnabled, where Cassandra has a string',
    ],
    [
      'infinity for a number',
      'Infinity',
      (a) => a.number(),
      'gave the string "Infinity" for IncrementalBackupsEnabled, where Cassandra has a number',
    ],
    [
      'a list with a number in it',
      ['a', 1],
      (a) => a.strings(),
      'gave an array for IncrementalBackupsEnabled, where Cassandra has a list of strings',
    ],
    ['a list for a map', [], (a) => a.map(), 'gave an array for IncrementalBackupsEnabled, where Cassandra has a map'],
    [
      'an object for a boolean',
      {},
      (a) => a.boolean(),
      'gave an object for IncrementalBackupsEnabled, where Cassandra has a boolean',
    ],
  ])('says what it got instead: %s', (_name, value, read, words) => {
    expect(() => read(answer({ status: 200, value }))).toThrow(
      new JolokiaProtocolError(`The agent at http://cass1:8778/jolokia ${words}`),
    );
  });

  it('never quotes the password back', () => {
    expect(() => answer({ status: 200, value: 'p4ss' }).boolean()).toThrow('gave the string "***" for');
  });

  it('names a missing MBean, and the URL without credentials', () => {
    expect(() =>
      answer({ status: 404, error_type: 'javax.management.InstanceNotFoundException', error: 'x' }).value(),
    ).toThrow('The agent at http://cass1:8778/jolokia has no MBean org.apache.cassandra.db:type=StorageService');
    expect(() => answer({ status: 404 }).value()).toThrow(JolokiaAgentError);
  });

  it('says when the access policy forbids a request', () => {
    expect(() =>
      answer({ status: 403, error: 'Reading attribute IncrementalBackupsEnabled is forbidden' }).value(),
    ).toThrow(/access policy .* forbids read of attribute IncrementalBackupsEnabled/);
  });

  it('optional: undefined where the agent refused or sent another type', () => {
    expect(answer({ status: 403 }).optional((a) => a.string())).toBeUndefined();
    expect(answer({ status: 200, value: 5 }).optional((a) => a.string())).toBeUndefined();
    expect(answer({ status: 200, value: '5.0.9' }).optional((a) => a.string())).toBe('5.0.9');
  });
});

describe('object names', () => {
  it('ignores the order of key properties', () => {
    expect(sameObjectName('d:type=Table,keyspace=ks,scope=t,name=X', 'd:keyspace=ks,name=X,scope=t,type=Table')).toBe(
      true,
    );
    expect(sameObjectName('d:type=Table,keyspace=ks', 'd:type=Table,keyspace=other')).toBe(false);
  });

  it('are built from parts, and give their parts back', () => {
    const name = objectName('org.apache.cassandra.db', { type: 'Tables', keyspace: 'shop', table: 'orders' });
    expect(name).toBe('org.apache.cassandra.db:type=Tables,keyspace=shop,table=orders');
    expect(keyProperty(name, 'table')).toBe('orders');
    expect(keyProperty(name, 'scope')).toBeUndefined();
  });
});
