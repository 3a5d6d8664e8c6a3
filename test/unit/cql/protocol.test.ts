// The frames and bodies of src/cql/protocol.ts (and the body reader under them): the requests'
// bytes read back by the fake server's own decoder (scripts/cql-codec.mjs) and by hand, against the
// layouts of native_protocol_v4.spec; RESULT and ERROR bodies built by encoder.ts. The values in
// the rows: values.test.ts.

import { describe, expect, it } from 'vitest';
import { reader, stringMap } from '../../../scripts/cql-codec.mjs';
import { BodyReader } from '../../../src/cql/body-reader.js';
import {
  frame,
  HEADER_BYTES,
  OPCODE,
  plainAuthBody,
  queryBody,
  readError,
  readHeader,
  readRows,
  startupBody,
} from '../../../src/cql/protocol.js';
import { bytes, errorBody, int, responseFrame, rowsBody, short, string, T } from './encoder.js';

describe('frames', () => {
  it('a request header: version 4 (a request), no flags, the stream, the opcode, the body length', () => {
    const body = Buffer.from('abc');
    const bytes = frame(0x1234, OPCODE.query, body);
    expect([...bytes.subarray(0, HEADER_BYTES)]).toEqual([0x04, 0x00, 0x12, 0x34, 0x07, 0, 0, 0, 3]);
    expect(bytes.subarray(HEADER_BYTES).toString()).toBe('abc');
    expect(frame(0x7fff, OPCODE.startup, Buffer.alloc(300)).subarray(0, HEADER_BYTES)).toEqual(
      Buffer.from([0x04, 0x00, 0x7f, 0xff, 0x01, 0, 0, 0x01, 0x2c]),
    );
  });

  it('a response header read back: version 0x84, stream (signed: -1 is an event), opcode, length', () => {
    expect(readHeader(responseFrame(5, OPCODE.result, Buffer.alloc(70_000)))).toEqual({
      version: 0x84,
      stream: 5,
      opcode: OPCODE.result,
      length: 70_000,
    });
    expect(readHeader(responseFrame(-1, 0x0c, Buffer.alloc(0)))).toMatchObject({ stream: -1, opcode: 0x0c });
  });

  it('the opcodes are the spec’s', () => {
    expect(OPCODE).toEqual({
      error: 0x00,
      startup: 0x01,
      ready: 0x02,
      authenticate: 0x03,
      query: 0x07,
      result: 0x08,
      authChallenge: 0x0e,
      authResponse: 0x0f,
      authSuccess: 0x10,
    });
  });
});

describe('request bodies', () => {
  it('STARTUP: a [string map] with CQL_VERSION 3.0.0 and nothing else (no compression)', () => {
    const body = startupBody();
    expect(stringMap(reader(body))).toEqual({ CQL_VERSION: '3.0.0' });
    expect(body).toEqual(Buffer.concat([short(1), string('CQL_VERSION'), string('3.0.0')]));
  });

  it('AUTH_RESPONSE: SASL PLAIN as [bytes], an empty authorization id, NUL, user, NUL, password', () => {
    expect(plainAuthBody('monitor', 's3cret')).toEqual(bytes(Buffer.from('\0monitor\0s3cret')));
    const body = plainAuthBody('mönitor', 'pässwörd ✓');
    const token = Buffer.from('\0mönitor\0pässwörd ✓', 'utf8');
    expect(body.readInt32BE(0)).toBe(token.length); // bytes, not characters
    expect(body.subarray(4)).toEqual(token);
    expect(plainAuthBody('', '')).toEqual(Buffer.from([0, 0, 0, 2, 0, 0]));
  });

  it('QUERY: [long string] the query in UTF-8, consistency LOCAL_ONE (0x000A), flags 0, nothing after', () => {
    const cql = "SELECT value FROM system_views.settings WHERE name = 'é'";
    const body = queryBody(cql);
    const text = Buffer.from(cql, 'utf8');
    expect(body.readInt32BE(0)).toBe(text.length);
    expect(body.subarray(4, 4 + text.length).toString('utf8')).toBe(cql);
    expect([...body.subarray(4 + text.length)]).toEqual([0x00, 0x0a, 0x00]);
    expect(body.length).toBe(4 + text.length + 3);
    expect(reader(body).longString()).toBe(cql);
  });
});

describe('ERROR bodies', () => {
  it('the code and the message', () => {
    expect(readError(errorBody(0x2200, 'table nope does not exist'))).toEqual({
      code: 0x2200,
      message: 'table nope does not exist',
    });
  });

  it('an ERROR with more after the message (an Unavailable) still reads', () => {
    const unavailable = Buffer.concat([errorBody(0x1000, 'Cannot achieve consistency'), short(1), int(1), int(0)]);
    expect(readError(unavailable)).toEqual({ code: 0x1000, message: 'Cannot achieve consistency' });
  });

  it('an ERROR cut short is a RangeError', () => {
    const whole = errorBody(0x0100, 'Provided username monitor and/or password are incorrect');
    for (const length of [0, 3, 4, 5, 6, whole.length - 1])
      expect(() => readError(whole.subarray(0, length))).toThrow(RangeError);
  });
});

describe('RESULT bodies', () => {
  const COLUMNS = [
    { name: 'key', type: T.varchar },
    { name: 'rpc_port', type: T.int },
    { name: 'tokens', type: { set: T.varchar } },
  ];
  const ROWS = [
    [Buffer.from('local'), int(9042), Buffer.concat([int(1), bytes(Buffer.from('-9223372036854775808'))])],
    [Buffer.from('other'), null, null],
  ];
  const EXPECTED = [
    { key: 'local', rpc_port: 9042, tokens: ['-9223372036854775808'] },
    { key: 'other', rpc_port: null, tokens: null },
  ];

  it('void (kind 1), set keyspace (kind 3), schema change (kind 5): no rows', () => {
    expect(readRows(int(0x0001))).toEqual([]);
    expect(readRows(Buffer.concat([int(0x0003), string('system')]))).toEqual([]);
    expect(readRows(Buffer.concat([int(0x0005), string('CREATED'), string('KEYSPACE'), string('ks')]))).toEqual([]);
  });

  it('rows with the global table spec: one keyspace and table, then each column', () => {
    expect(readRows(rowsBody({ columns: COLUMNS, rows: ROWS, globalSpec: true }))).toEqual(EXPECTED);
  });

  it('rows without it: a keyspace and table before each column', () => {
    expect(readRows(rowsBody({ columns: COLUMNS, rows: ROWS, globalSpec: false }))).toEqual(EXPECTED);
  });

  it('rows with a paging state (more pages): the state is skipped, the first page read', () => {
    const body = rowsBody({ columns: COLUMNS, rows: ROWS, pagingState: Buffer.from('0004000000', 'hex') });
    expect(readRows(body)).toEqual(EXPECTED);
    const spread = rowsBody({ columns: COLUMNS, rows: ROWS, globalSpec: false, pagingState: Buffer.alloc(40, 7) });
    expect(readRows(spread)).toEqual(EXPECTED);
  });

  it('no rows, and no columns: empty', () => {
    expect(readRows(rowsBody({ columns: COLUMNS, rows: [] }))).toEqual([]);
    expect(readRows(rowsBody({ columns: [], rows: [[], []] }))).toEqual([{}, {}]);
  });

  it('rows without metadata (flag 0x0004, never asked for) are refused with a RangeError', () => {
    const body = Buffer.concat([int(0x0002), int(0x0004), int(1), int(1), bytes(Buffer.from('x'))]);
    expect(() => readRows(body)).toThrow(RangeError);
  });

  it('a body cut anywhere is a RangeError: every prefix of a RESULT rows', () => {
    for (const globalSpec of [true, false]) {
      const whole = rowsBody({ columns: COLUMNS, rows: ROWS, globalSpec, pagingState: Buffer.from('ab', 'hex') });
      for (let length = 0; length < whole.length; length++)
        expect(() => readRows(whole.subarray(0, length)), `${length} of ${whole.length} bytes`).toThrow(RangeError);
    }
  });

  it('lengths that lie: a [string] or [bytes] longer than the body, a negative [string] length', () => {
    const tooLong = Buffer.concat([int(0x0002), int(0x0001), int(1), short(500), Buffer.from('system')]);
    expect(() => readRows(tooLong)).toThrow(RangeError);
    const value = Buffer.concat([
      rowsBody({ columns: [{ name: 'v', type: T.varchar }], rows: [] }).subarray(0, -4),
      int(1),
      int(1_000_000),
      Buffer.from('short'),
    ]);
    expect(() => readRows(value)).toThrow(RangeError);
  });
});

describe('BodyReader', () => {
  it('reads [int], [short], [string] and [bytes] in turn, -1 as null, and counts what is left', () => {
    const body = Buffer.concat([int(-7), short(0xfffe), string('ké'), bytes(null), bytes(Buffer.from([1, 2])), int(9)]);
    const r = new BodyReader(body);
    expect([r.int(), r.short(), r.string(), r.bytes(), r.bytes()]).toEqual([
      -7,
      0xfffe,
      'ké',
      null,
      Buffer.from([1, 2]),
    ]);
    expect(r.remaining()).toBe(4);
    expect(r.int()).toBe(9);
    expect(r.remaining()).toBe(0);
    expect(() => r.short()).toThrow(new RangeError('the frame ends too early'));
  });

  it('any negative [bytes] length is null (v4 sends -1; -2 is "not set", a request-only value)', () => {
    expect(new BodyReader(int(-2)).bytes()).toBeNull();
  });
});
