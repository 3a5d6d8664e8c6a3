// The registry: one entry per plugin, in the order the generated files list them. Everything
// else is derived from this table (src/generate/): the bundles and plugins/ entry files,
// package.json's bin, icinga-commands.conf, docs/nagios/commands.cfg and docs/nrpe.cfg. Each entry
// lives in src/plugins/<plugin name>.ts as `export const entry`; a plugin's bundle imports only
// that file, never this table, so it carries none of its siblings.

import { entry as checkCassandraBackup } from './check_cassandra_backup.js';
import { entry as checkCassandraBackupBacklog } from './check_cassandra_backup_backlog.js';
import { entry as checkCassandraClusterBackup } from './check_cassandra_cluster_backup.js';
import { entry as checkCassandraNode } from './check_cassandra_node.js';
import { entry as checkCassandraSnapshots } from './check_cassandra_snapshots.js';
import type { PluginEntry } from './entry.js';

export const PLUGINS: readonly PluginEntry[] = [
  checkCassandraBackup,
  checkCassandraClusterBackup,
  checkCassandraNode,
  checkCassandraBackupBacklog,
  checkCassandraSnapshots,
];
