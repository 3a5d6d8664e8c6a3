// check_cassandra_snapshots' reader over CQL, against the fake CQL server: system_views.snapshots
// (5.0) has a row per snapshot and table; a snapshot is its name across its tables, as `nodetool
// listsnapshots` groups them. 4.0 has no such table: the check is told what to use instead.
import { afterEach, describe, expect, it } from 'vitest';
import { readSnapshots } from '../../../../src/cassandra/cql/snapshots.js';
import { CqlError } from '../../../../src/cql/errors.js';
import { type FakeNode, limits, type NodeSpec, startNode, unhandledDuring } from './fake-node.js';

let node: FakeNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const T0 = Date.parse('2026-11-01T02:00:00Z');
const HOUR = 3_600_000;

/** A row of system_views.snapshots, as 5.0 has it. */
const row = (name: string, table: string, over: Record<string, unknown> = {}) => ({
  name,
  keyspace_name: table.split('.')[0],
  table_name: table.split('.')[1],
  true_size: 1000,
  size_on_disk: 5000,
  created_at: T0,
  expires_at: null,
  ephemeral: false,
  ...over,
});

async function snapshots(spec: NodeSpec) {
  node = await startNode(spec);
  return readSnapshots(node.endpoint, limits());
}

describe('readSnapshots over CQL', () => {
  it('two snapshots over several tables: grouped by name, sizes summed, the earliest creation and expiry', async () => {
    const facts = await snapshots({
      release: '5.0.9',
      snapshots: [
        row('nightly', 'shop.orders', { true_size: 2 ** 33, size_on_disk: 2 ** 34, created_at: T0 + 2000 }),
        row('before-upgrade', 'shop.orders', { created_at: T0 - 48 * HOUR, expires_at: T0 + 24 * HOUR }),
        row('nightly', 'shop.events', { true_size: 10, size_on_disk: 20, created_at: T0 }),
        row('nightly', 'auth.roles', { true_size: 0, size_on_disk: 300, created_at: T0 + 5000 }),
        row('before-upgrade', 'shop.events', { created_at: T0 - 47 * HOUR, expires_at: T0 + 23 * HOUR }),
      ],
    });
    expect(facts).toEqual({
      snapshots: [
        {
          tag: 'before-upgrade',
          tables: ['shop.orders', 'shop.events'],
          trueSizeBytes: 2000,
          sizeOnDiskBytes: 10000,
          createdMs: T0 - 48 * HOUR,
          expiresMs: T0 + 23 * HOUR,
          ephemeral: false,
        },
        {
          tag: 'nightly',
          tables: ['shop.orders', 'shop.events', 'auth.roles'],
          trueSizeBytes: 2 ** 33 + 10,
          sizeOnDiskBytes: 2 ** 34 + 320,
          createdMs: T0,
          expiresMs: undefined,
          ephemeral: false,
        },
      ],
      source: { description: `system_views.snapshots of 127.0.0.1:${node?.server.port} (CQL)` },
      unreadable: [],
    });
  });

  it('an ephemeral snapshot (a repair made it) is ephemeral, whichever of its tables says so', async () => {
    const facts = await snapshots({
      release: '5.0.9',
      snapshots: [
        row('2a1b-repair', 'shop.orders', { ephemeral: false }),
        row('2a1b-repair', 'shop.events', { ephemeral: true }),
        row('manual', 'shop.orders', { ephemeral: null }),
      ],
    });
    expect(facts.snapshots.map((s) => [s.tag, s.ephemeral])).toEqual([
      ['2a1b-repair', true],
      ['manual', false],
    ]);
  });

  it('null sizes and times (a value the node did not have) count as nothing, not as a failure', async () => {
    const facts = await snapshots({
      release: '5.0.9',
      snapshots: [row('s', 'shop.orders', { true_size: null, created_at: null }), row('s', 'shop.events')],
    });
    expect(facts.snapshots).toEqual([
      expect.objectContaining({ tag: 's', trueSizeBytes: 1000, sizeOnDiskBytes: 10000, createdMs: T0 }),
    ]);
  });

  it('answers in another order than asked (the release last): the same facts, no rejection left unhandled', async () => {
    node = await startNode({ release: '5.0.9', latencyMs: [0, 20], snapshots: [row('s', 'shop.orders')] });
    const endpoint = node.endpoint;
    const read = async () => {
      for (let i = 0; i < 20; i++) expect((await readSnapshots(endpoint, limits())).snapshots).toHaveLength(1);
    };
    expect(await unhandledDuring(read)).toEqual([]);
  });

  it('no snapshot: none', async () => {
    expect((await snapshots({ release: '5.0.9', snapshots: [] })).snapshots).toEqual([]);
  });

  it('4.0 (no system_views.snapshots): no-such-table, naming the release and what to use instead', async () => {
    node = await startNode({ release: '4.0.17' });
    const error = await readSnapshots(node.endpoint, limits()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CqlError);
    expect(error).toMatchObject({ kind: 'no-such-table' });
    expect((error as Error).message).toBe(
      `127.0.0.1:${node.server.port} has no system_views.snapshots (Cassandra 4.0.17): it came with Cassandra 5.0; use --transport jolokia, or run the check on the node with --data-dir (no agent needed)`,
    );
  });

  it('a role that may not read it: the GRANT to run', async () => {
    node = await startNode({ release: '5.0.9', denied: ['system_views.snapshots'] });
    const error = await readSnapshots(node.endpoint, limits()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'permission' });
    expect((error as Error).message).toMatch(/may not read system_views\.snapshots on .*: run GRANT SELECT ON /);
  });
});
