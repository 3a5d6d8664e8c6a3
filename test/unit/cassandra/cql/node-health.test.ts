// check_cassandra_node's reader over CQL, against the fake CQL server: the native transport
// answers, so it runs; the backup flag from system_views.settings; gossip and the mode from the
// node's own row of system_views.gossip_info (5.0; a stopped gossip shows as `shutdown,true`, as
// on a real 5.0.9), never from another member's row; on 4.0 (no gossip_info) both are left
// untold, and said so.
import { afterEach, describe, expect, it } from 'vitest';
import { readNodeHealth } from '../../../../src/cassandra/cql/node-health.js';
import { CqlError } from '../../../../src/cql/errors.js';
import { type FakeNode, gossipRow, limits, type NodeSpec, startNode, unhandledDuring } from './fake-node.js';

let node: FakeNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const OTHER = '6d194555-f6eb-41d0-c000-000000000002';
const JMX_ONLY = 'Joined, Drained, Draining and Decommissioning only over JMX (--transport jolokia)';

async function health(spec: NodeSpec) {
  node = await startNode(spec);
  return readNodeHealth(node.endpoint, limits());
}

describe('readNodeHealth over CQL', () => {
  it('5.0, its own gossip row NORMAL: gossip runs, mode NORMAL; what only JMX tells is undefined', async () => {
    const facts = await health({
      release: '5.0.9',
      gossip: [gossipRow('LEAVING,0', OTHER, '127.0.0.2'), gossipRow('NORMAL,-9223372036854775808')],
    });
    expect(facts).toEqual({
      binary: true,
      gossip: true,
      backup: true,
      mode: 'NORMAL',
      joined: undefined,
      drained: undefined,
      draining: undefined,
      decommissioning: undefined,
      releaseVersion: '5.0.9',
      roundTripSeconds: expect.any(Number),
      where: `127.0.0.1:${node?.server.port} (CQL)`,
      transport: 'cql',
      untold: `over CQL: gossip and the mode from the node's own gossip_info row (STATUS NORMAL); ${JMX_ONLY}`,
    });
  });

  it('5.0, gossip stopped (its own row `shutdown,true`): gossip false, the mode unknown', async () => {
    const facts = await health({
      release: '5.0.9',
      settings: { incremental_backups: 'false' },
      gossip: [gossipRow('NORMAL,0', OTHER, '127.0.0.2'), gossipRow('shutdown,true')],
    });
    expect(facts).toMatchObject({ binary: true, gossip: false, mode: undefined, backup: false });
    expect(facts.untold).toContain('(STATUS shutdown)');
  });

  it.each([
    ['BOOT,0', 'JOINING'],
    ['BOOT_REPLACE,127.0.0.9', 'JOINING'],
    ['LEAVING,0', 'LEAVING'],
    ['MOVING,0', 'MOVING'],
    ['LEFT,0,1760000000000', 'DECOMMISSIONED'],
    ['hibernate,true', undefined],
  ])('5.0, its own STATUS %s: mode %s, gossip running', async (status, mode) => {
    const facts = await health({ release: '5.0.9', gossip: [gossipRow(status)] });
    expect(facts).toMatchObject({ gossip: true, mode });
  });

  it("5.0, no row of its own (another member's only): gossip and the mode untold", async () => {
    const facts = await health({ release: '5.0.9', gossip: [gossipRow('NORMAL,0', OTHER, '127.0.0.2')] });
    expect(facts).toMatchObject({ gossip: undefined, mode: undefined });
    expect(facts.untold).toContain('(STATUS missing)');
  });

  it('4.0 (no system_views.gossip_info): gossip and the mode undefined, and said why', async () => {
    const facts = await health({ release: '4.0.17' });
    expect(facts).toMatchObject({ binary: true, gossip: undefined, mode: undefined, backup: true });
    expect(facts.releaseVersion).toBe('4.0.17');
    expect(facts.untold).toBe(
      `over CQL: gossip and the mode are not told by Cassandra 4.0.17 (no system_views.gossip_info); ${JMX_ONLY}`,
    );
    expect(node?.asked).toContain('system_views.gossip_info');
  });

  it('a role that may not read gossip_info: the GRANT to run, not a silent unknown', async () => {
    node = await startNode({ release: '5.0.9', denied: ['system_views.gossip_info'] });
    const error = await readNodeHealth(node.endpoint, limits()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CqlError);
    expect(error).toMatchObject({ kind: 'permission' });
    expect((error as Error).message).toMatch(/may not read system_views\.gossip_info on .*: run GRANT SELECT ON /);
  });

  it('system.local alone failing: that failure, and no rejection left unhandled', async () => {
    node = await startNode({ release: '5.0.9', denied: ['system.local'] });
    const endpoint = node.endpoint;
    const unhandled = await unhandledDuring(() =>
      expect(readNodeHealth(endpoint, limits())).rejects.toThrow(/^The role monitor may not read system\.local on /),
    );
    expect(unhandled).toEqual([]);
  });
});
