// The session (src/cql/session.ts) against the simulated CQL cluster (scripts/fake-cql.mjs, written
// independently of src/cql/) and, for what the fake cannot do on cue, a scripted peer (servers.ts):
// the login, each member behaviour, errors the node answers, many queries in flight on one socket,
// the deadline, the abort signal, the trace. Each failure must be a CqlError of the right kind, at
// the right time. TLS: session-tls.test.ts.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCql } from '../../../scripts/fake-cql.mjs';
import { type SimulatedCqlCluster, startSimulatedCqlCluster } from '../../../scripts/simulated-cql-cluster.mjs';
import { CqlError } from '../../../src/cql/errors.js';
import { type CqlEndpoint, type CqlLimits, openSession } from '../../../src/cql/session.js';
import { errorBody, int, responseFrame, rowsBody, string, T } from './encoder.js';
import { closeAll, closedPort, scriptedServer, silentServer } from './servers.js';

const USER = 'monitor';
const PASSWORD = 'pw-Never-Shown-42';
const BEHAVIOURS = { 1: 'hang', 2: 'garbage', 3: 'refuse', 4: 'unauthorized', 5: 'disabled' } as const;

let cluster: SimulatedCqlCluster;
beforeAll(async () => {
  cluster = await startSimulatedCqlCluster({
    size: 6,
    latencyMs: [0, 20],
    user: USER,
    password: PASSWORD,
    behaviours: BEHAVIOURS,
  });
});
afterAll(() => cluster?.close());
afterEach(closeAll);

/** Member `i` of the cluster, logged in as USER unless `over` says otherwise. */
const member = (i: number, over: Partial<CqlEndpoint> = {}): CqlEndpoint => ({
  host: cluster.members[i]!.address,
  port: cluster.port,
  user: USER,
  password: PASSWORD,
  ...over,
});
const within = (ms = 5000, more: Partial<CqlLimits> = {}): CqlLimits => ({ deadline: Date.now() + ms, ...more });

/** The CqlError a promise rejects with (the test fails if it resolves, or rejects with anything else). */
async function failure(promise: Promise<unknown>): Promise<CqlError> {
  const error = await promise.then(
    () => new Error('it did not fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CqlError);
  return error as CqlError;
}

/** Opens a session, runs `cql`, closes: the rows. */
async function rowsOf(endpoint: CqlEndpoint, cql: string, limits = within()) {
  const session = await openSession(endpoint, limits);
  try {
    return await session.query(cql);
  } finally {
    session.close();
  }
}

describe('login', () => {
  it('the right user and password: logged in, the member’s own rows', async () => {
    const rows = await rowsOf(member(0), "SELECT host_id, rpc_port, tokens FROM system.local WHERE key = 'local'");
    const m = cluster.members[0]!;
    expect(rows).toEqual([{ host_id: m.hostId, rpc_port: cluster.port, tokens: [m.token] }]);
    const settings = "SELECT value FROM system_views.settings WHERE name = 'incremental_backups'";
    expect(await rowsOf(member(5), settings)).toEqual([{ value: 'false' }]);
  });

  it('a wrong password: login-refused, naming the user and the node, never the password', async () => {
    const error = await failure(rowsOf(member(0, { password: 'wrong-password' }), 'SELECT * FROM system.local'));
    expect(error.kind).toBe('login-refused');
    expect(error.code).toBe(0x0100);
    expect(error.message).toBe(
      `Login refused for user ${USER} at ${cluster.members[0]!.address}:${cluster.port}: check the user and password`,
    );
    expect(error.message).not.toContain('wrong-password');
  });

  it('a wrong user: login-refused too', async () => {
    const error = await failure(openSession(member(0, { user: 'nobody' }), within()));
    expect([error.kind, error.message]).toEqual(['login-refused', expect.stringContaining('user nobody')]);
  });

  it('no credentials where the node wants a login: login-required, naming its authenticator class', async () => {
    const { user: _u, password: _p, ...anonymous } = member(0);
    const error = await failure(openSession(anonymous, within()));
    expect(error.kind).toBe('login-required');
    expect(error.message).toBe(
      `The node at ${cluster.members[0]!.address}:${cluster.port} requires a login (org.apache.cassandra.auth.PasswordAuthenticator)`,
    );
    const userOnly = await failure(openSession({ ...anonymous, user: USER }, within()));
    expect(userOnly.kind).toBe('login-required');
  });

  it('a node without authentication: READY, and given credentials are not sent', async () => {
    const fake = await startFakeCql({
      endpoint: () => ({
        conduct: 'answer',
        table: () => ({ columns: [{ name: 'n', type: 'int' }], rows: [{ n: 1 }] }),
      }),
    });
    try {
      const lines: string[] = [];
      const endpoint = { host: fake.host, port: fake.port, user: USER, password: PASSWORD };
      expect(await rowsOf(endpoint, 'SELECT n FROM ks.t', within(5000, { trace: (l) => lines.push(l) }))).toEqual([
        { n: 1 },
      ]);
      expect(lines.join('\n')).toMatch(/< READY/);
      expect(lines.join('\n')).not.toMatch(/AUTH_RESPONSE/);
    } finally {
      await fake.close();
    }
  });

  it('the trace: each step, the user named, the password never', async () => {
    const lines: string[] = [];
    await rowsOf(member(0), 'SELECT key FROM system.local', within(5000, { trace: (line) => lines.push(line) }));
    const where = `${cluster.members[0]!.address}:${cluster.port}`;
    expect(lines).toEqual([
      `${where} connected to ${where}`,
      `${where} > STARTUP (protocol v4)`,
      `${where} > AUTH_RESPONSE (user ${USER}, password hidden)`,
      `${where} < AUTH_SUCCESS`,
      `${where} > QUERY SELECT key FROM system.local`,
      `${where} < RESULT 1 row(s)`,
    ]);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    const refused: string[] = [];
    await failure(
      openSession(member(0, { password: 'other-Secret-9' }), within(5000, { trace: (l) => refused.push(l) })),
    );
    expect(refused.join('\n')).not.toMatch(/other-Secret-9|pw-Never/);
  });
});

describe('member behaviours', () => {
  it("'hang': a timeout by the deadline, not after, with timedOut set and the STARTUP named", async () => {
    const deadline = Date.now() + 400;
    const error = await failure(openSession(member(1), { deadline }));
    const ended = Date.now();
    expect(error.kind).toBe('timeout');
    expect(error.timedOut).toBe(true);
    expect(error.message).toMatch(/did not answer the protocol's STARTUP in time/);
    expect(error.message).toContain(`(timeout at ${new Date(deadline).toISOString()})`);
    expect(ended).toBeGreaterThanOrEqual(deadline - 5);
    expect(ended).toBeLessThanOrEqual(deadline + 150);
  });

  it("'garbage' (an HTTP 400): not-cql, the start of the answer quoted", async () => {
    const error = await failure(openSession(member(2), within()));
    expect(error.kind).toBe('not-cql');
    expect(error.message).toBe(
      `${cluster.members[2]!.address}:${cluster.port} does not speak the CQL native protocol (it answered "HTTP/1.1 400 Bad Request")`,
    );
  });

  it("'refuse' (a reset): a clean error at once, no wait for the deadline", async () => {
    const started = Date.now();
    const error = await failure(openSession(member(3), within(10_000)));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(['connection', 'not-cql']).toContain(error.kind);
    expect(error.timedOut).toBe(false);
    expect(error.message).toContain(`${cluster.members[3]!.address}:${cluster.port}`);
  });

  it("'unauthorized': permission with code 0x2100 and the node's words; the session goes on", async () => {
    const session = await openSession(member(4), within());
    try {
      const error = await failure(session.query('SELECT * FROM system_views.settings'));
      expect(error.kind).toBe('permission');
      expect(error.code).toBe(0x2100);
      expect(error.message).toContain(
        '"User monitor has no SELECT permission on <table system_views.settings> or any of its parents"',
      );
      expect(await session.query('SELECT host_id FROM system.local')).toEqual([
        { host_id: cluster.members[4]!.hostId },
      ]);
    } finally {
      session.close();
    }
  });
});

describe('errors the node answers', () => {
  it('an unknown table or column: no-such-table (0x2200); other Invalid and syntax errors: server', async () => {
    const session = await openSession(member(0), within());
    try {
      const table = await failure(session.query('SELECT * FROM system.nope'));
      expect([table.kind, table.code]).toEqual(['no-such-table', 0x2200]);
      expect(table.message).toContain('"table nope does not exist"');
      const column = await failure(session.query('SELECT nope FROM system.local'));
      expect([column.kind, column.code]).toEqual(['no-such-table', 0x2200]);
      const noKeyspace = await failure(session.query('SELECT * FROM local'));
      expect([noKeyspace.kind, noKeyspace.code]).toEqual(['server', 0x2200]);
      expect(noKeyspace.message).toMatch(/answered the query with error 0x2200: "No keyspace has been specified/);
      const syntax = await failure(session.query('UPDATE system.local SET x = 1'));
      expect([syntax.kind, syntax.code]).toEqual(['server', 0x2000]);
      expect(await session.query("SELECT key FROM system.local WHERE key = 'local'")).toEqual([{ key: 'local' }]);
    } finally {
      session.close();
    }
  });
});

describe('one session, many queries', () => {
  it('200 queries in flight at once, answered out of order: each gets its own rows', async () => {
    const rows = Array.from({ length: 200 }, (_, n) => ({ n, v: `value ${n}` }));
    const fake = await startFakeCql({
      latencyMs: [0, 25],
      endpoint: () => ({
        conduct: 'answer',
        table: () => ({
          columns: [
            { name: 'n', type: 'int' },
            { name: 'v', type: 'varchar' },
          ],
          rows,
        }),
      }),
    });
    const session = await openSession({ host: fake.host, port: fake.port }, within(10_000));
    try {
      const settled: number[] = [];
      const answers = await Promise.all(
        rows.map(async ({ n }) => {
          const answer = await session.query(`SELECT n, v FROM ks.t WHERE n = '${n}'`);
          settled.push(n);
          return answer;
        }),
      );
      expect(answers).toEqual(rows.map((row) => [row]));
      // The test means something only if the answers did cross.
      expect(settled).not.toEqual([...settled].sort((a, b) => a - b));
      expect(fake.connections).toBe(1);
    } finally {
      session.close();
      await fake.close();
    }
  });
});

describe('the deadline and the abort signal', () => {
  /** A peer that logs everyone in and never answers a query. */
  const deaf = () =>
    scriptedServer((request, socket) => request.opcode === 0x01 && socket.write(ready(request.stream)));

  it('a query not answered: timeout by the deadline, the query named', async () => {
    const port = await deaf();
    const deadline = Date.now() + 300;
    const session = await openSession({ host: '127.0.0.1', port }, { deadline });
    const error = await failure(session.query('SELECT * FROM system.local'));
    expect(Date.now()).toBeLessThanOrEqual(deadline + 150);
    expect([error.kind, error.timedOut]).toEqual(['timeout', true]);
    expect(error.message).toMatch(/^127\.0\.0\.1:\d+ did not answer the query in time/);
  });

  it('an abort ends every pending query at once, and the session with them', async () => {
    const port = await deaf();
    const abort = new AbortController();
    const session = await openSession({ host: '127.0.0.1', port }, within(10_000, { signal: abort.signal }));
    const pending = ['a', 'b', 'c'].map((t) => failure(session.query(`SELECT * FROM ks.${t}`)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    abort.abort();
    const errors = await Promise.all(pending);
    expect(Date.now() - started).toBeLessThan(100);
    expect(errors.map((e) => [e.kind, e.timedOut])).toEqual(Array(3).fill(['connection', false]));
    expect(errors[0]!.message).toBe(`The connection to 127.0.0.1:${port} was closed`);
    expect((await failure(session.query('SELECT * FROM ks.d'))).kind).toBe('connection');
  });

  it('an abort while the node hangs on the STARTUP: ended at once, not at the deadline', async () => {
    const abort = new AbortController();
    const opening = failure(openSession(member(1), within(10_000, { signal: abort.signal })));
    setTimeout(() => abort.abort(), 50);
    const started = Date.now();
    expect((await opening).kind).toBe('connection');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a signal aborted before the session opens: no session, no connection made', async () => {
    const fake = await startFakeCql({ endpoint: () => ({ conduct: 'answer', table: () => undefined }) });
    try {
      const abort = new AbortController();
      abort.abort();
      const opening = openSession({ host: fake.host, port: fake.port }, within(5000, { signal: abort.signal }));
      expect((await failure(opening)).kind).toBe('connection');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fake.connections).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('a deadline already past: a timeout, without waiting', async () => {
    const port = await silentServer();
    const error = await failure(openSession({ host: '127.0.0.1', port }, { deadline: Date.now() - 1 }));
    expect(error.kind).toBe('timeout');
  });
});

describe('connections and answers that fail', () => {
  it('a closed port: connection, "connection refused"', async () => {
    const port = await closedPort();
    const error = await failure(openSession({ host: '127.0.0.1', port }, within()));
    expect(error.kind).toBe('connection');
    expect(error.message).toBe(
      `Cannot connect to Cassandra's native port at 127.0.0.1:${port}: connection refused (node down, or its native transport off?)`,
    );
  });

  it('an IPv6 literal is named in brackets; a name that does not resolve says so', async () => {
    const port = await closedPort();
    const v6 = await failure(openSession({ host: '::1', port }, within()));
    expect([v6.kind, v6.message]).toEqual(['connection', expect.stringContaining(`[::1]:${port}:`)]);
    const unknown = await failure(openSession({ host: 'no-such-node.invalid', port: 9042 }, within(10_000)));
    expect([unknown.kind, unknown.message]).toEqual([
      'connection',
      "Cannot connect to Cassandra's native port at no-such-node.invalid:9042: the host name does not resolve",
    ]);
  });

  it('the connection closed during a query: connection, the query phase named', async () => {
    const port = await scriptedServer((request, socket) =>
      request.opcode === 0x01 ? socket.write(ready(request.stream)) : socket.destroy(),
    );
    const session = await openSession({ host: '127.0.0.1', port }, within());
    const error = await failure(session.query('SELECT * FROM system.local'));
    expect([error.kind, error.message]).toEqual([
      'connection',
      `127.0.0.1:${port} closed the connection (during the query)`,
    ]);
  });

  it("a node that speaks another protocol version: Cassandra's protocol error to the STARTUP is not-cql", async () => {
    const said = 'Invalid or unsupported protocol version (4); supported versions are (3/v3)';
    const port = await scriptedServer((request, socket) =>
      socket.end(responseFrame(request.stream, 0x00, errorBody(0x000a, said))),
    );
    const error = await failure(openSession({ host: '127.0.0.1', port }, within()));
    expect([error.kind, error.code, error.message]).toEqual([
      'not-cql',
      0x000a,
      `127.0.0.1:${port} does not speak CQL native protocol v4: "${said}"`,
    ]);
  });

  it('binary garbage: not-cql, quoting its first 24 bytes with the non-printables as dots', async () => {
    const port = await scriptedServer((_, socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n\0\x7fmore text after'));
    const error = await failure(openSession({ host: '127.0.0.1', port }, within()));
    expect(error.kind).toBe('not-cql');
    expect(error.message).toBe(
      `127.0.0.1:${port} does not speak the CQL native protocol (it answered "SSH-2.0-OpenSSH_9.6....m")`,
    );
  });

  it('a close before the STARTUP is answered: not-cql, asking about the port and TLS', async () => {
    const port = await scriptedServer((_, socket) => socket.end());
    const error = await failure(openSession({ host: '127.0.0.1', port }, within()));
    expect(error.kind).toBe('not-cql');
    expect(error.message).toMatch(/closed the connection without answering the protocol's STARTUP.*--ssl/);
  });

  it('answers cut into single bytes, two in one chunk, and an event on stream -1: all read right', async () => {
    const port = await scriptedServer((request, socket) => {
      if (request.opcode === 0x01) {
        for (const byte of ready(request.stream)) socket.write(Buffer.from([byte]));
        return;
      }
      const cql = request.body.subarray(4, 4 + request.body.readInt32BE(0)).toString();
      const answer = responseFrame(
        request.stream,
        0x08,
        rowsBody({ columns: [{ name: 'q', type: T.varchar }], rows: [[Buffer.from(cql)]] }),
      );
      const event = responseFrame(-1, 0x0c, Buffer.concat([string('STATUS_CHANGE'), string('UP')]));
      socket.write(Buffer.concat([event, answer]));
    });
    const session = await openSession({ host: '127.0.0.1', port }, within());
    try {
      expect(await Promise.all(['SELECT 1', 'SELECT 2'].map((q) => session.query(q)))).toEqual([
        [{ q: 'SELECT 1' }],
        [{ q: 'SELECT 2' }],
      ]);
    } finally {
      session.close();
    }
  });

  it('a malformed RESULT: not-cql, naming the query; an unexpected opcode: not-cql, naming it', async () => {
    const port = await scriptedServer((request, socket) => {
      if (request.opcode === 0x01) socket.write(ready(request.stream));
      else if (request.body.includes('cut')) socket.write(responseFrame(request.stream, 0x08, int(0x0002)));
      else socket.write(ready(request.stream));
    });
    const session = await openSession({ host: '127.0.0.1', port }, within());
    try {
      const cut = await failure(session.query('SELECT cut FROM ks.t'));
      expect(cut.kind).toBe('not-cql');
      expect(cut.message).toBe(
        `The answer of 127.0.0.1:${port} to "SELECT cut FROM ks.t" is malformed (RangeError: the frame ends too early)`,
      );
      const odd = await failure(session.query('SELECT odd FROM ks.t'));
      expect([odd.kind, odd.message]).toEqual([
        'not-cql',
        `127.0.0.1:${port} answered the query with unexpected opcode 2`,
      ]);
    } finally {
      session.close();
    }
  });

  it('a header with another version or a negative length: not-cql', async () => {
    for (const header of [
      responseFrame(0, 0x02, Buffer.alloc(0)).fill(0x83, 0, 1),
      Buffer.from('840000000280000000', 'hex'),
    ]) {
      const port = await scriptedServer((_, socket) => socket.write(header));
      expect((await failure(openSession({ host: '127.0.0.1', port }, within()))).kind).toBe('not-cql');
    }
  });
});

const ready = (stream: number) => responseFrame(stream, 0x02, Buffer.alloc(0));
