// An encoder of the CQL native protocol v4's response bytes, written from the spec
// (native_protocol_v4.spec, sections 3 and 4.2.5) and not from src/cql/: the oracle the decoding
// tests build their RESULT bodies with. Only unit/cql/ uses it.

/** A column type as the metadata's [option] describes it. */
export type TypeSpec =
  | number
  | { readonly custom: string }
  | { readonly list: TypeSpec }
  | { readonly set: TypeSpec }
  | { readonly map: readonly [TypeSpec, TypeSpec] }
  | { readonly tuple: readonly TypeSpec[] }
  | { readonly udt: { keyspace: string; name: string; fields: readonly (readonly [string, TypeSpec])[] } };

/** The type ids of section 4.2.5.2. */
export const T = {
  custom: 0x0000,
  ascii: 0x0001,
  bigint: 0x0002,
  blob: 0x0003,
  boolean: 0x0004,
  counter: 0x0005,
  decimal: 0x0006,
  double: 0x0007,
  float: 0x0008,
  int: 0x0009,
  timestamp: 0x000b,
  uuid: 0x000c,
  varchar: 0x000d,
  varint: 0x000e,
  timeuuid: 0x000f,
  inet: 0x0010,
  date: 0x0011,
  time: 0x0012,
  smallint: 0x0013,
  tinyint: 0x0014,
  list: 0x0020,
  map: 0x0021,
  set: 0x0022,
  udt: 0x0030,
  tuple: 0x0031,
} as const;

export const short = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
export const int = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
export const long = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};
/** [string]: a [short] length in bytes, then UTF-8. */
export const string = (s: string): Buffer => Buffer.concat([short(Buffer.byteLength(s)), Buffer.from(s)]);
/** [bytes]: an [int] length, then the bytes; null is length -1. */
export const bytes = (b: Buffer | null): Buffer => (b === null ? int(-1) : Buffer.concat([int(b.length), b]));

/** The [option] of a type. */
export function option(type: TypeSpec): Buffer {
  if (typeof type === 'number') return short(type);
  if ('custom' in type) return Buffer.concat([short(T.custom), string(type.custom)]);
  if ('list' in type) return Buffer.concat([short(T.list), option(type.list)]);
  if ('set' in type) return Buffer.concat([short(T.set), option(type.set)]);
  if ('map' in type) return Buffer.concat([short(T.map), option(type.map[0]), option(type.map[1])]);
  if ('tuple' in type) return Buffer.concat([short(T.tuple), short(type.tuple.length), ...type.tuple.map(option)]);
  const { keyspace, name, fields } = type.udt;
  return Buffer.concat([
    short(T.udt),
    string(keyspace),
    string(name),
    short(fields.length),
    ...fields.flatMap(([field, fieldType]) => [string(field), option(fieldType)]),
  ]);
}

/** A v4 collection value (list, set): an [int] count, then each element as [bytes]. */
export const collection = (elements: readonly (Buffer | null)[]): Buffer =>
  Buffer.concat([int(elements.length), ...elements.map(bytes)]);
/** A v4 map value: an [int] count, then key and value as [bytes] each. */
export const mapValue = (entries: readonly (readonly [Buffer, Buffer | null])[]): Buffer =>
  Buffer.concat([int(entries.length), ...entries.flatMap(([k, v]) => [bytes(k), bytes(v)])]);
/** A tuple or user type value: each field as [bytes], one after the other. */
export const fields = (values: readonly (Buffer | null)[]): Buffer => Buffer.concat(values.map(bytes));

export interface RowsSpec {
  readonly columns: readonly { readonly name: string; readonly type: TypeSpec }[];
  /** Each row's values, already encoded, in the columns' order; null is a null value. */
  readonly rows: readonly (readonly (Buffer | null)[])[];
  /** One keyspace and table for every column (flag 0x0001), or a spec before each column. */
  readonly globalSpec?: boolean;
  /** Set the Has_more_pages flag (0x0002) with this paging state. */
  readonly pagingState?: Buffer;
  readonly keyspace?: string;
  readonly table?: string;
}

/** The body of a RESULT of kind Rows (0x0002). */
export function rowsBody(spec: RowsSpec): Buffer {
  const { keyspace = 'system', table = 'local', globalSpec = true } = spec;
  const flags = (globalSpec ? 0x0001 : 0) | (spec.pagingState === undefined ? 0 : 0x0002);
  const tableSpec = Buffer.concat([string(keyspace), string(table)]);
  return Buffer.concat([
    int(0x0002),
    int(flags),
    int(spec.columns.length),
    ...(spec.pagingState === undefined ? [] : [bytes(spec.pagingState)]),
    ...(globalSpec ? [tableSpec] : []),
    ...spec.columns.flatMap((c) => [...(globalSpec ? [] : [tableSpec]), string(c.name), option(c.type)]),
    int(spec.rows.length),
    ...spec.rows.flatMap((row) => row.map(bytes)),
  ]);
}

/** A response frame (version byte 0x84) around a body. */
export function responseFrame(stream: number, opcode: number, body: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header[0] = 0x84;
  header.writeInt16BE(stream, 2);
  header[4] = opcode;
  header.writeInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

/** The body of an ERROR: [int] code, [string] message. */
export const errorBody = (code: number, message: string): Buffer => Buffer.concat([int(code), string(message)]);
