// Cassandra knowledge over CQL: what check_cassandra_backup needs, asked on the native port. The
// backup flag is system_views.settings' incremental_backups, the runtime value that nodetool
// statusbackup prints; the data directories are its data_file_directories; where the node found
// its cassandra.yaml, system_views.system_properties. The same facts as over Jolokia, for the
// same judge (checks/backup.ts).

import type { BackupFacts, BackupRequest, ConfigurationFacts } from '../backup-facts.js';
import { configFactsOf, readPersistedSetting, SETTING } from '../config-file.js';
import { readFreshness } from '../freshness.js';
import type { BackupStatus } from '../storage-service.js';
import type { CqlEndpoint, CqlLimits } from '../../cql/session.js';
import { attemptAsync } from '../../runtime/result.js';
import {
  booleanSetting,
  listSetting,
  quoted,
  readSettings,
  releaseOf,
  select,
  withNode,
  type CqlNode,
} from './node.js';
import { cqlCatalogue } from './tables.js';

export function readBackupFacts(
  endpoint: CqlEndpoint,
  request: BackupRequest,
  limits: CqlLimits,
): Promise<BackupFacts> {
  return withNode(endpoint, limits, async (node) => {
    const status = await readStatus(node, request.freshness !== undefined);
    const configuration =
      request.configuration === undefined
        ? undefined
        : await readConfiguration(node, request.configuration.file, status);
    const { freshness } = request;
    const tables =
      freshness === undefined || !status.incrementalBackupsEnabled
        ? undefined
        : await readFreshness(
            cqlCatalogue(node, limits.deadline),
            freshness,
            freshness.dataDirectories ?? status.dataFileLocations ?? [],
          );
    return {
      status,
      ...(configuration === undefined ? {} : { configuration }),
      ...(tables === undefined ? {} : { freshness: tables }),
    };
  });
}

/** The flag and the data directories alone, on a session of their own: what the backlog check asks. */
export function readBackupStatus(endpoint: CqlEndpoint, limits: CqlLimits): Promise<BackupStatus> {
  return withNode(endpoint, limits, (node) => readStatus(node, true));
}

/** The flag, the release, and the data directories: two queries at once on the one session. */
export async function readStatus(node: CqlNode, dataDirectories: boolean): Promise<BackupStatus> {
  const started = process.hrtime.bigint();
  const release = releaseOf(node);
  const names = dataDirectories ? [SETTING, 'data_file_directories'] : [SETTING];
  // Both queries are sent before either is awaited; the release also names a grant the role lacks.
  const [releaseVersion, values] = await Promise.all([release, readSettings(node, names, release)]);
  const roundTripSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    where: `${node.session.where} (CQL)`,
    transport: 'cql',
    incrementalBackupsEnabled: booleanSetting(values, SETTING, node.session.where),
    ...(releaseVersion === undefined ? {} : { releaseVersion }),
    ...(dataDirectories ? { dataFileLocations: listSetting(values.get('data_file_directories')) } : {}),
    roundTripSeconds,
  };
}

const PROPERTIES = {
  config: 'cassandra.config',
  allow: 'cassandra.config.allow_system_properties',
  override: `cassandra.settings.${SETTING}`,
  loader: 'cassandra.config.loader',
  classPath: 'java.class.path',
} as const;

async function readConfiguration(
  node: CqlNode,
  named: string | undefined,
  status: BackupStatus,
): Promise<ConfigurationFacts> {
  const rows = await select(
    node,
    'system_views.system_properties',
    `SELECT name, value FROM system_views.system_properties WHERE name IN (${Object.values(PROPERTIES).map(quoted).join(', ')})`,
    { releaseVersion: status.releaseVersion, missing: 'give --config, or use --transport jolokia' },
  );
  const property = (name: string) => {
    const value = rows.find((row) => row.name === name)?.value;
    return typeof value === 'string' ? value : undefined;
  };
  const nodeFacts = configFactsOf(
    {
      config: property(PROPERTIES.config),
      allow: property(PROPERTIES.allow),
      override: property(PROPERTIES.override),
      loader: property(PROPERTIES.loader),
      classPath: property(PROPERTIES.classPath),
      refused: undefined,
    },
    status.releaseVersion,
  );
  const file = named ?? nodeFacts.file;
  const value =
    file === undefined
      ? undefined
      : await attemptAsync(() => readPersistedSetting(file, named === undefined ? 'found' : 'by --config'));
  return { node: nodeFacts, file, named: named !== undefined, value };
}
