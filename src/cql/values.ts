// CQL client: a column's bytes as a plain JavaScript value. Text stays text; integers become
// numbers (a bigint beyond 2^53 loses precision: we read counts and sizes, never identifiers as
// numbers); UUIDs and addresses become their usual text; timestamps milliseconds since the epoch;
// lists and sets arrays, maps arrays of [key, value], tuples and user types arrays of fields.

import { BodyReader } from './body-reader.js';

export type CqlValue = string | number | boolean | null | readonly CqlValue[];

/** A column's type, as the [option] of a result's metadata describes it. */
export interface ColumnType {
  readonly id: number;
  readonly element?: readonly ColumnType[];
}

const TYPE = {
  ascii: 0x0001,
  bigint: 0x0002,
  boolean: 0x0004,
  counter: 0x0005,
  double: 0x0007,
  float: 0x0008,
  int: 0x0009,
  timestamp: 0x000b,
  uuid: 0x000c,
  varchar: 0x000d,
  timeuuid: 0x000f,
  inet: 0x0010,
  smallint: 0x0013,
  tinyint: 0x0014,
  list: 0x0020,
  map: 0x0021,
  set: 0x0022,
  udt: 0x0030,
  tuple: 0x0031,
} as const;

export function decode(value: Buffer | null, type: ColumnType): CqlValue {
  if (value === null) return null;
  switch (type.id) {
    case TYPE.ascii:
    case TYPE.varchar:
      return value.toString('utf8');
    case TYPE.boolean:
      return value.length > 0 && value[0] !== 0;
    case TYPE.int:
      return value.readInt32BE(0);
    case TYPE.smallint:
      return value.readInt16BE(0);
    case TYPE.tinyint:
      return value.readInt8(0);
    case TYPE.bigint:
    case TYPE.counter:
    case TYPE.timestamp:
      return Number(value.readBigInt64BE(0));
    case TYPE.double:
      return value.readDoubleBE(0);
    case TYPE.float:
      return value.readFloatBE(0);
    case TYPE.uuid:
    case TYPE.timeuuid:
      return uuidText(value);
    case TYPE.inet:
      return addressText(value);
    default:
      return decodeComposite(value, type);
  }
}

function decodeComposite(value: Buffer, type: ColumnType): CqlValue {
  const [first, second] = type.element ?? [];
  const reader = new BodyReader(value);
  switch (type.id) {
    case TYPE.list:
    case TYPE.set:
      return repeat(reader.int(), () => decode(reader.bytes(), first as ColumnType));
    case TYPE.map:
      return repeat(reader.int(), () => [
        decode(reader.bytes(), first as ColumnType),
        decode(reader.bytes(), second as ColumnType),
      ]);
    case TYPE.udt:
    case TYPE.tuple:
      // A user type may have fewer values than fields (fields added since the value was written).
      return (type.element ?? []).map((field) => (reader.remaining() > 0 ? decode(reader.bytes(), field) : null));
    default:
      return value.toString('hex');
  }
}

function repeat(n: number, item: () => CqlValue): CqlValue[] {
  const items: CqlValue[] = [];
  for (let i = 0; i < n; i++) items.push(item());
  return items;
}

function uuidText(value: Buffer): string {
  const hex = value.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function addressText(value: Buffer): string {
  if (value.length === 4) return [...value].join('.');
  const groups: number[] = [];
  for (let i = 0; i + 1 < value.length; i += 2) groups.push(value.readUInt16BE(i));
  // The shortest form (RFC 5952), as node:net prints it: the first of the longest runs of two or
  // more zero groups becomes ::. Runs are compared in groups: a run at either end is as long as one
  // inside, though its text has one colon less.
  let best = { at: -1, length: 1 };
  for (let at = 0; at < groups.length; at++) {
    let end = at;
    while (groups[end] === 0) end++;
    if (end - at > best.length) best = { at, length: end - at };
    at = end;
  }
  const text = (part: number[]) => part.map((group) => group.toString(16)).join(':');
  if (best.at < 0) return text(groups);
  return `${text(groups.slice(0, best.at))}::${text(groups.slice(best.at + best.length))}`;
}
