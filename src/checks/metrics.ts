// Check (presentation): the Prometheus series that more than one plugin publishes, named and
// explained once, so the same fact is the same series whichever plugin wrote it. Series of one
// plugin alone stay beside its judge.

import type { Metric } from '../runtime/result.js';

type Series = Omit<Metric, 'value' | 'labels'>;

/** nodetool statusbackup's answer: check_cassandra_backup, check_cassandra_node, and per member check_cassandra_cluster_backup. */
export const BACKUP_ENABLED: Series = {
  name: 'cassandra_incremental_backup_enabled',
  help: 'Whether incremental backup is enabled on the node (1) or not (0), as nodetool statusbackup reports it.',
  type: 'gauge',
};

/** The round trip of the one Jolokia request a single-node check sends for its status. */
export const JOLOKIA_ROUND_TRIP: Series = {
  name: 'cassandra_jolokia_request_duration_seconds',
  help: "Round trip of the Jolokia request that read the node's status.",
  type: 'gauge',
};

/** Files in a table's backups/: check_cassandra_backup (its current directory) and check_cassandra_backup_backlog (every incarnation). */
export const BACKUPS_FILES: Series = {
  name: 'cassandra_backups_files',
  help: "Files in the table's backups/ (every component, index SSTables included).",
  type: 'gauge',
};

/** A value of a shared series. */
export function sample(series: Series, value: number, labels?: Readonly<Record<string, string>>): Metric {
  return { ...series, value, ...(labels === undefined ? {} : { labels }) };
}

/** A 0/1 gauge for a flag. */
export function flag(series: Series, on: boolean): Metric {
  return sample(series, on ? 1 : 0);
}
