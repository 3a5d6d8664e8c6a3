// The freshness reader against a stub agent and temporary folders laid out like data
// directories: which tables it looks at, that nothing is flushed unless every table can be
// verified, what the flush added (the stub's flush writes an SSTable and its hard links, as
// Cassandra does), and a table that cannot be read afterwards as that table's Reading alone.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirectoryError } from '../../../src/cassandra/data-layout.js';
import { jolokiaCatalogue, readFreshness, type FreshnessRequest } from '../../../src/cassandra/freshness.js';
import type { JolokiaRequest } from '../../../src/jolokia/types.js';
import { CheckError } from '../../../src/runtime/errors.js';
import { tableDirectory, writeSSTable } from '../../support/data-dir.js';
import { sourceOf, stubAgent, value, type Responder } from './stub-agent.js';

const catalogueOf = (agent: Parameters<typeof sourceOf>[0]) => jolokiaCatalogue(sourceOf(agent));

const ID = '5a1c395e2b7d11efa7a5bd2f6f6c9d1e';
let data: string;
beforeEach(() => {
  data = mkdtempSync(join(tmpdir(), 'freshness-reader-'));
});
afterEach(() => rmSync(data, { recursive: true, force: true }));

const request = (over: Partial<FreshnessRequest>): FreshnessRequest => ({ flush: [], look: [], exclude: [], ...over });
const tableOf = (mbean: string): string => /(?:table|scope)=(\w+)/.exec(mbean)?.[1] ?? '';

/**
 * A node with the keyspace `shop` of these tables: searches, DataPaths, memtable sizes (`dirty`
 * tables hold data), and a flush that runs `onFlush` for each table it names.
 */
function shop(tables: string[], options: { dirty?: string[]; onFlush?: (table: string) => void } = {}): Responder {
  return (r: JolokiaRequest) => {
    if (r.type === 'search')
      return value(tables.map((t) => `org.apache.cassandra.db:type=Tables,keyspace=shop,table=${t}`));
    if (r.type === 'exec') {
      for (const t of (r.arguments?.[1] as string[]) ?? []) options.onFlush?.(t);
      return value(null);
    }
    if (r.type === 'read' && r.attribute === 'DataPaths')
      return value([join('/var/lib/cassandra/data/shop', `${tableOf(r.mbean)}-${ID}`)]);
    return value(options.dirty?.includes(tableOf(r.mbean)) === true ? 7 : 0);
  };
}
const kinds = (sent: JolokiaRequest[][]): string[] =>
  sent.map((bulk) => [...new Set(bulk.map((r) => (r.type === 'read' ? r.attribute : r.type)))].join('+'));

describe('readFreshness', () => {
  it('without a flush: one look at each table, nothing added, nothing sent but the search and DataPaths', async () => {
    writeSSTable(tableDirectory(data, 'shop', 'orders', ID), 1);
    tableDirectory(data, 'shop', 'carts', ID);
    const agent = stubAgent(shop(['orders', 'carts']));
    const facts = await readFreshness(catalogueOf(agent), request({ look: [{ keyspace: 'shop' }] }), [data]);
    expect(kinds(agent.sent)).toEqual(['search', 'DataPaths']);
    expect(facts.dataDirectories).toEqual([data]);
    expect(facts.excluded).toEqual([]);
    expect(facts.tables.map((t) => t.table.table)).toEqual(['carts', 'orders']);
    const orders = facts.tables[1]!.reading;
    expect('found' in orders && orders.found).toMatchObject({
      flushed: false,
      hadData: false,
      added: { live: [], backups: [] },
    });
    expect('found' in orders && orders.found.files.backupData.map((f) => basename(f.path))).toEqual([
      'nb-1-big-Data.db',
    ]);
  });

  it('--exclude leaves tables out, and says which; every table left out is an error', async () => {
    for (const t of ['orders', 'carts']) tableDirectory(data, 'shop', t, ID);
    const facts = await readFreshness(
      catalogueOf(stubAgent(shop(['orders', 'carts']))),
      request({ look: [{ keyspace: 'shop' }], exclude: [{ keyspace: 'shop', table: 'carts' }] }),
      [data],
    );
    expect(facts.excluded).toEqual([{ keyspace: 'shop', table: 'carts' }]);
    expect(facts.tables.map((t) => t.table.table)).toEqual(['orders']);
    await expect(
      readFreshness(
        catalogueOf(stubAgent(shop(['orders']))),
        request({ flush: [{ keyspace: 'shop' }], exclude: [{ keyspace: 'shop' }] }),
        [data],
      ),
    ).rejects.toThrow(new CheckError('Every table asked for is left out by --exclude: shop.orders'));
  });

  it('a flush: the tables asked for are flushed, the new SSTable and its hard link are what was added', async () => {
    const orders = tableDirectory(data, 'shop', 'orders', ID);
    writeSSTable(orders, 1);
    tableDirectory(data, 'shop', 'carts', ID);
    const agent = stubAgent(
      shop(['orders', 'carts'], { dirty: ['orders'], onFlush: (t) => t === 'orders' && writeSSTable(orders, 2) }),
    );
    const facts = await readFreshness(
      catalogueOf(agent),
      request({ flush: [{ keyspace: 'shop', table: 'orders' }], look: [{ keyspace: 'shop', table: 'carts' }] }),
      [data],
    );
    expect(kinds(agent.sent)).toEqual(['DataPaths', 'Value+exec']);
    const [flushed, looked] = facts.tables.map((t) => t.reading);
    expect(facts.tables.map((t) => t.table.table)).toEqual(['orders', 'carts']);
    expect(flushed && 'found' in flushed && flushed.found).toMatchObject({ flushed: true, hadData: true });
    const added = flushed && 'found' in flushed ? flushed.found.added : undefined;
    expect(added?.live.map((f) => basename(f.path))).toEqual(['nb-2-big-Data.db']);
    expect(added?.backups.map((f) => basename(f.path))).toEqual(['nb-2-big-Data.db']);
    // The same inode under both names: the link is proven, not guessed.
    expect(added?.live[0]?.identity).toBe(added?.backups[0]?.identity);
    expect(looked && 'found' in looked && looked.found).toMatchObject({
      flushed: false,
      added: { live: [], backups: [] },
    });
  });

  it('a table whose directory is not under the data directories: nothing is flushed', async () => {
    tableDirectory(data, 'shop', 'orders', ID);
    const agent = stubAgent(shop(['orders', 'carts'], { dirty: ['orders', 'carts'] }));
    const error = await readFreshness(catalogueOf(agent), request({ flush: [{ keyspace: 'shop' }] }), [data]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataDirectoryError);
    expect((error as Error).message).toBe(
      `No directory shop/carts-${ID} under ${data}: are these the node's data directories? Give --data-dir as seen from here`,
    );
    expect(agent.sent.flat().some((r) => r.type === 'exec')).toBe(false);
  });

  it('a data directory that does not exist here: an error before anything is flushed', async () => {
    const agent = stubAgent(shop(['orders'], { dirty: ['orders'] }));
    await expect(
      readFreshness(catalogueOf(agent), request({ flush: [{ keyspace: 'shop' }] }), [join(data, 'missing')]),
    ).rejects.toThrow(/^Data directory .*missing does not exist here/);
    expect(agent.sent.flat().some((r) => r.type === 'exec')).toBe(false);
  });

  it("a table that cannot be read after the flush is that table's Reading, the others are still read", async () => {
    const orders = tableDirectory(data, 'shop', 'orders', ID);
    const carts = tableDirectory(data, 'shop', 'carts', ID);
    writeSSTable(carts, 1);
    // After the flush, orders/backups is a link to itself: reading it fails with ELOOP.
    const breakOrders = (): void => {
      rmSync(join(orders, 'backups'), { recursive: true });
      symlinkSync('backups', join(orders, 'backups'));
    };
    const agent = stubAgent(
      shop(['orders', 'carts'], {
        dirty: ['carts'],
        onFlush: (t) => (t === 'orders' ? breakOrders() : writeSSTable(carts, 2)),
      }),
    );
    const facts = await readFreshness(catalogueOf(agent), request({ flush: [{ keyspace: 'shop' }] }), [data]);
    const byName = Object.fromEntries(facts.tables.map((t) => [t.table.table, t.reading]));
    expect(byName['orders']).toEqual({ unreadable: `Cannot read ${join(orders, 'backups')} (ELOOP)` });
    expect(
      byName['carts'] && 'found' in byName['carts'] && byName['carts'].found.added.live.map((f) => basename(f.path)),
    ).toEqual(['nb-2-big-Data.db']);
  });

  it('past the deadline the scan ends the check, as a timeout, before any flush', async () => {
    mkdirSync(join(data, 'shop'));
    tableDirectory(data, 'shop', 'orders', ID);
    const agent = stubAgent(shop(['orders'], { dirty: ['orders'] }));
    const error = await readFreshness(
      jolokiaCatalogue(sourceOf(agent, { deadline: Date.now() - 1 })),
      request({ flush: [{ keyspace: 'shop' }] }),
      [data],
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      timedOut: true,
      message: 'The data directories were still being read at the timeout (0 of 1 tables done)',
    });
    expect(agent.sent.flat().some((r) => r.type === 'exec')).toBe(false);
  });
});
