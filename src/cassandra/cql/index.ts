// Cassandra knowledge over CQL: the readers, as one bundle of their own (dist/cql.cjs) that a
// check loads only with --transport cql (cli/cql-connection.ts). Each opens its sessions, reads,
// and closes them; the facts are those the Jolokia readers give, for the same judges.

import { readBackupFacts, readBackupStatus } from './backup-facts.js';
import { readCluster } from './cluster.js';
import { readNodeHealth } from './node-health.js';
import { readSnapshots } from './snapshots.js';

export const readers = { readBackupFacts, readBackupStatus, readCluster, readNodeHealth, readSnapshots };

export type CqlReaders = typeof readers;
