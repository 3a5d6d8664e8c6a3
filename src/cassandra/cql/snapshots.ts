// Cassandra knowledge over CQL: the node's snapshots, from system_views.snapshots (5.0): one row
// per snapshot and table, with its true size, size on disk, when it was taken and when it
// expires. A snapshot is its name across tables, as `nodetool listsnapshots` groups them.
// Judged by checks/snapshots.ts, as the snapshots the agent reports.

import type { CqlEndpoint, CqlLimits } from '../../cql/session.js';
import type { Row } from '../../cql/protocol.js';
import type { SnapshotFacts } from '../snapshot-facts.js';
import type { Snapshot } from '../snapshots.js';
import { observed, releaseOf, select, withNode } from './node.js';

export function readSnapshots(endpoint: CqlEndpoint, limits: CqlLimits): Promise<SnapshotFacts> {
  return withNode(endpoint, limits, async (node) => {
    const release = observed(releaseOf(node));
    const rows = await select(
      node,
      'system_views.snapshots',
      'SELECT name, keyspace_name, table_name, true_size, size_on_disk, created_at, expires_at, ephemeral FROM system_views.snapshots',
      {
        releaseVersion: release,
        missing:
          'it came with Cassandra 5.0; use --transport jolokia, or run the check on the node with --data-dir (no agent needed)',
      },
    );
    return {
      snapshots: bySnapshot(rows),
      source: { description: `system_views.snapshots of ${node.session.where} (CQL)` },
      unreadable: [],
    };
  });
}

function bySnapshot(rows: readonly Row[]): Snapshot[] {
  const snapshots = new Map<string, Snapshot>();
  const number = (value: unknown): number => (typeof value === 'number' ? value : 0);
  const time = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  const earlier = (a: number | undefined, b: number | undefined) =>
    a === undefined ? b : b === undefined ? a : Math.min(a, b);
  for (const row of rows) {
    const tag = String(row.name);
    const seen = snapshots.get(tag);
    const table = `${String(row.keyspace_name)}.${String(row.table_name)}`;
    snapshots.set(tag, {
      tag,
      tables: [...(seen?.tables ?? []), table],
      trueSizeBytes: (seen?.trueSizeBytes ?? 0) + number(row.true_size),
      sizeOnDiskBytes: (seen?.sizeOnDiskBytes ?? 0) + number(row.size_on_disk),
      createdMs: earlier(seen?.createdMs, time(row.created_at)),
      expiresMs: earlier(seen?.expiresMs, time(row.expires_at)),
      ephemeral: (seen?.ephemeral ?? false) || row.ephemeral === true,
    });
  }
  return [...snapshots.values()].sort((a, b) => a.tag.localeCompare(b.tag));
}
