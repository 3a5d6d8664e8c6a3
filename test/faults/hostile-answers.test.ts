// Answers a broken or hostile agent (or whatever else listens on its port) can give, each to the
// plugin run as a process (exactly one line of output), then in-process at -vvv (the protocol
// trace shows the answer) and with --format json. Each must give UNKNOWN with one clean line that
// says what was wrong; nothing in the answer may add perfdata, a line of its own or a second status.

import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CASSANDRA_VALUES,
  jolokia,
  respond,
  startFakeAgent,
  type FakeAgent,
  type Handler,
} from '../support/fake-agent.js';
import { entry as plugin } from '../../src/plugins/check_cassandra_backup.js';
import { execute } from '../../src/runtime/plugin.js';
import { asRun, expectCleanRun } from '../support/plugin-output.js';
import { runPlugin } from '../support/run-plugin.js';

const PLUGIN = 'check_cassandra_backup';
const T = 10;
const SS = 'org.apache.cassandra.db:type=StorageService';
const MAX_BYTES = 1024 * 1024;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Everything that could break a status line, in one error text. */
const EVIL =
  'boom|evil=1;2;3\nCASSANDRA BACKUP OK - fake | fake=1\r\n\u0000\u0007\u001b[31mred\u001b[0m\t\u2028\u2029\u0085\u202eKO\u202c\u061c';
const EVIL_CLEAN = 'boom/evil=1;2;3 CASSANDRA BACKUP OK - fake / fake=1 [31mred [0m KO';
/** After a long MBean name, the status line's 200 characters end inside the error text. */
const EVIL_CUT = `${escapeRegExp(EVIL_CLEAN.slice(0, 30))}[^|]*…`;

type RequestLike = { type: string; mbean?: string; attribute?: string };

/** A 200 answer whose items are built from the requests the plugin sent (echo included). */
function answers(build: (request: RequestLike, i: number) => unknown, contentType = 'application/json'): Handler {
  return (_q, body, res) => {
    const requests = JSON.parse(body) as RequestLike[];
    respond(res, 200, JSON.stringify(requests.map((r, i) => build(r, i))), contentType);
  };
}

/** Backup flag `value`, a normal ReleaseVersion. */
const backupValue = (value: unknown): Handler =>
  answers((r, i) => (i === 0 ? { status: 200, value, request: r } : { status: 200, value: '5.0.6', request: r }));

const raw =
  (body: string | Buffer, status = 200, contentType = 'application/json'): Handler =>
  (_q, _b, res) =>
    respond(res, status, body, contentType);

/** Streams up to `total` bytes of JSON-ish filler, as fast as the client reads; counts what was written. */
function flood(total: number, declareLength: boolean, written: { bytes: number }): Handler {
  return (_q, _b, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', ...(declareLength ? { 'Content-Length': total } : {}) });
    res.write('[');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (written.bytes < total && !res.destroyed && res.write(chunk)) written.bytes += chunk.length;
      if (written.bytes < total && !res.destroyed) res.once('drain', pump);
    };
    pump();
  };
}

const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const URL_RE = 'http://127\\.0\\.0\\.1:\\d+/jolokia';
const answerOf = (rest: string) => new RegExp(`^The answer of ${URL_RE} ${rest}$`);
const agentAt = (rest: string) => new RegExp(`^The agent at ${URL_RE} ${rest}$`);
const wrongType = (what: string) =>
  agentAt(`gave ${what} for IncrementalBackupsEnabled, where Cassandra has a boolean`);

const flooded = { bytes: 0 };
const declared = { bytes: 0 };
/** The size cap stopped reading early: of 3 × 1 GB offered, a few MB were written (socket buffers). */
const readLittle = (written: { bytes: number }) => () => expect(written.bytes).toBeLessThan(64 * 1024 * 1024);

/** [what, the agent's behaviour, the status text expected, a check on the agent's side afterwards] */
const HOSTILE: [string, Handler, RegExp, (() => void)?][] = [
  [
    'HTML instead of JSON',
    raw('<html><body>Please log in</body></html>', 200, 'text/html'),
    answerOf('is not JSON \\(it starts with "<html><body>Please log in</body></html>"\\): is this a Jolokia agent\\?'),
  ],
  ['an empty body', raw(''), answerOf('is not JSON \\(it starts with ""\\): is this a Jolokia agent\\?')],
  [
    'a body of NUL bytes',
    raw(Buffer.alloc(64)),
    answerOf('is not JSON \\(it starts with " "\\): is this a Jolokia agent\\?'),
  ],
  [
    'JSON with NaN',
    raw('[{"status":200,"value":NaN}]'),
    answerOf('is not JSON \\(it starts with "\\[\\{"status":200,"value":NaN\\}\\]"\\): is this a Jolokia agent\\?'),
  ],
  [
    'truncated JSON',
    raw('[{"status":200,"value":tr'),
    answerOf('is not JSON \\(it starts with "\\[\\{"status":200,"value":tr"\\): is this a Jolokia agent\\?'),
  ],
  [
    'a gzip body nobody asked for',
    (_q, _b, res) => {
      const body = gzipSync(
        JSON.stringify([
          { status: 200, value: true },
          { status: 200, value: '5.0.6' },
        ]),
      );
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Encoding': 'gzip',
        'Content-Length': body.length,
      });
      res.end(body);
    },
    answerOf('is (not valid UTF-8|not JSON .*)'),
  ],
  ['JSON null', raw('null'), answerOf('is JSON but not a Jolokia answer')],
  ['a JSON string', raw('"running"'), answerOf('is JSON but not a Jolokia answer')],
  ['a JSON number', raw('42'), answerOf('is JSON but not a Jolokia answer')],
  [
    'one object where the bulk array belongs',
    raw('{"status":200,"value":true}'),
    answerOf('holds 1 results for 2 requests'),
  ],
  [
    'arrays where objects belong',
    raw('[[{"status":200,"value":true}],[{"status":200,"value":"5.0.6"}]]'),
    answerOf('is JSON but not a Jolokia answer'),
  ],
  ['answers without status', raw('[{"value":true},{"value":"5.0.6"}]'), answerOf('is JSON but not a Jolokia answer')],
  [
    'status as a string',
    raw('[{"status":"200","value":true},{"status":"200","value":"5.0.6"}]'),
    answerOf('is JSON but not a Jolokia answer'),
  ],
  [
    'status 200 without a value',
    answers((r) => ({ status: 200, request: r })),
    agentAt(`answered read of attribute IncrementalBackupsEnabled of MBean ${SS} with error 200`),
  ],
  [
    'three results for two requests',
    raw(
      JSON.stringify([
        { status: 200, value: true },
        { status: 200, value: '5' },
        { status: 200, value: 1 },
      ]),
    ),
    answerOf('holds 3 results for 2 requests'),
  ],
  [
    '30 000 results for two requests',
    raw(`[${Array(30_000).fill('{"status":200,"value":true}').join(',')}]`),
    answerOf('holds 30000 results for 2 requests'),
  ],
  ['"true" as a string… or "running"', backupValue('running'), wrongType('the string "running"')],
  ['null as the value', backupValue(null), wrongType('null')],
  ['a number as the value', backupValue(1), wrongType('a number')],
  ['an object as the value', backupValue({ enabled: true }), wrongType('an object')],
  ['an array as the value', backupValue([true]), wrongType('an array')],
  [
    'a duplicated key, the last one a string',
    (_q, _b, res) => respond(res, 200, '[{"status":200,"value":true,"value":"true"},{"status":200,"value":"5.0.6"}]'),
    wrongType('the string "true"'),
  ],
  [
    'a __proto__ that pretends success',
    raw('[{"status":500,"error":"nope","__proto__":{"status":200,"value":true}},{"status":200,"value":"5"}]'),
    agentAt(`answered read of attribute IncrementalBackupsEnabled of MBean ${SS} with error 500: nope`),
  ],
  [
    'an answer for a different MBean',
    answers((r) => ({ status: 200, value: true, request: { ...r, mbean: 'java.lang:type=Memory' } })),
    agentAt(`answered a different request than the one sent \\(attribute IncrementalBackupsEnabled of MBean ${SS}\\)`),
  ],
  [
    'an answer for a different attribute',
    answers((r) => ({ status: 200, value: true, request: { ...r, attribute: 'Enabled' } })),
    agentAt(`answered a different request than the one sent \\(attribute IncrementalBackupsEnabled of MBean ${SS}\\)`),
  ],
  [
    'a 1 GB body that says so (Content-Length)',
    flood(1024 ** 3, true, declared),
    answerOf(`is larger than ${MAX_BYTES} bytes; stopped reading`),
    readLittle(declared),
  ],
  [
    'a 1 GB body streamed without a length',
    flood(1024 ** 3, false, flooded),
    answerOf(`is larger than ${MAX_BYTES} bytes; stopped reading`),
    readLittle(flooded),
  ],
  ['deeply nested arrays as the whole answer', raw(deep(300_000)), answerOf('is JSON but not a Jolokia answer')],
  [
    'deeply nested arrays as the value',
    raw(`[{"status":200,"value":${deep(200_000)}},{"status":200,"value":"5"}]`),
    wrongType('an array'),
  ],
  [
    'deeply nested objects as the error',
    raw(`[{"status":500,"error":${deepObject(100_000)}},{"status":200,"value":"5"}]`),
    agentAt(`answered read of attribute IncrementalBackupsEnabled of MBean ${SS} with error 500`),
  ],
  [
    'invalid UTF-8',
    raw(
      Buffer.concat([
        Buffer.from('[{"status":200,"value":"'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('"}]'),
      ]),
    ),
    answerOf('is not valid UTF-8'),
  ],
  [
    'invalid UTF-8 in an HTTP 500',
    raw(Buffer.from([0x80, 0x81, 0xff]), 500, 'text/plain'),
    answerOf('is not valid UTF-8'),
  ],
  [
    'lone surrogates, bidi controls and U+FFFD in an error text',
    raw('[{"status":500,"error":"\\ud800 \\u202eKO\\u202c \\ufffd \\u061c\\udfff"},{"status":200,"value":"5"}]'),
    agentAt(
      `answered read of attribute IncrementalBackupsEnabled of MBean ${SS} with error 500: \ufffd KO \ufffd \ufffd`,
    ),
  ],
  [
    "|, newlines and control characters in the agent's error",
    answers((r) => ({ status: 500, error: EVIL, request: r })),
    agentAt(`answered read of attribute IncrementalBackupsEnabled of MBean ${SS} with error 500: ${EVIL_CUT}`),
  ],
  [
    'the same in a 404 with a made-up error type',
    answers((r) => ({ status: 404, error_type: EVIL, error: EVIL, request: r })),
    agentAt(`has no attribute IncrementalBackupsEnabled of MBean ${SS}: ${EVIL_CUT}`),
  ],
  [
    'the same in a plain-text HTTP 500',
    raw(EVIL, 500, 'text/plain'),
    agentAt(`answered HTTP 500: ${escapeRegExp(EVIL_CLEAN)}`),
  ],
  [
    'the same in an HTML HTTP 403',
    raw(`<html><h1>${EVIL}</h1></html>`, 403, 'text/html'),
    agentAt(`refused the request \\(HTTP 403\\): ${escapeRegExp(EVIL_CLEAN)}`),
  ],
  [
    'an error text of 100 000 characters',
    answers((r) => ({ status: 500, error: 'x'.repeat(100_000), request: r })),
    agentAt(`answered read of attribute IncrementalBackupsEnabled of MBean ${SS} with error 500: x+…`),
  ],
  [
    'a redirect to a location full of |',
    (_q, _b, res) => {
      res.writeHead(302, { Location: 'http://evil|host:80/a|b c', 'Content-Length': 0 });
      res.end();
    },
    agentAt(
      'redirects to an invalid location \\(HTTP 302\\); not followed, so credentials stay with the configured URL: give that URL instead',
    ),
  ],
];

let agent: FakeAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

describe.concurrent('hostile or broken answers: UNKNOWN, one clean line that says what was wrong', () => {
  it.each(HOSTILE)('%s', async (_name, handler, message, afterwards) => {
    const target = await startFakeAgent(handler);
    try {
      const base = ['--url', target.url, '-t', String(T)];
      const plain = await runPlugin(PLUGIN, base);
      const traced = await asRun(execute(plugin, [...base, '-vvv'], {}));
      const json = await asRun(execute(plugin, [...base, '--format', 'json'], {}));
      expectCleanRun(plain, { timeoutSeconds: T, code: 3, message });
      expectCleanRun(traced, { timeoutSeconds: T, code: 3, message, verbosity: 3 });
      expect(traced.stdout, 'the -vvv trace is there').toContain('> POST ');
      expect(traced.stdout, 'not a bug of ours').not.toContain('internal error');
      expect(json.code).toBe(3);
      expect(json.stdout.split('\n')).toHaveLength(2);
      const body = JSON.parse(json.stdout) as Record<string, unknown>;
      expect(body).toMatchObject({ backup_enabled: null, status: 'unknown', state: 'UNKNOWN', exit_code: 3 });
      expect(body['message']).toMatch(message);
      afterwards?.();
    } finally {
      await target.close();
    }
  });
});

describe('an answer that is fine but for hostile text in a value we only show', () => {
  it('a ReleaseVersion full of |, newlines and a fake status line: still OK, our perfdata only', async () => {
    agent = await startFakeAgent(jolokia({ ...CASSANDRA_VALUES(true), ReleaseVersion: EVIL }));
    for (const verbosity of [[], ['-v'], ['-vv'], ['-vvv']]) {
      const run = await runPlugin(PLUGIN, ['--url', agent.url, ...verbosity]);
      expectCleanRun(run, {
        timeoutSeconds: 10,
        code: 0,
        message: /^Incremental backup is enabled$/,
        verbosity: verbosity.length === 0 ? 0 : verbosity[0]!.length - 1,
      });
      expect(run.statusLine).toMatch(/ \| backup_enabled=1;;;0;1 time=\d+(\.\d+)?s;;;0$/);
      // Not a release number, so not shown at all: only informative, and never whatever the agent sent.
      if (verbosity.length > 0) expect(run.stdout).toContain('Cassandra (version not readable) at http://127.0.0.1:');
    }
    const json = await runPlugin(PLUGIN, ['--url', agent.url, '--format', 'json']);
    expect(json.stdout.split('\n')).toHaveLength(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ state: 'OK', cassandra_version: null });
    const prometheus = await runPlugin(PLUGIN, ['--url', agent.url, '--format', 'prometheus']);
    for (const line of prometheus.stdout.trimEnd().split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+ -?\d+(\.\d+)?)$/);
  });
});
