import { describe, expect, it } from 'vitest';
import { parseTableSelector } from '../../../src/cassandra/identifiers.js';

describe('parseTableSelector', () => {
  it('takes a keyspace, or a keyspace and a table', () => {
    expect(parseTableSelector('shop', '--flush')).toEqual({ keyspace: 'shop' });
    expect(parseTableSelector('Shop_2.Orders_v1', '--flush')).toEqual({ keyspace: 'Shop_2', table: 'Orders_v1' });
  });

  it.each([
    ['../etc', 'not KEYSPACE or KEYSPACE.TABLE'],
    ['..', 'not KEYSPACE or KEYSPACE.TABLE'],
    ['shop/../../etc', 'not KEYSPACE or KEYSPACE.TABLE'],
    ['shop.or/ders', 'a table name that Cassandra does not allow'],
    ['shop.', 'an empty table name'],
    ['.orders', 'an empty keyspace name'],
    ['a.b.c', 'not KEYSPACE or KEYSPACE.TABLE'],
    ['sh op', 'a keyspace name that Cassandra does not allow'],
    ['shöp', 'a keyspace name that Cassandra does not allow'],
    ['x'.repeat(49), 'longer than Cassandra allows (48)'],
    [`ks.${'t'.repeat(223)}`, 'longer than Cassandra allows (222)'],
    ['*', 'a keyspace name that Cassandra does not allow'],
    ['ks,type=Memory', 'a keyspace name that Cassandra does not allow'],
  ])('rejects %j before anything is sent', (text, message) => {
    expect(() => parseTableSelector(text, '--flush')).toThrow(message);
  });
});
