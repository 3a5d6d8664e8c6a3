// check_cassandra_backup_backlog's reader: with --data-dir no agent is asked at all (the check
// works while Cassandra is down); without, the node's own data directories, and its backup flag
// for the long output. The scan itself: test/unit/checks/backup-backlog.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBacklog } from '../../../src/cassandra/backlog-facts.js';
import { DataDirectoryError } from '../../../src/cassandra/data-layout.js';
import type { JolokiaSource } from '../../../src/cassandra/source.js';
import { readBackupStatus, type BackupStatus } from '../../../src/cassandra/storage-service.js';
import { tableDirectory, writeSSTable } from '../../support/data-dir.js';
import { byAttribute, described, sourceOf, stubAgent, WHERE } from './stub-agent.js';

const ID = '5a1c395e2b7d11efa7a5bd2f6f6c9d1e';
const EVERYTHING = { only: [], exclude: [] };
const FAR = Date.now() + 60_000;
let data: string;
beforeEach(() => {
  data = mkdtempSync(join(tmpdir(), 'backlog-facts-'));
  writeSSTable(tableDirectory(data, 'shop', 'orders', ID), 1);
});
afterEach(() => rmSync(data, { recursive: true, force: true }));

const noAgent = (): Promise<BackupStatus> => {
  throw new Error('the node must not be asked');
};
/** The node's status as the plugin asks for it over Jolokia: with the data directories. */
const overAgent = (source: JolokiaSource) => () => readBackupStatus(source, { dataFileLocations: true });

describe('readBacklog', () => {
  it('--data-dir: the folders alone, no agent, no node facts', async () => {
    const facts = await readBacklog(noAgent, { dataDirectories: [data], filter: EVERYTHING }, FAR);
    expect(facts).not.toHaveProperty('node');
    expect(facts.scan.tables.map((t) => `${t.keyspace}.${t.table}`)).toEqual(['shop.orders']);
    expect(facts.scan.dataDirectories.map((d) => d.path)).toEqual([data]);
  });

  it('without: AllDataFileLocations from the node, in the status request, and whether backup is on', async () => {
    const agent = stubAgent(
      byAttribute({ IncrementalBackupsEnabled: false, ReleaseVersion: '4.1.10', AllDataFileLocations: [data] }),
    );
    const facts = await readBacklog(overAgent(sourceOf(agent)), { filter: EVERYTHING }, FAR);
    expect(agent.sent.map(described)).toEqual([
      ['IncrementalBackupsEnabled', 'ReleaseVersion', 'AllDataFileLocations'].map(
        (a) => `org.apache.cassandra.db:type=StorageService ${a}`,
      ),
    ]);
    expect(facts.node).toEqual({ where: WHERE, backupEnabled: false });
    expect(facts.scan.tables[0]?.files).toBe(8);
  });

  it('the filter reaches the scan', async () => {
    const facts = await readBacklog(
      noAgent,
      { dataDirectories: [data], filter: { only: [], exclude: [{ keyspace: 'shop' }] } },
      FAR,
    );
    expect(facts.scan.tables).toEqual([]);
    expect(facts.scan.leftOut).toEqual(['shop']);
  });

  it('a node that reports no data directories, or one that is not here: a DataDirectoryError that says what to do', async () => {
    const none = stubAgent(byAttribute({ IncrementalBackupsEnabled: true, AllDataFileLocations: [] }));
    await expect(readBacklog(overAgent(sourceOf(none)), { filter: EVERYTHING }, FAR)).rejects.toThrow(
      new DataDirectoryError('The node reports no data directories: give --data-dir'),
    );
    const elsewhere = join(data, 'not-here');
    await expect(readBacklog(noAgent, { dataDirectories: [elsewhere], filter: EVERYTHING }, FAR)).rejects.toThrow(
      `Data directory ${elsewhere} does not exist here: run the check on the Cassandra node itself (NRPE or an Icinga 2 agent), or give --data-dir`,
    );
  });
});
