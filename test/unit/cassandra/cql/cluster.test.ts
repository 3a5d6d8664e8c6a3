// The cluster audit's reader over CQL, against simulated rings (scripts/simulated-cql-cluster.mjs:
// every member on its own loopback address, one fake CQL server for all): the ring from the
// contact's system.local and peers_v2, each member asked on its own native address and port,
// each failure sorted as the audit words it (connection and timeout: unreachable; login,
// permission, trust: refused; not CQL: not-cassandra), all within --node-timeout; the contacts
// tried in turn. The Jolokia reader's tests: ../cluster.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Column, Table } from '../../../../scripts/cql-codec.mjs';
import { type FakeCql, startFakeCql } from '../../../../scripts/fake-cql.mjs';
import { type SimulatedCqlCluster, startSimulatedCqlCluster } from '../../../../scripts/simulated-cql-cluster.mjs';
import type { ClusterRequest, MemberAnswer } from '../../../../src/cassandra/cluster.js';
import { readCluster } from '../../../../src/cassandra/cql/cluster.js';
import { leastGrant } from '../../../../src/cassandra/cql/node.js';
import type { CqlEndpoint } from '../../../../src/cql/session.js';
import { CheckError } from '../../../../src/runtime/errors.js';
import type { Reading } from '../../../../src/runtime/result.js';
import {
  GOSSIP_COLUMNS,
  gossipRow,
  LOCAL_COLUMNS,
  limits,
  localRow,
  PEERS_V2_COLUMNS,
  startNode,
  unhandledDuring,
} from './fake-node.js';

const USER = 'monitor';
const PASSWORD = 'secret';
const BEHAVIOURS = { 1: 'disabled', 2: 'hang', 3: 'refuse', 4: 'garbage', 5: 'unauthorized' } as const;

let ring: SimulatedCqlCluster;
beforeAll(async () => {
  ring = await startSimulatedCqlCluster({
    size: 6,
    network: '127.5',
    latencyMs: [0, 3],
    user: USER,
    password: PASSWORD,
    behaviours: BEHAVIOURS,
  });
});
afterAll(() => ring?.close());

const request = (over: Partial<ClusterRequest> = {}): ClusterRequest => ({
  nodes: [],
  nodeUrl: undefined,
  overrides: new Map(),
  datacenters: [],
  parallel: 16,
  nodeTimeoutSeconds: 1,
  ...over,
});
const member = (i: number): CqlEndpoint => ({
  host: ring.members[i]!.address,
  port: ring.port,
  user: USER,
  password: PASSWORD,
});
/** What the simulated members (5.0.9) tell a role without the grant to run, as leastGrant has it. */
const GRANT = leastGrant(USER, '5.0.9');
const statusOf = (answer: Reading<MemberAnswer>) => ('found' in answer ? answer.found.status : 'unreadable');
const reasonOf = (answer: Reading<MemberAnswer>) =>
  'found' in answer && 'reason' in answer.found ? answer.found.reason : undefined;

it('the grant named is one statement', () => {
  expect(GRANT).toMatch(/^GRANT SELECT ON (ALL KEYSPACES|KEYSPACE system_views) TO monitor$/);
});

describe('readCluster over CQL: a ring of six, one of each behaviour', () => {
  it('every member accounted for, each as it behaved, within --node-timeout', async () => {
    const started = Date.now();
    const facts = await readCluster([member(0)], request(), limits());
    expect(Date.now() - started).toBeLessThan(2500);
    expect(facts.seconds).toBeLessThan(2.5);
    expect(facts).toMatchObject({ contact: `${ring.members[0]!.address}:${ring.port}`, contactFailures: [] });
    expect(facts.ringKnown).toBe(true);
    expect(facts.members.map((m) => [m.target.name, m.target.url, m.target.member?.hostId])).toEqual(
      ring.members.map((m) => [m.address, `${m.address}:${ring.port}`, m.hostId]),
    );
    const [enabled, disabled, hang, refuse, garbage, unauthorized] = facts.members.map((m) => m.answer);
    expect(enabled).toEqual({
      found: { status: 'answered', enabled: true, hostId: ring.members[0]!.hostId, releaseVersion: '5.0.9' },
    });
    // Each member answers for itself, on its own session: its own host id.
    expect(disabled).toEqual({
      found: { status: 'answered', enabled: false, hostId: ring.members[1]!.hostId, releaseVersion: '5.0.9' },
    });
    expect(hang).toEqual({
      found: {
        status: 'unreachable',
        reason: expect.stringMatching(/^127\.5\.0\.3:\d+ accepted the connection but did not answer .*STARTUP in time/),
      },
    });
    // A connection reset as soon as it is accepted: the client cannot tell which side of its own
    // 'connect' the reset came, so it is either (the status always goes with its reason).
    const [status, reason] = [statusOf(refuse!), reasonOf(refuse!)];
    expect(status).toMatch(/^(unreachable|not-cassandra)$/);
    expect(reason).toMatch(
      status === 'unreachable'
        ? /^127\.5\.0\.4:\d+ closed the connection \(while connecting\)$/
        : /^127\.5\.0\.4:\d+ closed the connection without answering the protocol's STARTUP/,
    );
    expect(garbage).toEqual({
      found: {
        status: 'not-cassandra',
        reason: expect.stringMatching(
          /^127\.5\.0\.5:\d+ does not speak the CQL native protocol \(it answered "HTTP\/1\.1 400/,
        ),
      },
    });
    expect(unauthorized).toEqual({
      found: {
        status: 'refused',
        reason: `The role monitor may not read system_views.settings on 127.5.0.6:${ring.port}: run ${GRANT}`,
      },
    });
  });

  it('one connection per member: the contact answers for itself over the session that read the ring', async () => {
    const healthy = await startSimulatedCqlCluster({
      size: 3,
      network: '127.6',
      latencyMs: [0, 1],
      user: USER,
      password: PASSWORD,
    });
    try {
      const contact: CqlEndpoint = { host: healthy.contact.host, port: healthy.port, user: USER, password: PASSWORD };
      const facts = await readCluster([contact], request(), limits());
      expect(facts.members.map((m) => statusOf(m.answer))).toEqual(['answered', 'answered', 'answered']);
      expect(
        facts.members.map((m) => 'found' in m.answer && m.answer.found.status === 'answered' && m.answer.found.hostId),
      ).toEqual(healthy.members.map((m) => m.hostId));
      expect(healthy.connections).toBe(3);
    } finally {
      await healthy.close();
    }
  });

  it('--dc: only the members of those data centers are asked', async () => {
    const facts = await readCluster([member(0)], request({ datacenters: ['dc2'] }), limits());
    expect(facts.members.map((m) => [m.target.name, m.target.member?.datacenter, statusOf(m.answer)])).toEqual([
      [ring.members[1]!.address, 'dc2', 'answered'],
      [ring.members[4]!.address, 'dc2', 'not-cassandra'],
    ]);
  });

  it('--dc naming no data center of the ring: an error that lists those it has', async () => {
    await expect(readCluster([member(0)], request({ datacenters: ['analytics'] }), limits())).rejects.toThrow(
      new CheckError('No member of the ring is in analytics (the ring has dc1, dc2, dc3)'),
    );
  });

  it('a contact that fails: the next is asked, and the failure kept', async () => {
    const facts = await readCluster([member(4), member(1)], request({ datacenters: ['dc1'] }), limits());
    expect(facts.contact).toBe(`${ring.members[1]!.address}:${ring.port}`);
    expect(facts.contactFailures).toEqual([expect.stringMatching(/^127\.5\.0\.5:\d+ does not speak the CQL/)]);
    expect(facts.members.map((m) => m.target.name)).toEqual([ring.members[0]!.address, ring.members[3]!.address]);
  });

  it('a contact that hangs holds the audit no longer than --node-timeout', async () => {
    const started = Date.now();
    const facts = await readCluster([member(2), member(0)], request({ datacenters: ['dc1'] }), limits());
    expect(Date.now() - started).toBeLessThan(2500);
    expect(facts.contactFailures).toEqual([expect.stringMatching(/did not answer the protocol's STARTUP in time/)]);
    expect(facts.contact).toBe(`${ring.members[0]!.address}:${ring.port}`);
  });

  it('no contact answers: a CheckError naming each', async () => {
    const failed = await readCluster([member(4), member(5)], request(), limits()).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(CheckError);
    const [garbage, unauthorized] = (failed as Error).message.replace(/^No contact node answered: /, '').split('; ');
    expect(garbage).toMatch(
      new RegExp(`^127\\.5\\.0\\.5:${ring.port} does not speak the CQL native protocol \\(it answered "HTTP/1\\.1 400`),
    );
    expect(unauthorized).toBe(
      `The role monitor may not read system_views.gossip_info on 127.5.0.6:${ring.port}: run ${GRANT}`,
    );
  });

  it('one contact, and it fails: its own failure', async () => {
    await expect(readCluster([member(4)], request(), limits())).rejects.toThrow(/^127\.5\.0\.5:\d+ does not speak/);
  });

  it('no contact answers, but --node was given: the nodes are asked without a ring', async () => {
    const nodes = [ring.members[1]!.address, ring.members[2]!.address];
    const facts = await readCluster([member(4)], request({ nodes }), limits());
    expect(facts).toMatchObject({ contact: undefined, ringKnown: false, contactFailures: [expect.any(String)] });
    expect(facts.members.map((m) => [m.target.name, m.target.url, statusOf(m.answer)])).toEqual([
      [nodes[0], `${nodes[0]}:${ring.port}`, 'answered'],
      [nodes[1], `${nodes[1]}:${ring.port}`, 'unreachable'],
    ]);
  });

  it('a wrong password: the contact refuses the login, in those words', async () => {
    const wrong = (i: number): CqlEndpoint => ({ ...member(i), password: 'wrong' });
    const failed = await readCluster([wrong(0)], request(), limits()).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(CheckError);
    expect((failed as Error).message).toBe(
      `Login refused for user monitor at ${ring.members[0]!.address}:${ring.port}: check the user and password`,
    );
  });
});

const col = (name: string): Column => ({ name, type: 'varchar' });

/**
 * A ring of three whose members gossip on internal addresses (10.255.0.x, never reachable from
 * here) and serve CQL elsewhere: A, the contact, on 127.8.0.1; B on 127.0.0.1 at a port of its
 * own (a second server); C on 127.8.0.3, which announced its shutdown (`shutdown,true`) and resets
 * connections. 4.0 has no gossip_info.
 */
async function internalRing(release: '5.0.9' | '4.0.17') {
  const ids = ['a', 'b', 'c'].map((x) => `00000000-0000-4000-8000-00000000000${x}`);
  const internal = (i: number) => `10.255.0.${i + 1}`;
  let natives: { host: string; port: number }[] = [];
  const member = (i: number): ((keyspace: string, table: string) => Table | undefined) => {
    const local = { ...localRow(release, internal(i), natives[i]!.port, ids[i]), data_center: `dc${i + 1}` };
    const tables: Record<string, { columns: Column[]; rows: Record<string, unknown>[] }> = {
      'system.local': { columns: LOCAL_COLUMNS, rows: [{ ...local, rpc_address: natives[i]!.host }] },
      'system.peers_v2': {
        columns: PEERS_V2_COLUMNS,
        rows: [0, 1, 2]
          .filter((j) => j !== i)
          .map((j) => ({
            peer: internal(j),
            peer_port: 7000,
            data_center: `dc${j + 1}`,
            host_id: ids[j],
            native_address: natives[j]!.host,
            native_port: natives[j]!.port,
            rack: 'rack1',
            release_version: release,
          })),
      },
      'system_views.settings': {
        columns: [col('name'), col('value')],
        rows: [{ name: 'incremental_backups', value: 'true' }],
      },
    };
    if (release === '5.0.9')
      tables['system_views.gossip_info'] = {
        columns: GOSSIP_COLUMNS,
        rows: [0, 1, 2].map((j) => gossipRow(j === 2 ? 'shutdown,true' : 'NORMAL,0', ids[j], internal(j))),
      };
    return (keyspace, table) => tables[`${keyspace}.${table}`];
  };
  const credentials = { user: USER, password: PASSWORD };
  const servers: FakeCql[] = [];
  servers.push(
    await startFakeCql({
      host: '0.0.0.0',
      credentials,
      endpoint: (address) =>
        address === '127.8.0.1'
          ? { conduct: 'answer', table: member(0) }
          : address === '127.8.0.3'
            ? { conduct: 'refuse', table: member(2) }
            : undefined,
    }),
  );
  servers.push(await startFakeCql({ credentials, endpoint: () => ({ conduct: 'answer', table: member(1) }) }));
  natives = [
    { host: '127.8.0.1', port: servers[0]!.port },
    { host: '127.0.0.1', port: servers[1]!.port },
    { host: '127.8.0.3', port: servers[0]!.port },
  ];
  return { ids, natives, contact: { ...natives[0]!, ...credentials }, servers };
}
describe('readCluster over CQL: where each member serves CQL', () => {
  let servers: FakeCql[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it("5.0: each member asked on peers_v2's native address and port, not its gossip address; a shutdown is down", async () => {
    const r = await internalRing('5.0.9');
    servers = r.servers;
    const facts = await readCluster([r.contact], request(), limits());
    expect(
      facts.members.map((m) => [m.target.name, m.target.url, m.target.member?.gossip, m.target.member?.status]),
    ).toEqual([
      ['10.255.0.1', `127.8.0.1:${r.natives[0]!.port}`, 'unknown', 'NORMAL'],
      ['10.255.0.2', `127.0.0.1:${r.natives[1]!.port}`, 'unknown', 'NORMAL'],
      ['10.255.0.3', `127.8.0.3:${r.natives[2]!.port}`, 'down', 'shutdown'],
    ]);
    expect(facts.members.map((m) => m.target.member?.endpoint)).toEqual([
      '10.255.0.1:7000',
      '10.255.0.2:7000',
      '10.255.0.3:7000',
    ]);
    expect(facts.members.map((m) => statusOf(m.answer)).slice(0, 2)).toEqual(['answered', 'answered']);
    expect(
      facts.members.map((m) => 'found' in m.answer && 'hostId' in m.answer.found && m.answer.found.hostId),
    ).toEqual([r.ids[0], r.ids[1], false]);
  });

  it('4.0 (no gossip_info): the ring from system.local and peers_v2 alone, every member up or down unknown', async () => {
    const r = await internalRing('4.0.17');
    servers = r.servers;
    const facts = await readCluster([r.contact], request({ datacenters: ['dc1', 'dc2'] }), limits());
    expect(
      facts.members.map((m) => [m.target.url, m.target.member?.gossip, m.target.member?.status, statusOf(m.answer)]),
    ).toEqual([
      [`127.8.0.1:${r.natives[0]!.port}`, 'unknown', undefined, 'answered'],
      [`127.0.0.1:${r.natives[1]!.port}`, 'unknown', undefined, 'answered'],
    ]);
    expect(facts.members.map((m) => m.target.member?.releaseVersion)).toEqual(['4.0.17', '4.0.17']);
  });
});

describe('readCluster over CQL: a contact whose system.local alone fails', () => {
  it('that failure, and no rejection left unhandled', async () => {
    const node = await startNode({ release: '5.0.9', denied: ['system.local'] });
    try {
      const unhandled = await unhandledDuring(() =>
        expect(readCluster([node.endpoint], request(), limits())).rejects.toThrow(
          // The release cannot be read: the grant every release takes.
          `The role monitor may not read system.local on 127.0.0.1:${node.server.port}: run ${leastGrant(USER, undefined)}`,
        ),
      );
      expect(unhandled).toEqual([]);
    } finally {
      await node.close();
    }
  });
});
