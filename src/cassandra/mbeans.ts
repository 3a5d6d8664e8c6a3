// Cassandra knowledge: the MBeans and attributes the plugins read, as Cassandra 3.11 – 5.0 name
// them (src/java/org/apache/cassandra/service/StorageServiceMBean.java). A JMX getter isX/getX is
// the attribute X.

export const STORAGE_SERVICE = 'org.apache.cassandra.db:type=StorageService';
export const FAILURE_DETECTOR = 'org.apache.cassandra.net:type=FailureDetector';

export const StorageServiceAttribute = {
  /** What `nodetool statusbackup` prints as `running` / `not running`; writable, runtime only. */
  incrementalBackupsEnabled: 'IncrementalBackupsEnabled',
  releaseVersion: 'ReleaseVersion',
  /** `NORMAL` once the node serves requests. */
  operationMode: 'OperationMode',
  allDataFileLocations: 'AllDataFileLocations',
  /** What `nodetool statusbinary` reports. */
  nativeTransportRunning: 'NativeTransportRunning',
  /** What `nodetool statusgossip` reports. */
  gossipRunning: 'GossipRunning',
  joined: 'Joined',
  drained: 'Drained',
  draining: 'Draining',
  /** 5.0 only. */
  decommissioning: 'Decommissioning',
  localHostId: 'LocalHostId',
  /** What `nodetool listsnapshots` reads. */
  snapshotDetails: 'SnapshotDetails',
} as const;

/** The words `nodetool statusbackup` (and statusbinary, statusgossip) prints. */
export const NODETOOL_BACKUP_WORDS = { enabled: 'running', disabled: 'not running' } as const;

/** The word `nodetool statusbackup`, statusbinary or statusgossip would print for its flag. */
export function nodetoolStatusWord(enabled: boolean): string {
  return enabled ? NODETOOL_BACKUP_WORDS.enabled : NODETOOL_BACKUP_WORDS.disabled;
}
