// Tables over a stub agent: the MBean names Cassandra registers, the search that lists a
// keyspace's tables, each table's DataPaths, and the flush with the memtable sizes read in the
// same bulk request just before it.
import { describe, expect, it } from 'vitest';
import {
  flushTables,
  readTableLocations,
  resolveTables,
  tableMBean,
  tableMetricMBean,
} from '../../../src/cassandra/tables.js';
import { JolokiaAgentError, JolokiaProtocolError } from '../../../src/jolokia/errors.js';
import type { JolokiaRequest } from '../../../src/jolokia/types.js';
import { CheckError } from '../../../src/runtime/errors.js';
import { described, forbidden, noMBean, sourceOf, stubAgent, value, type Responder } from './stub-agent.js';

const ID = '5a1c395e2b7d11efa7a5bd2f6f6c9d1e';
const orders = { keyspace: 'shop', table: 'orders' };
const carts = { keyspace: 'shop', table: 'carts' };
const invoices = { keyspace: 'billing', table: 'invoices' };

describe('MBean names', () => {
  it('the table (ColumnFamilyStoreMBean) and its metrics, as Cassandra registers them', () => {
    expect(tableMBean(orders)).toBe('org.apache.cassandra.db:type=Tables,keyspace=shop,table=orders');
    expect(tableMetricMBean(orders, 'MemtableColumnsCount')).toBe(
      'org.apache.cassandra.metrics:type=Table,keyspace=shop,scope=orders,name=MemtableColumnsCount',
    );
  });
});

describe('resolveTables', () => {
  /** A search answer: the names of the keyspace's table MBeans, as the agent lists them. */
  const searches =
    (tables: Record<string, string[]>): Responder =>
    (request) => {
      const keyspace = /keyspace=(\w+)/.exec(request.mbean)?.[1] ?? '';
      return value(
        (tables[keyspace] ?? []).map((t) => `org.apache.cassandra.db:keyspace=${keyspace},table=${t},type=Tables`),
      );
    };

  it('a keyspace is searched for its tables, once, and they come back sorted; named tables are taken as given', async () => {
    const agent = stubAgent(searches({ shop: ['orders', 'carts'] }));
    const tables = await resolveTables(sourceOf(agent), [
      { keyspace: 'shop' },
      { keyspace: 'billing', table: 'invoices' },
      { keyspace: 'shop' },
      { keyspace: 'shop', table: 'orders' },
    ]);
    expect(agent.sent.map(described)).toEqual([['search org.apache.cassandra.db:type=Tables,keyspace=shop,*']]);
    expect(tables).toEqual([carts, orders, invoices]);
  });

  it('only named tables: nothing is asked', async () => {
    const agent = stubAgent(() => new Error('not to be asked'));
    expect(await resolveTables(sourceOf(agent), [orders])).toEqual([orders]);
    expect(agent.sent).toEqual([]);
  });

  it('a name that is not a Cassandra identifier in the answer is left out', async () => {
    const tables = await resolveTables(sourceOf(stubAgent(searches({ shop: ['orders', 'bad name', '../etc'] }))), [
      { keyspace: 'shop' },
    ]);
    expect(tables).toEqual([orders]);
  });

  it('a keyspace without tables on this node: an error naming it', async () => {
    await expect(resolveTables(sourceOf(stubAgent(searches({}))), [{ keyspace: 'gone' }])).rejects.toThrow(
      new CheckError('Keyspace gone does not exist on this node (or has no tables)'),
    );
  });
});

describe('readTableLocations', () => {
  const paths = (table: { table: string }) => [
    `/var/lib/cassandra/data/shop/${table.table}-${ID}`,
    `/data2/shop/${table.table}-${ID}`,
  ];

  it('reads every DataPaths in one bulk request; the directory name is the current incarnation', async () => {
    const agent = stubAgent((request) => value(paths({ table: /table=(\w+)/.exec(request.mbean)?.[1] ?? '' })));
    const locations = await readTableLocations(sourceOf(agent), [orders, carts]);
    expect(agent.sent.map(described)).toEqual([[`${tableMBean(orders)} DataPaths`, `${tableMBean(carts)} DataPaths`]]);
    expect(locations).toEqual([
      { table: orders, directoryName: `orders-${ID}`, dataPaths: paths(orders) },
      { table: carts, directoryName: `carts-${ID}`, dataPaths: paths(carts) },
    ]);
  });

  it('no such table MBean: the table does not exist', async () => {
    await expect(readTableLocations(sourceOf(stubAgent(noMBean)), [orders])).rejects.toThrow(
      new CheckError('Table shop.orders does not exist on this node'),
    );
  });

  it('no path, or a directory not named after the table: the answer is not believed', async () => {
    await expect(readTableLocations(sourceOf(stubAgent(() => value([]))), [orders])).rejects.toThrow(
      new JolokiaProtocolError('The agent at http://cass1:8778/jolokia gave no data paths for table shop.orders'),
    );
    await expect(
      readTableLocations(sourceOf(stubAgent(() => value(['/data/shop/carts-1']))), [orders]),
    ).rejects.toThrow(
      'The node reports /data/shop/carts-1 as the directory of shop.orders, which is not named after it',
    );
  });
});

describe('flushTables', () => {
  /** Memtable sizes by table and metric; the flush answers null, as the void operation does. */
  const node =
    (memtables: Record<string, [number, number]>, flush: Responder = () => value(null)): Responder =>
    (request: JolokiaRequest) => {
      if (request.type === 'exec') return flush(request);
      const table = /scope=(\w+)/.exec(request.mbean)?.[1] ?? '';
      const [cells, bytes] = memtables[table] ?? [0, 0];
      return value(request.mbean.endsWith('name=MemtableColumnsCount') ? cells : bytes);
    };

  it('reads both memtable sizes of every table, then flushes each keyspace once with its tables, in one bulk request', async () => {
    const agent = stubAgent(node({ orders: [12, 4096], carts: [0, 0], invoices: [0, 10] }));
    const hadData = await flushTables(sourceOf(agent), [orders, carts, invoices]);
    expect(agent.sent).toHaveLength(1);
    expect(described(agent.sent[0]!)).toEqual([
      `${tableMetricMBean(orders, 'MemtableColumnsCount')} Value`,
      `${tableMetricMBean(orders, 'MemtableLiveDataSize')} Value`,
      `${tableMetricMBean(carts, 'MemtableColumnsCount')} Value`,
      `${tableMetricMBean(carts, 'MemtableLiveDataSize')} Value`,
      `${tableMetricMBean(invoices, 'MemtableColumnsCount')} Value`,
      `${tableMetricMBean(invoices, 'MemtableLiveDataSize')} Value`,
      'org.apache.cassandra.db:type=StorageService forceKeyspaceFlush',
      'org.apache.cassandra.db:type=StorageService forceKeyspaceFlush',
    ]);
    expect(
      agent.sent[0]!.filter((r) => r.type === 'exec').map((r) => (r.type === 'exec' ? r.arguments : undefined)),
    ).toEqual([
      ['shop', ['orders', 'carts']],
      ['billing', ['invoices']],
    ]);
    expect([...hadData]).toEqual([
      [orders, true],
      [carts, false],
      [invoices, true],
    ]);
  });

  it('a flush the policy forbids fails the check: nothing could be proven', async () => {
    const error = await flushTables(sourceOf(stubAgent(node({ orders: [1, 1] }, forbidden))), [orders]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JolokiaAgentError);
    expect((error as Error).message).toMatch(
      /forbids exec of operation forceKeyspaceFlush of MBean org\.apache\.cassandra\.db:type=StorageService/,
    );
  });

  it('no metrics for a table: it does not exist', async () => {
    const agent = stubAgent((request) => (request.type === 'exec' ? value(null) : noMBean(request)));
    await expect(flushTables(sourceOf(agent), [orders])).rejects.toThrow(
      new CheckError('Table shop.orders does not exist on this node'),
    );
  });
});
