// The GRANT statement an UNKNOWN names for a role that may not read system_views: the keyspace
// itself from the patch releases with CASSANDRA-20171 on, every keyspace before.
import { describe, expect, it } from 'vitest';
import { leastGrant } from '../../../../src/cassandra/cql/node.js';

describe('leastGrant', () => {
  it.each([
    ['4.0.17', 'ALL KEYSPACES'],
    ['4.0.18', 'KEYSPACE system_views'],
    ['4.0.19', 'KEYSPACE system_views'],
    ['4.1.8', 'ALL KEYSPACES'],
    ['4.1.9', 'KEYSPACE system_views'],
    ['4.1.10', 'KEYSPACE system_views'],
    ['5.0.4', 'ALL KEYSPACES'],
    ['5.0.5', 'KEYSPACE system_views'],
    ['5.0.9', 'KEYSPACE system_views'],
    ['5.1.0', 'KEYSPACE system_views'],
    ['6.0-alpha1', 'KEYSPACE system_views'],
    ['3.11.19', 'ALL KEYSPACES'],
    [undefined, 'ALL KEYSPACES'],
    ['not a version', 'ALL KEYSPACES'],
  ])('Cassandra %s: GRANT SELECT ON %s', (release, resource) => {
    expect(leastGrant('monitor', release)).toBe(`GRANT SELECT ON ${resource} TO monitor`);
  });
});
