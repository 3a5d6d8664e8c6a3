// @ts-check
// The bytes of the CQL native protocol v4 that scripts/fake-cql.mjs reads and writes: the
// notations of its section 3 ([short], [int], [string], [long string], [bytes], [string map],
// [string multimap]), response frames, ERROR bodies, RESULT Rows with their metadata and values
// (section 6) of the types the simulated system tables use, and the one SELECT it understands
// (one `column = 'value'` or `column IN ('a', 'b')` filter at most, as the checks ask).
// Only node: built-ins.

/**
 * The column types the fake server can send, as CQL names them.
 * @typedef {'varchar' | 'boolean' | 'int' | 'bigint' | 'double' | 'uuid' | 'inet' | 'timestamp' | 'blob'
 *   | 'set<varchar>' | 'map<varchar,varchar>' | 'map<varchar,blob>'} CqlType
 */

/** @typedef {{ name: string, type: CqlType }} Column */

/**
 * A table as data: its columns, in order, and its rows by column name (a missing value is null).
 * @typedef {{ columns: Column[], rows: Iterable<Record<string, unknown>> }} Table
 */

/** An error the server answers with: its code (section 9) and message. @typedef {{ code: number, message: string }} CqlError */

/** The opcodes of the messages the fake server reads or writes (section 2.4). */
export const OPCODES = /** @type {const} */ ({
  ERROR: 0x00,
  STARTUP: 0x01,
  READY: 0x02,
  AUTHENTICATE: 0x03,
  OPTIONS: 0x05,
  SUPPORTED: 0x06,
  QUERY: 0x07,
  RESULT: 0x08,
  REGISTER: 0x0b,
  AUTH_RESPONSE: 0x0f,
  AUTH_SUCCESS: 0x10,
});
/** @type {Map<number, string>} */
export const OPCODE_NAMES = new Map(Object.entries(OPCODES).map(([name, code]) => [code, name]));

/**
 * A cursor over a request body. Reading past its end throws a RangeError.
 * @param {Buffer} buffer
 */
export function reader(buffer) {
  let at = 0;
  /** @param {number} n */
  const take = (n) => {
    if (n < 0 || at + n > buffer.length) throw new RangeError(`${n} bytes wanted at ${at} of ${buffer.length}`);
    at += n;
    return buffer.subarray(at - n, at);
  };
  return {
    short: () => take(2).readUInt16BE(0),
    int: () => take(4).readInt32BE(0),
    string() {
      return take(this.short()).toString('utf8');
    },
    longString() {
      return take(this.int()).toString('utf8');
    },
    /** @returns {Buffer | undefined} */
    bytes() {
      const length = this.int();
      return length < 0 ? undefined : take(length);
    },
  };
}

/** A [short]. @param {number} n */
export const short = (n) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
/** An [int]. @param {number} n */
export const int = (n) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
/** @param {number | bigint} n */
const long = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};

/** A [string]. @param {string} s */
export function string(s) {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([short(bytes.length), bytes]);
}

/** A [long string]. @param {string} s */
export const longString = (s) => Buffer.concat([int(Buffer.byteLength(s)), Buffer.from(s)]);

/**
 * Reads a [string map] (the options of a STARTUP).
 * @param {ReturnType<typeof reader>} body
 * @returns {Record<string, string>}
 */
export function stringMap(body) {
  /** @type {Record<string, string>} */
  const map = {};
  for (let n = body.short(); n > 0; n--) {
    const key = body.string();
    map[key] = body.string();
  }
  return map;
}

/**
 * A [string multimap] (the body of SUPPORTED).
 * @param {Record<string, string[]>} map
 */
export function stringMultimap(map) {
  const entries = Object.entries(map);
  return Buffer.concat([
    short(entries.length),
    ...entries.flatMap(([key, values]) => [string(key), short(values.length), ...values.map(string)]),
  ]);
}

/**
 * The body of an ERROR: code and message (none of the codes the fake server sends has more).
 * @param {number} code
 * @param {string} message
 */
export function errorBody(code, message) {
  return Buffer.concat([int(code), string(message)]);
}

/** The [option] of each type: its id, and a collection's element type. @type {Record<CqlType, number[]>} */
const OPTION_IDS = {
  varchar: [0x000d],
  boolean: [0x0004],
  int: [0x0009],
  bigint: [0x0002],
  double: [0x0007],
  blob: [0x0003],
  uuid: [0x000c],
  inet: [0x0010],
  timestamp: [0x000b],
  'set<varchar>': [0x0022, 0x000d],
  'map<varchar,varchar>': [0x0021, 0x000d, 0x000d],
  'map<varchar,blob>': [0x0021, 0x000d, 0x0003],
};

/** A value's bytes, by its type (section 6). @type {Record<CqlType, (value: unknown) => Buffer>} */
const ENCODERS = {
  varchar: (value) => Buffer.from(String(value), 'utf8'),
  boolean: (value) => Buffer.from([value ? 1 : 0]),
  int: (value) => int(Number(value)),
  bigint: (value) => long(/** @type {number | bigint} */ (value)),
  double: (value) => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(Number(value));
    return b;
  },
  blob: (value) => Buffer.from(/** @type {Uint8Array} */ (value)),
  timestamp: (value) => long(value instanceof Date ? value.getTime() : /** @type {number} */ (value)),
  uuid: (value) => fixed(Buffer.from(String(value).replaceAll('-', ''), 'hex'), 16, value),
  inet: (value) => fixed(Buffer.from(String(value).split('.').map(Number)), 4, value),
  // v4 collections: an [int] count, then each element as [bytes].
  'set<varchar>': (value) => {
    const elements = [.../** @type {Iterable<unknown>} */ (value)].map((e) => Buffer.from(String(e), 'utf8'));
    return Buffer.concat([int(elements.length), ...elements.flatMap((e) => [int(e.length), e])]);
  },
  // v4 maps: an [int] count, then each key and value as [bytes]; given as a plain object.
  'map<varchar,varchar>': (value) => map(value, (v) => Buffer.from(String(v), 'utf8')),
  'map<varchar,blob>': (value) => map(value, (v) => Buffer.from(/** @type {Uint8Array} */ (v))),
};

/**
 * @param {unknown} value an object, key to value
 * @param {(value: unknown) => Buffer} encodeValue
 */
function map(value, encodeValue) {
  const entries = Object.entries(/** @type {Record<string, unknown>} */ (value));
  const items = entries.flatMap(([k, v]) => [Buffer.from(k, 'utf8'), encodeValue(v)]);
  return Buffer.concat([int(entries.length), ...items.flatMap((e) => [int(e.length), e])]);
}

/**
 * @param {Buffer} bytes
 * @param {number} length
 * @param {unknown} value
 */
function fixed(bytes, length, value) {
  if (bytes.length !== length) throw new TypeError(`not a value of ${length} bytes: ${String(value)}`);
  return bytes;
}

/** Each row's encoding, by the columns asked for: rows given as data are encoded once. */
const encoded = /** @type {WeakMap<object, Map<string, Buffer>>} */ (new WeakMap());

/**
 * A row as [bytes] values in the order of `columns`; null and undefined are null.
 * @param {Record<string, unknown>} row
 * @param {Column[]} columns
 * @param {string} key the columns' names
 */
function encodeRow(row, columns, key) {
  let byColumns = encoded.get(row);
  const known = byColumns?.get(key);
  if (known !== undefined) return known;
  const values = columns.map((c) => {
    const value = row[c.name];
    if (value === null || value === undefined) return int(-1);
    const bytes = ENCODERS[c.type](value);
    return Buffer.concat([int(bytes.length), bytes]);
  });
  const bytes = Buffer.concat(values);
  if (byColumns === undefined) {
    byColumns = new Map();
    encoded.set(row, byColumns);
  }
  byColumns.set(key, bytes);
  return bytes;
}

/**
 * The body of a RESULT Rows (kind 2) for a SELECT of `names` (all columns when undefined) with an
 * optional filter, `column = 'value'` or `column IN (…)`; a string is the message of an Invalid (0x2200) error.
 * @param {string} keyspace
 * @param {string} tableName
 * @param {Table} table
 * @param {string[] | undefined} names
 * @param {{ column: string, values: string[] } | undefined} where
 * @returns {Buffer | string}
 */
export function rowsBody(keyspace, tableName, table, names, where) {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const unknown = [...(names ?? []), ...(where ? [where.column] : [])].find((name) => !byName.has(name));
  if (unknown !== undefined) return `Undefined column name ${unknown} in table ${keyspace}.${tableName}`;
  const columns = names === undefined ? table.columns : names.map((name) => /** @type {Column} */ (byName.get(name)));
  const key = columns.map((c) => c.name).join(',');
  const rows = [];
  for (const row of table.rows) {
    if (where === undefined || where.values.includes(String(row[where.column])))
      rows.push(encodeRow(row, columns, key));
  }
  const metadata = [
    int(0x0001), // Global_tables_spec
    int(columns.length),
    string(keyspace),
    string(tableName),
    ...columns.flatMap((c) => [string(c.name), ...(OPTION_IDS[c.type] ?? []).map(short)]),
  ];
  return Buffer.concat([int(0x0002), ...metadata, int(rows.length), ...rows]);
}

/**
 * A v4 response frame.
 * @param {number} stream
 * @param {number} opcode
 * @param {Buffer} body
 */
export function frame(stream, opcode, body) {
  const header = Buffer.alloc(9);
  header[0] = 0x84;
  header.writeInt16BE(stream, 2);
  header[4] = opcode;
  header.writeInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

const LITERAL = "'(?:[^']|'')*'";
const SELECT = new RegExp(
  `^\\s*select\\s+(\\*|\\w+(?:\\s*,\\s*\\w+)*)\\s+from\\s+(?:(\\w+)\\s*\\.\\s*)?(\\w+)` +
    `(?:\\s+where\\s+(\\w+)\\s*(?:=\\s*(${LITERAL})|in\\s*\\(\\s*(${LITERAL}(?:\\s*,\\s*${LITERAL})*)\\s*\\)))?\\s*;?\\s*$`,
  'is',
);

/**
 * The parts of a SELECT, names folded to lower case as CQL does; undefined for anything else.
 * @param {string} cql
 */
export function parseSelect(cql) {
  const match = SELECT.exec(cql);
  if (match === null) return undefined;
  const [, columns = '*', keyspace, table = '', column, value, list] = match;
  const literals = (value ?? list ?? '').match(new RegExp(LITERAL, 'g')) ?? [];
  return {
    columns: columns === '*' ? undefined : columns.split(',').map((c) => c.trim().toLowerCase()),
    keyspace: keyspace?.toLowerCase(),
    table: table.toLowerCase(),
    where:
      column === undefined
        ? undefined
        : { column: column.toLowerCase(), values: literals.map((l) => l.slice(1, -1).replaceAll("''", "'")) },
  };
}
