// Column values as src/cql/values.ts decodes them: every type the client reads, built here byte by
// byte (encoder.ts) from the protocol spec, through readRows so that the type's [option] in the
// metadata is read too. Addresses are checked against the WHATWG URL serializer, an independent
// implementation of the shortest IPv6 text (RFC 5952).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRows } from '../../../src/cql/protocol.js';
import { decode } from '../../../src/cql/values.js';
import { collection, fields, int, long, mapValue, rowsBody, short, T, type TypeSpec } from './encoder.js';

/** The value of one column of one row, of `type`, whose bytes are `value`. */
const one = (type: TypeSpec, value: Buffer | null) =>
  readRows(rowsBody({ columns: [{ name: 'v', type }], rows: [[value]] }))[0]!['v'];
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const hex = (h: string) => Buffer.from(h.replaceAll(/[-:]/g, ''), 'hex');
const i8 = (n: number) => Buffer.from([n & 0xff]);
const i16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const f32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatBE(n);
  return b;
};
const f64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(n);
  return b;
};

describe('scalars', () => {
  it('varchar and ascii: the text, UTF-8 whole (not byte by byte)', () => {
    expect(one(T.varchar, utf8('Zürich ✓ 東京'))).toBe('Zürich ✓ 東京');
    expect(one(T.varchar, Buffer.alloc(0))).toBe('');
    expect(one(T.ascii, utf8('incremental_backups'))).toBe('incremental_backups');
  });

  it('boolean: 0 false, anything else true', () => {
    expect(one(T.boolean, Buffer.from([1]))).toBe(true);
    expect(one(T.boolean, Buffer.from([0]))).toBe(false);
    expect(one(T.boolean, Buffer.from([0x7f]))).toBe(true);
  });

  it('int, smallint, tinyint: signed, big-endian, at both ends of their range', () => {
    expect(one(T.int, int(-2147483648))).toBe(-2147483648);
    expect(one(T.int, int(2147483647))).toBe(2147483647);
    expect(one(T.int, int(9042))).toBe(9042);
    expect(one(T.smallint, i16(-32768))).toBe(-32768);
    expect(one(T.smallint, i16(0x0102))).toBe(258);
    expect(one(T.tinyint, i8(-128))).toBe(-128);
    expect(one(T.tinyint, i8(127))).toBe(127);
    expect(one(T.tinyint, i8(-1))).toBe(-1);
  });

  it('bigint, counter: 64-bit signed, exact up to 2^53', () => {
    expect(one(T.bigint, long(9007199254740991n))).toBe(Number.MAX_SAFE_INTEGER);
    expect(one(T.bigint, long(-9007199254740991n))).toBe(Number.MIN_SAFE_INTEGER);
    expect(one(T.bigint, long(-1n))).toBe(-1);
    expect(one(T.bigint, long(0x0102030405060708n))).toBe(Number(0x0102030405060708n)); // beyond 2^53: rounded
    expect(one(T.counter, long(42n))).toBe(42);
    expect(one(T.counter, long(5_000_000_000n))).toBe(5_000_000_000);
  });

  it('timestamp: milliseconds since the epoch, before 1970 too', () => {
    expect(one(T.timestamp, long(1_700_000_000_123n))).toBe(Date.UTC(2023, 10, 14, 22, 13, 20, 123));
    expect(one(T.timestamp, long(-86_400_000n))).toBe(Date.UTC(1969, 11, 31));
  });

  it('double and float: IEEE 754, 64 and 32 bits', () => {
    expect(one(T.double, f64(Math.PI))).toBe(Math.PI);
    expect(one(T.double, f64(-0.1))).toBe(-0.1);
    expect(one(T.float, f32(1.5))).toBe(1.5);
    expect(one(T.float, f32(0.1))).toBe(Math.fround(0.1));
    expect(one(T.float, f32(-2.5e-3))).toBe(Math.fround(-2.5e-3));
  });

  it('uuid and timeuuid: lower-case 8-4-4-4-12 text', () => {
    expect(one(T.uuid, hex('F81D4FAE7DEC11D0A76500A0C91E6BF6'))).toBe('f81d4fae-7dec-11d0-a765-00a0c91e6bf6');
    expect(one(T.uuid, Buffer.alloc(16))).toBe('00000000-0000-0000-0000-000000000000');
    expect(one(T.timeuuid, hex('5b0c7b9e-3a41-1d0e-9c2e-6f1d2a8b4c10'))).toBe('5b0c7b9e-3a41-1d0e-9c2e-6f1d2a8b4c10');
  });

  it('a type the client does not decode (blob, varint, decimal, date, time) and a custom type: the hex of its bytes', () => {
    expect(one(T.blob, hex('00ff10'))).toBe('00ff10');
    expect(one(T.varint, hex('0100'))).toBe('0100');
    expect(one(T.decimal, hex('0000000201'))).toBe('0000000201');
    expect(one(T.date, hex('80000000'))).toBe('80000000');
    expect(one(T.time, hex('0000000000000001'))).toBe('0000000000000001');
    expect(one({ custom: 'org.apache.cassandra.db.marshal.DurationType' }, hex('02040a'))).toBe('02040a');
  });
});

describe('inet', () => {
  const v6 = (text: string) => one(T.inet, v6Bytes(text));

  it('IPv4: dotted quad', () => {
    expect(one(T.inet, Buffer.from([127, 0, 0, 1]))).toBe('127.0.0.1');
    expect(one(T.inet, Buffer.from([10, 0, 0, 255]))).toBe('10.0.0.255');
    expect(one(T.inet, Buffer.from([0, 0, 0, 0]))).toBe('0.0.0.0');
  });

  it('IPv6: the shortest text, lower case, no leading zeros', () => {
    expect(v6('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(v6('0:0:0:0:0:0:0:0')).toBe('::');
    expect(v6('2001:0DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(v6('fe80:0:0:0:1:0:0:1')).toBe('fe80::1:0:0:1');
    expect(v6('2001:db8:0:1:0:0:0:0')).toBe('2001:db8:0:1::');
    expect(v6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // one zero group stays
    expect(v6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // two equal runs: the first
    expect(v6('2001:db8:0:0:1:0:0:0')).toBe('2001:db8:0:0:1::'); // the longer run
    expect(v6('2001:10:0:0:1:100:a0:0')).toBe('2001:10::1:100:a0:0');
  });

  it('IPv6: a run of zeros at the start is as long as one inside, and the first wins', () => {
    expect(v6('0:0:1:0:0:1:1:1')).toBe('::1:0:0:1:1:1');
    expect(v6('0:0:0:1:0:0:0:1')).toBe('::1:0:0:0:1');
  });

  it('IPv6: the same text as the WHATWG URL serializer, for any address', () => {
    // Mostly zero groups, so that runs of every length and position come up.
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const bytes = Buffer.concat(groups.map((g) => short(g)));
        const full = groups.map((g) => g.toString(16)).join(':');
        expect(one(T.inet, bytes)).toBe(new URL(`http://[${full}]/`).hostname.slice(1, -1));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('collections, tuples and user types', () => {
  it('list and set: arrays, in the order sent', () => {
    expect(one({ list: T.int }, collection([int(3), int(1), int(2)]))).toEqual([3, 1, 2]);
    expect(one({ set: T.varchar }, collection([utf8('a'), utf8('bé')]))).toEqual(['a', 'bé']);
    expect(one({ set: T.varchar }, collection([]))).toEqual([]);
    expect(one({ list: { list: T.tinyint } }, collection([collection([i8(1)]), collection([])]))).toEqual([[1], []]);
  });

  it('map: [key, value] pairs, nested types decoded by their own [option]', () => {
    const value = mapValue([
      [utf8('dc1'), collection([hex('0a000001')])],
      [utf8('dc2'), null],
    ]);
    expect(one({ map: [T.varchar, { list: T.inet }] }, value)).toEqual([
      ['dc1', ['10.0.0.1']],
      ['dc2', null],
    ]);
    expect(one({ map: [T.uuid, T.bigint] }, mapValue([[Buffer.alloc(16, 0xab), long(7n)]]))).toEqual([
      ['abababab-abab-abab-abab-abababababab', 7],
    ]);
  });

  it('tuple: one value per element type, null ones included', () => {
    const type = { tuple: [T.int, T.varchar, T.boolean, T.double] };
    expect(one(type, fields([int(1), null, Buffer.from([1]), f64(0.5)]))).toEqual([1, null, true, 0.5]);
  });

  it('user type: its fields in order; a value with fewer fields than the type (added since) ends in nulls', () => {
    const type = {
      udt: {
        keyspace: 'ks',
        name: 'address',
        fields: [
          ['street', T.varchar],
          ['zip', T.int],
          ['tags', { set: T.ascii }],
          ['added_later', T.bigint],
        ] as const,
      },
    };
    const all = fields([utf8('Main St'), int(8000), collection([utf8('home')]), long(2n)]);
    expect(one(type, all)).toEqual(['Main St', 8000, ['home'], 2]);
    expect(one(type, fields([utf8('Main St'), int(8000)]))).toEqual(['Main St', 8000, null, null]);
    expect(one(type, fields([]))).toEqual([null, null, null, null]);
    expect(one(type, fields([null, int(1), null]))).toEqual([null, 1, null, null]);
  });
});

describe('null and malformed values', () => {
  it('a null value ([bytes] of length -1) is null, whatever the type', () => {
    const types: TypeSpec[] = [
      ...Object.values(T).filter((id) => id !== T.custom && id < T.list),
      { custom: 'x.Y' },
      { list: T.int },
      { set: T.int },
      { map: [T.int, T.int] },
      { tuple: [T.int] },
      { udt: { keyspace: 'k', name: 'u', fields: [['f', T.int]] } },
    ];
    for (const type of types) expect(one(type, null)).toBeNull();
  });

  it('decode() on its own: null in, null out', () => {
    expect(decode(null, { id: T.int })).toBeNull();
  });

  it('a value shorter than its type is a RangeError, not a made-up number', () => {
    expect(() => one(T.int, Buffer.from([0, 1]))).toThrow(RangeError);
    expect(() => one(T.bigint, int(1))).toThrow(RangeError);
    expect(() => one(T.double, int(1))).toThrow(RangeError);
    expect(() => one({ list: T.int }, Buffer.concat([int(2), int(4), int(1)]))).toThrow(RangeError);
    expect(() => one({ tuple: [T.int, T.int] }, Buffer.concat([int(4), int(1), int(4)]))).toThrow(RangeError);
  });
});

/** The 16 bytes of an IPv6 address written with all eight groups. */
function v6Bytes(full: string): Buffer {
  const groups = full.split(':');
  if (groups.length !== 8) throw new Error(`eight groups, please: ${full}`);
  return Buffer.concat(groups.map((g) => short(Number.parseInt(g, 16))));
}
