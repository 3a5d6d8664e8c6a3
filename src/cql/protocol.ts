// CQL client: the native protocol, version 4, as far as a monitoring check needs it. Frames with
// a 9-byte header; requests STARTUP, AUTH_RESPONSE and QUERY; responses READY, AUTHENTICATE,
// AUTH_SUCCESS, ERROR and RESULT (rows, void). Version 4 is spoken by every Cassandra from 2.2
// to 5.0, and a check reads a few small rows: version 5's checksummed segments would buy nothing
// (docs/DECISIONS.md D23). Values are decoded to plain JavaScript: text, numbers, booleans,
// addresses and UUIDs as strings, collections as arrays (values.ts).

import { BodyReader } from './body-reader.js';
import { decode, type ColumnType, type CqlValue } from './values.js';

export type { CqlValue } from './values.js';

export const PROTOCOL_VERSION = 4;
export const HEADER_BYTES = 9;
/** A frame larger than this is not an answer to our queries: 256 MiB is the protocol's own limit. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export const OPCODE = {
  error: 0x00,
  startup: 0x01,
  ready: 0x02,
  authenticate: 0x03,
  query: 0x07,
  result: 0x08,
  authChallenge: 0x0e,
  authResponse: 0x0f,
  authSuccess: 0x10,
} as const;

/** LOCAL_ONE: the node asked answers from itself; every table we read is local or virtual. */
const CONSISTENCY_LOCAL_ONE = 0x000a;

export interface FrameHeader {
  readonly version: number;
  readonly stream: number;
  readonly opcode: number;
  readonly length: number;
}

export type Row = Readonly<Record<string, CqlValue>>;

export function frame(stream: number, opcode: number, body: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(PROTOCOL_VERSION, 0);
  header.writeUInt8(0, 1);
  header.writeInt16BE(stream, 2);
  header.writeUInt8(opcode, 4);
  header.writeInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

export function readHeader(bytes: Buffer): FrameHeader {
  return {
    version: bytes.readUInt8(0),
    stream: bytes.readInt16BE(2),
    opcode: bytes.readUInt8(4),
    length: bytes.readInt32BE(5),
  };
}

export function startupBody(): Buffer {
  return stringMap({ CQL_VERSION: '3.0.0' });
}

/** SASL PLAIN, as PasswordAuthenticator expects it: an empty authorization id, the user, the password. */
export function plainAuthBody(user: string, password: string): Buffer {
  return bytes(Buffer.concat([Buffer.from([0]), Buffer.from(user), Buffer.from([0]), Buffer.from(password)]));
}

export function queryBody(cql: string): Buffer {
  const text = Buffer.from(cql, 'utf8');
  const length = Buffer.alloc(4);
  length.writeInt32BE(text.length);
  const parameters = Buffer.alloc(3);
  parameters.writeUInt16BE(CONSISTENCY_LOCAL_ONE, 0);
  parameters.writeUInt8(0, 2); // no values, no paging: the rows we read fit in one page
  return Buffer.concat([length, text, parameters]);
}

function stringMap(entries: Record<string, string>): Buffer {
  const parts = [u16(Object.keys(entries).length)];
  for (const [key, value] of Object.entries(entries)) parts.push(shortString(key), shortString(value));
  return Buffer.concat(parts);
}

function shortString(text: string): Buffer {
  const encoded = Buffer.from(text, 'utf8');
  return Buffer.concat([u16(encoded.length), encoded]);
}

function bytes(value: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(value.length);
  return Buffer.concat([length, value]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function readError(body: Buffer): { code: number; message: string } {
  const reader = new BodyReader(body);
  return { code: reader.int(), message: reader.string() };
}

const RESULT_ROWS = 0x0002;
const FLAG_GLOBAL_TABLES_SPEC = 0x0001;
const FLAG_HAS_MORE_PAGES = 0x0002;
const FLAG_NO_METADATA = 0x0004;

/** The rows of a RESULT; a result of another kind (void, schema change) has none. */
export function readRows(body: Buffer): Row[] {
  const reader = new BodyReader(body);
  if (reader.int() !== RESULT_ROWS) return [];
  const flags = reader.int();
  const count = reader.int();
  if ((flags & FLAG_HAS_MORE_PAGES) !== 0) reader.bytes();
  if ((flags & FLAG_NO_METADATA) !== 0) throw new RangeError('rows without metadata');
  if ((flags & FLAG_GLOBAL_TABLES_SPEC) !== 0) skipTableSpec(reader);
  const columns: { name: string; type: ColumnType }[] = [];
  for (let i = 0; i < count; i++) {
    if ((flags & FLAG_GLOBAL_TABLES_SPEC) === 0) skipTableSpec(reader);
    columns.push({ name: reader.string(), type: readType(reader) });
  }
  const rows: Row[] = [];
  for (let n = reader.int(); n > 0; n--) {
    const row: Record<string, CqlValue> = {};
    for (const column of columns) row[column.name] = decode(reader.bytes(), column.type);
    rows.push(row);
  }
  return rows;
}

function readType(reader: BodyReader): ColumnType {
  const id = reader.short();
  switch (id) {
    case 0x0000:
      reader.string(); // a custom type's class name: its value is left as bytes
      return { id };
    case 0x0020:
    case 0x0022:
      return { id, element: [readType(reader)] };
    case 0x0021:
      return { id, element: [readType(reader), readType(reader)] };
    case 0x0030: {
      skipTableSpec(reader); // the user type's keyspace and name
      const fields: ColumnType[] = [];
      for (let n = reader.short(); n > 0; n--) {
        reader.string();
        fields.push(readType(reader));
      }
      return { id, element: fields };
    }
    case 0x0031: {
      const fields: ColumnType[] = [];
      for (let n = reader.short(); n > 0; n--) fields.push(readType(reader));
      return { id, element: fields };
    }
    default:
      return { id };
  }
}

/** A keyspace and a table (or type) name: what the metadata repeats, and a check does not need. */
function skipTableSpec(reader: BodyReader): void {
  reader.string();
  reader.string();
}
