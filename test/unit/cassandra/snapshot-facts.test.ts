// check_cassandra_snapshots' reader over a stub agent and temporary snapshot folders: what the
// agent says (SnapshotDetails in the nesting the agents send), completed from the folders where
// they can be read from here, and the folders instead when a Jolokia 2.x agent cuts its answer
// short. The parsing of both sources: test/unit/checks/snapshots.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readNodeSnapshots, readSnapshotFolders } from '../../../src/cassandra/snapshot-facts.js';
import { JolokiaAgentError, JolokiaProtocolError } from '../../../src/jolokia/errors.js';
import type { JolokiaRequest } from '../../../src/jolokia/types.js';
import { described, forbidden, sourceOf, stubAgent, value, WHERE, type Responder } from './stub-agent.js';

const SS = 'org.apache.cassandra.db:type=StorageService';
const ID = '5a1c395e2b7d11efa7a5bd2f6f6c9d1e';
const CREATED = '2026-11-28T11:00:00.000Z';
let data: string;
beforeEach(() => {
  data = mkdtempSync(join(tmpdir(), 'snapshot-facts-'));
});
afterEach(() => rmSync(data, { recursive: true, force: true }));

/** A snapshot folder of shop.orders, with manifest.json's times (4.1+). */
function folder(tag: string, created = CREATED): void {
  const path = join(data, 'shop', `orders-${ID}`, 'snapshots', tag);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'nb-1-big-Data.db'), 'snapshotted');
  writeFileSync(join(path, 'manifest.json'), JSON.stringify({ files: ['nb-1-big-Data.db'], created_at: created }));
}

/** One SnapshotDetails row, nested under its index values as the agents send the TabularData; 4.0 has no times. */
function details(tag: string, times: boolean): Record<string, unknown> {
  const leaf = {
    'Snapshot name': tag,
    'Keyspace name': 'shop',
    'Column family name': 'orders',
    'True size': '1 KiB',
    'Size on disk': '2 KiB',
    ...(times ? { 'Creation time': CREATED, 'Expiration time': '' } : {}),
  };
  return { [tag]: { shop: { orders: { '1 KiB': { '2 KiB': leaf } } } } };
}

/** A node of this release whose data directory is `dataDirectory`, answering SnapshotDetails with `snapshots`. */
function node(release: string | undefined, dataDirectory: string, snapshots: Responder): Responder {
  return (r: JolokiaRequest) => {
    if (r.type !== 'read') return forbidden(r);
    if (r.attribute === 'SnapshotDetails') return snapshots(r);
    if (r.attribute === 'IncrementalBackupsEnabled') return value(true);
    if (r.attribute === 'AllDataFileLocations') return value([dataDirectory]);
    if (r.attribute === 'ReleaseVersion' && release !== undefined) return value(release);
    return forbidden(r);
  };
}

describe('readNodeSnapshots', () => {
  it('4.1+: the agent says it all; the folders are not read', async () => {
    const agent = stubAgent(node('5.0.9', data, () => value(details('daily', true))));
    const facts = await readNodeSnapshots(sourceOf(agent));
    expect(agent.sent.map(described)).toEqual([
      [`${SS} IncrementalBackupsEnabled`, `${SS} ReleaseVersion`, `${SS} AllDataFileLocations`],
      [`${SS} SnapshotDetails`],
    ]);
    expect(facts.source).toEqual({ description: `SnapshotDetails from ${WHERE} (Cassandra 5.0.9)` });
    expect(facts.snapshots).toEqual([
      {
        tag: 'daily',
        tables: ['shop.orders'],
        trueSizeBytes: 1024,
        sizeOnDiskBytes: 2048,
        createdMs: Date.parse(CREATED),
        expiresMs: undefined,
        ephemeral: false,
      },
    ]);
    expect(facts.unreadable).toEqual([]);
  });

  it('4.0 on the node: the creation time from the snapshot folder', async () => {
    folder('weekly');
    const facts = await readNodeSnapshots(
      sourceOf(stubAgent(node('4.0.19', data, () => value(details('weekly', false))))),
    );
    expect(facts.snapshots[0]).toMatchObject({ tag: 'weekly', createdMs: Date.parse(CREATED), trueSizeBytes: 1024 });
    expect(facts.source).toEqual({
      description: `SnapshotDetails from ${WHERE} (Cassandra 4.0.19); creation times from the snapshot folders in ${data}`,
    });
  });

  it('4.0 away from the node: no creation time, and the source says why and what to do', async () => {
    const facts = await readNodeSnapshots(
      sourceOf(stubAgent(node('4.0.19', join(data, 'not-here'), () => value(details('weekly', false))))),
    );
    expect(facts.snapshots[0]?.createdMs).toBeUndefined();
    expect(facts.source.noCreationTime).toBe(
      'Cassandra 4.0.19 does not report it: run the check on the node, where the snapshot folders can be read',
    );
  });

  it('a release that cannot be read is not named in the words', async () => {
    const facts = await readNodeSnapshots(
      sourceOf(stubAgent(node(undefined, join(data, 'not-here'), () => value(details('weekly', false))))),
    );
    expect(facts.source).toEqual({
      description: `SnapshotDetails from ${WHERE}`,
      noCreationTime: expect.stringMatching(/^This Cassandra release does not report it/),
    });
  });

  it('SnapshotDetails cut short (Jolokia 2.x, a snapshot without TTL), on the node: the folders instead', async () => {
    folder('no-ttl');
    const facts = await readNodeSnapshots(sourceOf(stubAgent(node('5.0.9', data, () => value('[truncated')))));
    expect(facts.snapshots.map((s) => s.tag)).toEqual(['no-ttl']);
    expect(facts.source.description).toBe(
      `the snapshot folders in ${data} (the agent at ${WHERE} could not send SnapshotDetails)`,
    );
  });

  it('cut short away from the node: an error that says where to run the check', async () => {
    const error = await readNodeSnapshots(
      sourceOf(stubAgent(node('5.0.9', join(data, 'not-here'), () => value('[truncated')))),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JolokiaProtocolError);
    expect((error as Error).message).toBe(
      `The agent at ${WHERE} sent SnapshotDetails cut short, as Jolokia 2.x agents do while a snapshot has no TTL: run the check on the node, where it reads the snapshot folders instead, or ask a Jolokia 1.x agent`,
    );
  });

  it('a policy that forbids SnapshotDetails is not mistaken for a short answer, even on the node', async () => {
    folder('daily');
    const error = await readNodeSnapshots(sourceOf(stubAgent(node('5.0.9', data, forbidden)))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JolokiaAgentError);
    expect((error as Error).message).toMatch(/forbids read of attribute SnapshotDetails/);
  });
});

describe('readSnapshotFolders', () => {
  it('the folders of the data directories, without an agent', () => {
    folder('daily');
    const facts = readSnapshotFolders([data]);
    expect(facts.snapshots.map((s) => [s.tag, s.tables, s.createdMs])).toEqual([
      ['daily', ['shop.orders'], Date.parse(CREATED)],
    ]);
    expect(facts.source).toEqual({ description: `the snapshot folders in ${data}` });
  });

  it('a data directory that is not here is an error before anything is read', () => {
    expect(() => readSnapshotFolders([join(data, 'gone')])).toThrow(/^Data directory .*gone does not exist here/);
    expect(() => readSnapshotFolders([])).toThrow('The node reports no data directories: give --data-dir');
  });
});
