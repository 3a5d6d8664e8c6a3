// The MBean names and attributes the plugins ask for, as Cassandra's StorageServiceMBean names
// them, and nodetool's words for its status flags. A typo here would be a 404 on every node.
import { describe, expect, it } from 'vitest';
import {
  FAILURE_DETECTOR,
  NODETOOL_BACKUP_WORDS,
  nodetoolStatusWord,
  STORAGE_SERVICE,
  StorageServiceAttribute,
} from '../../../src/cassandra/mbeans.js';

describe('MBeans', () => {
  it('StorageService and FailureDetector by their JMX names', () => {
    expect(STORAGE_SERVICE).toBe('org.apache.cassandra.db:type=StorageService');
    expect(FAILURE_DETECTOR).toBe('org.apache.cassandra.net:type=FailureDetector');
  });

  it('attributes as the getters isX/getX name them', () => {
    expect(StorageServiceAttribute).toEqual({
      incrementalBackupsEnabled: 'IncrementalBackupsEnabled',
      releaseVersion: 'ReleaseVersion',
      operationMode: 'OperationMode',
      allDataFileLocations: 'AllDataFileLocations',
      nativeTransportRunning: 'NativeTransportRunning',
      gossipRunning: 'GossipRunning',
      joined: 'Joined',
      drained: 'Drained',
      draining: 'Draining',
      decommissioning: 'Decommissioning',
      localHostId: 'LocalHostId',
      snapshotDetails: 'SnapshotDetails',
    });
  });
});

describe('nodetoolStatusWord', () => {
  it('running / not running, as nodetool statusbackup, statusbinary and statusgossip print', () => {
    expect(nodetoolStatusWord(true)).toBe('running');
    expect(nodetoolStatusWord(false)).toBe('not running');
    expect(NODETOOL_BACKUP_WORDS).toEqual({ enabled: 'running', disabled: 'not running' });
  });
});
