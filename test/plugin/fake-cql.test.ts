// The simulated CQL cluster (scripts/simulated-cql-cluster.mjs on scripts/fake-cql.mjs) as an
// independent client sees it: cassandra-driver 4.10 negotiates the protocol down to v4, logs in,
// reads system.local, peers_v2, the settings and gossip_info virtual tables, and meets each
// behaviour; a raw client checks the frames (split, joined, several streams, other versions); and
// the program serves 1,000 members. It proves the fake speaks the protocol, nothing about
// Cassandra: real nodes do that.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressOf, type SimulatedCqlCluster, startSimulatedCqlCluster } from '../../scripts/simulated-cql-cluster.mjs';
import {
  errorOf,
  OPCODE,
  queryBody,
  RawCql,
  request,
  rowCountOf,
  saslPlainBody,
  startupBody,
} from '../support/raw-cql.js';

const { Client, errors, policies } = cassandra;
const USER = 'monitor';
const PASSWORD = 'secret';
const BEHAVIOURS = { 1: 'disabled', 2: 'hang', 3: 'unauthorized', 4: 'refuse', 5: 'garbage' } as const;

let cluster: SimulatedCqlCluster;
let client: cassandra.Client;
const logs: string[] = [];

/** A driver client on the contact, or on `contact`, that opens pools only when asked to. */
function driver(password = PASSWORD, contact = cluster.contact.host, timeoutMs = 5000): cassandra.Client {
  return new Client({
    contactPoints: [contact],
    localDataCenter: 'dc1',
    protocolOptions: { port: cluster.port },
    credentials: { username: USER, password },
    isMetadataSyncEnabled: false,
    policies: { loadBalancing: new policies.loadBalancing.RoundRobinPolicy() },
    pooling: { warmup: false },
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
  });
}

/** Runs a query on member `i` and no other. */
async function on(i: number, cql: string) {
  const host = client.hosts.get(`${cluster.members[i]!.address}:${cluster.port}`);
  return client.execute(cql, [], { host });
}

beforeAll(async () => {
  cluster = await startSimulatedCqlCluster({
    size: 6,
    latencyMs: [0, 5],
    user: USER,
    password: PASSWORD,
    behaviours: BEHAVIOURS,
  });
  client = driver();
  client.on('log', (level: string, _class: string, message: string) => {
    if (level === 'info') logs.push(message);
  });
  await client.connect();
});
afterAll(async () => {
  await client?.shutdown();
  await cluster?.close();
});

describe('cassandra-driver 4.10 against six simulated members', () => {
  it('logs in after negotiating down from its highest version (DSE v2, 0x42) to v4, and finds every member', () => {
    expect(logs).toContain('Protocol 0x42 not supported, using 0x4');
    expect(client.hosts.length).toBe(6);
    expect(client.hosts.values().map((h) => [h.address, h.datacenter, h.cassandraVersion])).toEqual(
      cluster.members.map((m) => [`${m.address}:${cluster.port}`, m.datacenter, '5.0.9']),
    );
  });

  it('refuses a wrong password, in Cassandra words', async () => {
    const wrong = driver('wrong');
    const failed = await wrong.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    await wrong.shutdown();
    expect(failed).toBeInstanceOf(errors.NoHostAvailableError);
    const inner = Object.values((failed as cassandra.errors.NoHostAvailableError).innerErrors)[0];
    expect(inner).toBeInstanceOf(errors.AuthenticationError);
    expect((inner as Error).message).toBe('Provided username monitor and/or password are incorrect');
  });

  it('system.local: each member its own host id, data center, rack, version, addresses, port and token', async () => {
    for (const i of [0, 1]) {
      const member = cluster.members[i]!;
      const row = (await on(i, "SELECT * FROM system.local WHERE key = 'local'")).first();
      expect({
        hostId: row['host_id'].toString(),
        dc: row['data_center'],
        rack: row['rack'],
        release: row['release_version'],
        addresses: [row['broadcast_address'], row['listen_address'], row['rpc_address']].map(String),
        port: row['rpc_port'],
        cluster: row['cluster_name'],
        tokens: row['tokens'],
      }).toEqual({
        hostId: member.hostId,
        dc: member.datacenter,
        rack: 'rack1',
        release: '5.0.9',
        addresses: [member.address, member.address, member.address],
        port: cluster.port,
        cluster: 'Simulated Cluster',
        tokens: [member.token],
      });
    }
  });

  it('selects the columns asked for, in their order, names in any case', async () => {
    const result = await on(0, 'select DATA_CENTER, host_id  from System.Local');
    expect(result.columns.map((c) => [c.name, c.type.code])).toEqual([
      ['data_center', 0x000d],
      ['host_id', 0x000c],
    ]);
    expect(Object.keys(result.first())).toEqual(['data_center', 'host_id']);
  });

  it('system.peers_v2: every other member, with its native address and port', async () => {
    const rows = (await on(1, 'SELECT * FROM system.peers_v2')).rows;
    const others = cluster.members.filter((_, i) => i !== 1);
    expect(rows.map((r) => [String(r['peer']), String(r['native_address']), r['native_port']])).toEqual(
      others.map((m) => [m.address, m.address, cluster.port]),
    );
    expect(rows.map((r) => [r['host_id'].toString(), r['data_center'], r['rack'], r['tokens']])).toEqual(
      others.map((m) => [m.hostId, m.datacenter, m.rack, [m.token]]),
    );
  });

  it('system_views.settings: incremental_backups as each member has it', async () => {
    const backups = "SELECT value FROM system_views.settings WHERE name = 'incremental_backups'";
    expect((await on(0, backups)).rows.map((r) => r['value'])).toEqual(['true']);
    expect((await on(1, backups)).rows.map((r) => r['value'])).toEqual(['false']);
    // The plugins ask for several settings at once, as a real node answers them.
    const some = "SELECT name, value FROM system_views.settings WHERE name IN ('incremental_backups', 'cluster_name')";
    expect((await on(0, some)).rows.map((r) => [r['name'], r['value']])).toEqual([
      ['cluster_name', 'Simulated Cluster'],
      ['incremental_backups', 'true'],
    ]);
    const all = (await on(0, 'SELECT name, value FROM system_views.settings')).rows;
    expect(Object.fromEntries(all.map((r) => [r['name'], r['value']]))).toMatchObject({
      data_file_directories: '[/var/lib/cassandra/data]',
      cluster_name: 'Simulated Cluster',
    });
    // A quote doubled inside a value of the list is one quote, not the list's end.
    const quoted = "SELECT name FROM system_views.settings WHERE name IN ('it''s', 'cluster_name')";
    expect((await on(0, quoted)).rows.map((r) => r['name'])).toEqual(['cluster_name']);
  });

  it('system_views.gossip_info: one row per member, on every member', async () => {
    const rows = (await on(1, 'SELECT * FROM system_views.gossip_info')).rows;
    expect(rows.map((r) => [String(r['address']), r['dc'], r['host_id'], r['status'], r['rpc_ready']])).toEqual(
      cluster.members.map((m) => [m.address, m.datacenter, m.hostId, `NORMAL,${m.token}`, 'true']),
    );
    expect(rows[0]!['native_address_and_port']).toBe(`${cluster.contact.host}:${cluster.port}`);
  });

  it('an unauthorized member: ResponseError 0x2100 on the virtual tables, system.local still readable', async () => {
    const failed = await on(3, 'SELECT * FROM system_views.settings').catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(errors.ResponseError);
    expect(failed).toMatchObject({
      code: 0x2100,
      message: 'User monitor has no SELECT permission on <table system_views.settings> or any of its parents',
    });
    expect((await on(3, 'SELECT host_id FROM system.local')).first()['host_id'].toString()).toBe(
      cluster.members[3]!.hostId,
    );
  });

  it('a table that does not exist: 0x2200', async () => {
    await expect(on(0, 'SELECT * FROM system.nope')).rejects.toMatchObject({
      code: 0x2200,
      message: 'table nope does not exist',
    });
    await expect(on(0, 'SELECT nope FROM system.local')).rejects.toMatchObject({ code: 0x2200 });
  });

  it('a member that hangs: the driver times out on it', async () => {
    const hung = driver(PASSWORD, cluster.members[2]!.address, 500);
    const started = Date.now();
    const failed = await hung.connect().catch((error: unknown) => error);
    await hung.shutdown();
    expect(failed).toBeInstanceOf(errors.NoHostAvailableError);
    const inner = Object.values((failed as cassandra.errors.NoHostAvailableError).innerErrors)[0] as Error;
    expect(inner).toBeInstanceOf(errors.OperationTimedOutError);
    expect(inner.message).toMatch(/did not reply before timeout 500 ms$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });
});

describe('the frames, raw', () => {
  const contact = () => RawCql.open(cluster.contact.host, cluster.port);
  const QUERIES: Record<number, string> = {
    7: 'SELECT * FROM system.local',
    8: 'SELECT * FROM system_views.gossip_info',
    9: "SELECT value FROM system_views.settings WHERE name = 'incremental_backups'",
    10: 'SELECT * FROM system.nope',
  };

  it('a frame a byte at a time, four joined in one write, two cut in 7-byte pieces: each answered on its stream', async () => {
    const raw = await contact();
    for (const byte of request(1, OPCODE.STARTUP, startupBody())) {
      raw.send(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(await raw.next()).toMatchObject({ version: 0x84, stream: 1, opcode: OPCODE.AUTHENTICATE });
    expect(await raw.ask(2, OPCODE.AUTH_RESPONSE, saslPlainBody(USER, PASSWORD))).toMatchObject({
      stream: 2,
      opcode: OPCODE.AUTH_SUCCESS,
    });
    raw.send(
      Buffer.concat(Object.entries(QUERIES).map(([s, cql]) => request(Number(s), OPCODE.QUERY, queryBody(cql)))),
    );
    const joined = new Map((await Promise.all([1, 2, 3, 4].map(() => raw.next()))).map((f) => [f!.stream, f!]));
    expect([7, 8, 9].map((s) => rowCountOf(joined.get(s)!))).toEqual([
      { kind: 2, rows: 1 },
      { kind: 2, rows: 6 },
      { kind: 2, rows: 1 },
    ]);
    expect(errorOf(joined.get(10)!)).toEqual({ code: 0x2200, message: 'table nope does not exist' });
    const two = Buffer.concat([11, 12].map((s) => request(s, OPCODE.QUERY, queryBody('SELECT * FROM system.peers'))));
    for (let at = 0; at < two.length; at += 7) {
      raw.send(two.subarray(at, at + 7));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const cut = await Promise.all([raw.next(), raw.next()]);
    expect(cut.map((f) => f!.stream).sort()).toEqual([11, 12]);
    expect(cut.map((f) => rowCountOf(f!))).toEqual([
      { kind: 2, rows: 5 },
      { kind: 2, rows: 5 },
    ]);
    raw.close();
  });

  it("another protocol version: Cassandra's protocol error in a v4 frame, then the connection closes", async () => {
    for (const version of [5, 0x42, 3]) {
      const raw = await contact();
      raw.send(request(3, OPCODE.STARTUP, startupBody(), version));
      const answer = await raw.next();
      expect(answer).toMatchObject({ version: 0x84, stream: 3, opcode: OPCODE.ERROR });
      expect(errorOf(answer!)).toEqual({
        code: 0x000a,
        message: `Invalid or unsupported protocol version (${version}); supported versions are (4/v4)`,
      });
      expect(await raw.next()).toBeUndefined();
    }
  });

  it('OPTIONS at any time; a QUERY before STARTUP, or before the login, is a protocol error', async () => {
    const raw = await contact();
    expect(await raw.ask(0, OPCODE.OPTIONS, Buffer.alloc(0))).toMatchObject({ opcode: OPCODE.SUPPORTED });
    const early = await raw.ask(1, OPCODE.QUERY, queryBody(QUERIES[7]!));
    expect(errorOf(early!)).toEqual({
      code: 0x000a,
      message: 'Unexpected message QUERY, expecting STARTUP or OPTIONS',
    });
    await raw.ask(2, OPCODE.STARTUP, startupBody());
    const unauthenticated = await raw.ask(3, OPCODE.QUERY, queryBody(QUERIES[7]!));
    expect(errorOf(unauthenticated!).message).toBe('Unexpected message QUERY, expecting AUTH_RESPONSE or OPTIONS');
    raw.close();
  });

  it('a refusing member resets the connection; a garbage one answers HTTP 400', async () => {
    // The reset may come before the client has seen its connection open, or just after.
    const refused = await RawCql.open(cluster.members[4]!.address, cluster.port).then(
      async (raw) => ((await raw.next()) === undefined && raw.raw.length === 0 ? 'closed without a byte' : 'answered'),
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(['ECONNRESET', 'closed without a byte']).toContain(refused);
    const garbage = await RawCql.open(cluster.members[5]!.address, cluster.port);
    garbage.send(request(0, OPCODE.STARTUP, startupBody()));
    expect(await garbage.next()).toBeUndefined();
    expect(garbage.raw.toString()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});

/** STARTUP, login and one QUERY on one raw connection: the rows of the answer, or -1. */
async function auditOne(host: string, port: number): Promise<number> {
  const raw = await RawCql.open(host, port);
  try {
    if ((await raw.ask(0, OPCODE.STARTUP, startupBody()))?.opcode !== OPCODE.AUTHENTICATE) return -1;
    if ((await raw.ask(1, OPCODE.AUTH_RESPONSE, saslPlainBody(USER, PASSWORD)))?.opcode !== OPCODE.AUTH_SUCCESS)
      return -1;
    const cql = "SELECT value FROM system_views.settings WHERE name = 'incremental_backups'";
    const answer = await raw.ask(2, OPCODE.QUERY, queryBody(cql));
    return answer?.opcode === OPCODE.RESULT ? rowCountOf(answer).rows : -1;
  } finally {
    raw.close();
  }
}

/** A figure of /proc/<pid>/status, in MiB. */
function mebibytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return Number(line?.[1] ?? Number.NaN) / 1024;
}

describe('1,000 members, as a program', () => {
  it('prints its contact and serves 1,000 logins and queries on raw connections, 64 at a time', async () => {
    const child = spawn(
      process.execPath,
      ['scripts/simulated-cql-cluster.mjs', '--size', '1000', '--user', USER, '--password', PASSWORD],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [line] = await createInterface({ input: child.stdout })
        [Symbol.asyncIterator]()
        .next()
        .then((r) => [r.value]);
      expect(line).toMatch(/^127\.3\.0\.1:\d+$/);
      const port = Number(String(line).split(':')[1]);
      const started = performance.now();
      const rows: number[] = [];
      let next = 0;
      const worker = async () => {
        while (next < 1000) rows.push(await auditOne(addressOf(next++, '127.3'), port));
      };
      await Promise.all(Array.from({ length: 64 }, worker));
      const wallMs = Math.round(performance.now() - started);
      const [rss, peak] = [mebibytes(child.pid!, 'VmRSS'), mebibytes(child.pid!, 'VmHWM')];
      console.info(
        `1,000 members: ${wallMs} ms for 1,000 connections; server RSS ${rss.toFixed(1)} MiB, peak ${peak.toFixed(1)}`,
      );
      expect(rows).toEqual(Array.from({ length: 1000 }, () => 1));
      expect(peak).toBeLessThan(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
