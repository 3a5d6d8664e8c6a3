// Property-based tests (fast-check): the range parser, the perfdata formatter and the sanitiser
// against arbitrary input, and random bytes as the agent's answer, in-process (many runs) and
// to the plugin as a process (fewer): it always exits 0–3 with exactly one status line.

import fc from 'fast-check';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entry as plugin } from '../../src/plugins/check_cassandra_backup.js';
import { UsageError } from '../../src/runtime/errors.js';
import { sanitize } from '../../src/runtime/output.js';
import { formatLabel, formatNumber, formatPerfdata, type Unit } from '../../src/runtime/perfdata.js';
import { execute } from '../../src/runtime/plugin.js';
import { Range } from '../../src/runtime/range.js';
import { startFakeAgent, type FakeAgent } from '../support/fake-agent.js';
import { startRawAgent, type RawAgent } from '../support/fault-servers.js';
import { expectCleanRun, STATUS_LINE } from '../support/plugin-output.js';
import { runPlugin } from '../support/run-plugin.js';

/** Text as hostile as text gets: any code point, lone surrogates, and the characters that break lines. */
const SPECIAL = [
  '|',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u001b',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\u061c',
  '\u200f',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\ufffd',
  ' ',
  '\u00a0',
  '…',
  '😀',
  "'",
  '=',
  ';',
  'a',
  '1',
];
const hostileText = (maxLength = 300): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength }),
    fc.string({ unit: fc.constantFrom(...SPECIAL), maxLength }),
  );

/** A decimal as operators write it: `-12`, `3.5`, `.5`, `+7.` */
const decimal = fc
  .tuple(
    fc.constantFrom('', '-', '+'),
    fc.nat({ max: 1_000_000 }),
    fc.option(fc.nat({ max: 999 }), { nil: undefined }),
    fc.boolean(),
  )
  .map(([sign, int, frac, bareFraction]) =>
    frac === undefined ? `${sign}${int}` : bareFraction ? `${sign}.${frac}` : `${sign}${int}.${frac}`,
  );

/** A valid range spec, and the bounds it stands for. */
const validRange = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.constant(''), fc.constant('~'), decimal),
    fc.oneof(fc.constant(''), decimal),
    fc.boolean(),
  )
  .filter(([, start, end]) => {
    const s = start === '' ? 0 : start === '~' ? -Infinity : Number(start);
    const e = end === '' ? Infinity : Number(end);
    return s <= e;
  })
  .map(([inside, start, end, colon]) => {
    // `N` alone means 0:N; otherwise `start:end`.
    const spec =
      !colon && start === '' && end !== '' ? `${inside ? '@' : ''}${end}` : `${inside ? '@' : ''}${start}:${end}`;
    return {
      spec,
      inside,
      start: start === '' ? 0 : start === '~' ? -Infinity : Number(start),
      end: end === '' ? Infinity : Number(end),
    };
  });

describe('Range.parse', () => {
  it('any text: a Range, or a UsageError that names the option; never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(40), fc.stringMatching(/^@?[~+\-.:0-9e ]{0,12}$/)), (text) => {
        // Only the parse may throw here: a failed expectation below must fail as itself, not be
        // caught and reported as "not a UsageError".
        let range: Range;
        try {
          range = Range.parse(text, '--warning');
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message).toMatch(/^--warning: /);
          return;
        }
        expect(range.toString()).toBe(text.trim());
        // What perfdata will carry: nothing that could break it.
        expect(range.toString()).toMatch(/^@?(~|[+-]?(\d+\.?\d*|\.\d+))?(:([+-]?(\d+\.?\d*|\.\d+))?)?$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('a valid range alerts exactly when the guidelines say: outside, or inside with @, ends included', () => {
    fc.assert(
      fc.property(validRange, fc.oneof(fc.double({ noNaN: true }), decimal.map(Number)), (r, value) => {
        const range = Range.parse(r.spec);
        expect(range.toString()).toBe(r.spec);
        for (const v of [value, r.start, r.end]) {
          if (!Number.isFinite(v)) continue;
          const within = v >= r.start && v <= r.end;
          expect(range.accepts(v)).toBe(r.inside ? !within : within);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a start after the end is a usage error that says so', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        fc.pre(Number(a) > Number(b));
        expect(() => Range.parse(`${a}:${b}`, '-c')).toThrow(`-c: '${a}:${b}' starts after it ends`);
      }),
      { numRuns: 500 },
    );
  });
});

const UNITS: Unit[] = ['', 's', 'ms', 'us', '%', 'B', 'KB', 'MB', 'GB', 'TB', 'c'];
const NUMBER_FIELD = '-?\\d+(\\.\\d+)?';
const RANGE_FIELD = '@?(~|[+-]?(\\d+\\.?\\d*|\\.\\d+))?(:([+-]?(\\d+\\.?\\d*|\\.\\d+))?)?';
/** `'label'=value[UOM];[warn];[crit];[min];[max]`, trailing empty fields dropped. */
const PERFDATA = new RegExp(
  `^('[^'=|\\p{Cc}\\p{Zl}\\p{Zp}]+'|[^'=|\\s\\p{Cc}]+)=(U|${NUMBER_FIELD}(s|ms|us|%|B|KB|MB|GB|TB|c)?)(;(${RANGE_FIELD})?){0,2}(;(${NUMBER_FIELD})?){0,2}$`,
  'u',
);

describe('formatPerfdata', () => {
  const someNumber = fc.oneof(
    fc.double(),
    fc.integer(),
    fc.constantFrom(0, -0, 1e21, -1e21, 1e-7, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity),
  );

  it('whatever the label, value and bounds: one item of the perfdata grammar, nothing that ends it', () => {
    fc.assert(
      fc.property(
        hostileText(60),
        fc.option(someNumber, { nil: undefined }),
        fc.constantFrom(...UNITS),
        fc.option(validRange, { nil: undefined }),
        fc.option(validRange, { nil: undefined }),
        fc.option(someNumber, { nil: undefined }),
        fc.option(someNumber, { nil: undefined }),
        (label, value, unit, warning, critical, min, max) => {
          const text = formatPerfdata({
            label,
            value,
            unit,
            warning: warning && Range.parse(warning.spec),
            critical: critical && Range.parse(critical.spec),
            ...(min === undefined ? {} : { min }),
            ...(max === undefined ? {} : { max }),
          });
          expect(text).toMatch(PERFDATA);
          expect(text).not.toMatch(/[|\p{Cc}\p{Zl}\p{Zp}]/u);
          expect(text).not.toMatch(/\d[eE][+-]?\d/);
          // The label is ours to the first `=`, and says what it said, minus what it may not hold.
          const labelPart = text.slice(0, text.indexOf('='));
          expect(labelPart).toBe(formatLabel(label));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('formatNumber: plain decimal, no exponent, the same number to six decimals', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = formatNumber(n);
        expect(text).toMatch(/^-?\d+(\.\d{1,6})?$/);
        if (Number.isInteger(n)) expect(BigInt(text)).toBe(BigInt(n));
        else expect(Math.abs(Number(text) - n)).toBeLessThanOrEqual(5e-7 + Math.abs(n) * Number.EPSILON * 4);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('sanitize', () => {
  const BAD = /[|\p{Cc}\p{Zl}\p{Zp}\p{Cs}\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

  it('any text: one line, no |, no control, bidi or lone surrogate, at most `limit` characters', () => {
    fc.assert(
      fc.property(hostileText(600), fc.integer({ min: 1, max: 400 }), (text, limit) => {
        const clean = sanitize(text, limit);
        expect(clean).not.toMatch(BAD);
        expect(Array.from(clean).length).toBeLessThanOrEqual(limit);
        expect(clean).toBe(clean.trim());
        expect(clean).not.toMatch(/\s\s/);
        expect(sanitize(clean, limit)).toBe(clean);
      }),
      { numRuns: 5000 },
    );
  });

  it('a lone surrogate becomes U+FFFD, as String.prototype.toWellFormed (Node 20+) makes it', () => {
    fc.assert(
      fc.property(hostileText(200), (text) => {
        expect(sanitize(text, 400)).toBe(sanitize(text.toWellFormed(), 400));
      }),
      { numRuns: 5000 },
    );
  });

  it('text that was clean already is left as it was', () => {
    const word = fc.string({
      unit: fc.constantFrom(...'abcXYZ019-_.:;,()[]{}/\\"\'=éß日本😀'.split(/(?:)/u)),
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.array(word, { maxLength: 15 }), (words) => {
        const text = words.join(' ');
        expect(sanitize(text, 400)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});

// --- Random answers from the agent ----------------------------------------------------------

const REQUESTS = [
  { type: 'read', mbean: 'org.apache.cassandra.db:type=StorageService', attribute: 'IncrementalBackupsEnabled' },
  { type: 'read', mbean: 'org.apache.cassandra.db:type=StorageService', attribute: 'ReleaseVersion' },
];
const VALID = JSON.stringify([
  { status: 200, value: true, request: REQUESTS[0] },
  { status: 200, value: '5.0.6', request: REQUESTS[1] },
]);

const jolokiaItem = fc.record(
  {
    status: fc.oneof(fc.constant(200), fc.integer({ min: 100, max: 599 }), fc.jsonValue()),
    value: fc.oneof(fc.boolean(), fc.jsonValue(), hostileText(50)),
    error: fc.oneof(hostileText(300), fc.jsonValue()),
    error_type: fc.oneof(
      fc.constantFrom('javax.management.InstanceNotFoundException', 'javax.management.AttributeNotFoundException'),
      hostileText(50),
    ),
    request: fc.oneof(
      fc.constantFrom(...REQUESTS),
      fc.jsonValue(),
      fc.record({ type: fc.constant('read'), mbean: hostileText(40), attribute: hostileText(20) }),
    ),
  },
  { requiredKeys: [] },
);

/** Bytes an agent could send as its body. */
const body = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
  fc.json().map((s) => Buffer.from(s)),
  fc.array(jolokiaItem, { maxLength: 4 }).map((items) => Buffer.from(JSON.stringify(items))),
  fc.tuple(fc.jsonValue(), fc.jsonValue()).map(([a, b]) =>
    Buffer.from(
      JSON.stringify([
        { status: 200, value: a, request: REQUESTS[0] },
        { status: 200, value: b, request: REQUESTS[1] },
      ]),
    ),
  ),
  // Well-formed answers whose only hostile part is the text we show (the release version).
  fc.tuple(fc.boolean(), fc.oneof(hostileText(300), fc.jsonValue())).map(([enabled, version]) =>
    Buffer.from(
      JSON.stringify([
        { status: 200, value: enabled, request: REQUESTS[0] },
        { status: 200, value: version, request: REQUESTS[1] },
      ]),
    ),
  ),
  fc.tuple(fc.nat(), fc.nat({ max: 255 })).map(([i, byte]) => {
    const bytes = Buffer.from(VALID);
    bytes[i % bytes.length] = byte;
    return bytes;
  }),
  fc.nat().map((i) => Buffer.from(VALID).subarray(0, i % (VALID.length + 1))),
);

const answer = fc.record({
  status: fc.oneof(
    { weight: 3, arbitrary: fc.constant(200) },
    { weight: 1, arbitrary: fc.constantFrom(204, 301, 302, 400, 401, 403, 404, 500, 503) },
  ),
  contentType: fc.constantFrom('application/json', 'text/plain;charset=utf-8', 'text/html', 'application/octet-stream'),
  body,
});

const CODES: Record<string, number> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The exit code an answer must give, from the Jolokia protocol, worked out here and not by the
 * plugin's code: anything but HTTP 200 with UTF-8 JSON that is a bulk answer of exactly the two
 * responses asked for, each a record with a numeric status and none echoing another MBean or
 * attribute, is UNKNOWN. Then the backup flag alone decides: status 200 with a boolean value is
 * OK (true) or WARNING (false: backup is expected enabled); any other first response is UNKNOWN.
 * The release version is only informative.
 */
function expectedCode(a: { status: number; body: Buffer }): number {
  if (a.status !== 200) return 3;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(a.body));
  } catch {
    return 3;
  }
  // One record alone is a refusal of the whole bulk, or one answer too few: UNKNOWN either way.
  if (!Array.isArray(parsed) || parsed.length !== REQUESTS.length) return 3;
  for (const [i, item] of parsed.entries()) {
    if (!isRecord(item) || typeof item['status'] !== 'number') return 3;
    const echo = item['request'];
    // StorageService's name has one key, so any other spelling is another MBean.
    if (isRecord(echo) && typeof echo['mbean'] === 'string' && echo['mbean'] !== REQUESTS[i]!.mbean) return 3;
    if (isRecord(echo) && typeof echo['attribute'] === 'string' && echo['attribute'] !== REQUESTS[i]!.attribute)
      return 3;
  }
  const backup = parsed[0] as Record<string, unknown>;
  if (backup['status'] !== 200 || typeof backup['value'] !== 'boolean') return 3;
  return backup['value'] ? 0 : 1;
}

describe('random answers from the agent', () => {
  let agent: FakeAgent;
  let current: { status: number; contentType: string; body: Buffer } = {
    status: 200,
    contentType: 'application/json',
    body: Buffer.from(VALID),
  };
  beforeAll(async () => {
    agent = await startFakeAgent((_q, _b, res) => {
      res.writeHead(current.status, { 'Content-Type': current.contentType, 'Content-Length': current.body.length });
      res.end(current.body);
    });
  });
  afterAll(() => agent.close());

  it('in-process: the state the answer calls for, exactly one status line, JSON that parses, never an internal error', async () => {
    let unknown = 0;
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        current = a;
        const nagios = await execute(plugin, ['--url', agent.url, '-t', '5', ...(a.status === 200 ? ['-v'] : [])], {});
        expect(nagios.exitCode, nagios.stdout).toBe(expectedCode(a));
        const lines = nagios.stdout.split('\n');
        const line = lines[0]!;
        // Exactly one status line: one line in all, or long output (-v) that cannot pass for one.
        if (a.status !== 200) expect(lines).toHaveLength(2);
        for (const more of lines.slice(1)) expect(more).not.toMatch(/\||^CASSANDRA BACKUP |[\p{Cc}\p{Zl}\p{Zp}]/u);
        expect(line).toMatch(STATUS_LINE);
        expect(CODES[STATUS_LINE.exec(line)![1]!]).toBe(nagios.exitCode);
        if (nagios.exitCode === 3) {
          unknown++;
          expect(line).not.toContain('|');
        }
        expect(line).not.toContain('internal error');
        const json = await execute(plugin, ['--url', agent.url, '-t', '5', '--format', 'json'], {});
        expect(json.exitCode).toBe(nagios.exitCode);
        expect(json.stdout.split('\n')).toHaveLength(2);
        expect((JSON.parse(json.stdout) as { exit_code: number }).exit_code).toBe(json.exitCode);
      }),
      { numRuns: 400 },
    );
    // The generator is not so tame that everything is OK, nor so wild that nothing is.
    expect(unknown).toBeGreaterThan(100);
    expect(unknown).toBeLessThan(400);
  });

  describe('as a process, raw bytes on the socket', () => {
    let raw: RawAgent;
    let bytes: Buffer = Buffer.alloc(0);
    beforeAll(async () => {
      raw = await startRawAgent((socket: Socket) => socket.end(bytes));
    });
    afterAll(() => raw.close());

    it('whatever arrives, HTTP or not: the state it calls for, one status line, in time', async () => {
      const rawBytes = fc.oneof(
        // Not HTTP (random bytes do not start with a status line): UNKNOWN.
        fc.uint8Array({ minLength: 0, maxLength: 2048 }).map((b) => ({ bytes: Buffer.from(b), code: 3 })),
        // An HTTP head with a random body of the declared length, so the answer is complete.
        fc.tuple(answer, fc.boolean()).map(([a, chunked]) => ({
          bytes: Buffer.concat([
            Buffer.from(
              `HTTP/1.1 ${a.status} X\r\nContent-Type: ${a.contentType}\r\n${chunked ? `Transfer-Encoding: chunked\r\n\r\n${a.body.length.toString(16)}\r\n` : `Content-Length: ${a.body.length}\r\n\r\n`}`,
            ),
            a.body,
            Buffer.from(chunked ? '\r\n0\r\n\r\n' : ''),
          ]),
          code: expectedCode(a),
        })),
      );
      await fc.assert(
        fc.asyncProperty(rawBytes, async (b) => {
          bytes = b.bytes;
          const run = await runPlugin('check_cassandra_backup', ['--url', raw.url, '-t', '3']);
          expectCleanRun(run, { timeoutSeconds: 3, code: b.code });
          expect(run.statusLine).not.toContain('internal error');
        }),
        { numRuns: 20 },
      );
    });
  });
});
