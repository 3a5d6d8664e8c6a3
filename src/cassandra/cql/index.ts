// Cassandra knowledge over CQL: the readers, as one bundle of their own (dist/cql.cjs) that a
// check loads only with --transport cql (cli/cql-connection.ts). Each opens its sessions, reads,
// and closes them; the facts are those the Jolokia readers give, for the same judges.

import { readBackupFacts } from './backup-facts.js';

export const readers = { readBackupFacts };

export type CqlReaders = typeof readers;
