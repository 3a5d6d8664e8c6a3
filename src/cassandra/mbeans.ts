// Cassandra knowledge: the MBeans and attributes the plugins read, as Cassandra 3.11 – 5.0 name
// them (src/java/org/apache/cassandra/service/StorageServiceMBean.java). A JMX getter isX/getX is
// the attribute X.

export const STORAGE_SERVICE = 'org.apache.cassandra.db:type=StorageService';

export const StorageServiceAttribute = {
  /** What `nodetool statusbackup` prints as `running` / `not running`; writable, runtime only. */
  incrementalBackupsEnabled: 'IncrementalBackupsEnabled',
  releaseVersion: 'ReleaseVersion',
  /** `NORMAL` once the node serves requests. */
  operationMode: 'OperationMode',
  allDataFileLocations: 'AllDataFileLocations',
} as const;

/** The words `nodetool statusbackup` prints. */
export const NODETOOL_BACKUP_WORDS = { enabled: 'running', disabled: 'not running' } as const;
