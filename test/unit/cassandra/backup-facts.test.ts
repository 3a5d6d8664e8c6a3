// check_cassandra_backup's reader over a stub agent: the status always, in one request; the
// configuration only when asked; the tables only when asked and only while backup is on (no
// flush is sent to a node that does not back up).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBackupFacts } from '../../../src/cassandra/backup-facts.js';
import type { JolokiaRequest } from '../../../src/jolokia/types.js';
import { tableDirectory, writeSSTable } from '../../support/data-dir.js';
import { byAttribute, described, forbidden, sourceOf, stubAgent, value, type Responder } from './stub-agent.js';

const SS = 'org.apache.cassandra.db:type=StorageService';
const ID = '5a1c395e2b7d11efa7a5bd2f6f6c9d1e';
const dir = mkdtempSync(join(tmpdir(), 'backup-facts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A node with one table, shop.orders, whose files are under `data`. */
function node(enabled: boolean, data: string, extra: Responder = forbidden): Responder {
  const status = byAttribute(
    { IncrementalBackupsEnabled: enabled, ReleaseVersion: '5.0.9', AllDataFileLocations: [data] },
    extra,
  );
  return (r: JolokiaRequest) => {
    if (r.type === 'search') return value(['org.apache.cassandra.db:type=Tables,keyspace=shop,table=orders']);
    if (r.type === 'read' && r.attribute === 'DataPaths') return value([join(data, 'shop', `orders-${ID}`)]);
    if (r.type === 'exec') return value(null);
    if (r.type === 'read' && r.attribute === 'Value') return value(0);
    return status(r);
  };
}

describe('readBackupFacts', () => {
  it('the status alone: one request, no configuration, no tables', async () => {
    const agent = stubAgent(node(true, dir));
    const facts = await readBackupFacts(sourceOf(agent), {});
    expect(agent.sent.map(described)).toEqual([[`${SS} IncrementalBackupsEnabled`, `${SS} ReleaseVersion`]]);
    expect(facts.status).toMatchObject({ incrementalBackupsEnabled: true, releaseVersion: '5.0.9' });
    expect(facts).not.toHaveProperty('configuration');
    expect(facts).not.toHaveProperty('freshness');
  });

  it('--config FILE: the node is asked how it found its file, and the named file is read', async () => {
    const file = join(dir, 'cassandra.yaml');
    writeFileSync(file, 'cluster_name: x\nincremental_backups: true\n');
    const agent = stubAgent(node(true, dir));
    const facts = await readBackupFacts(sourceOf(agent), { configuration: { file } });
    expect(agent.sent).toHaveLength(2);
    expect(described(agent.sent[1]!)).toEqual([
      'java.lang:type=Runtime SystemProperties cassandra.config',
      'java.lang:type=Runtime SystemProperties cassandra.config.allow_system_properties',
      'java.lang:type=Runtime SystemProperties cassandra.settings.incremental_backups',
      'java.lang:type=Runtime SystemProperties cassandra.config.loader',
      'java.lang:type=Runtime ClassPath',
    ]);
    expect(facts.configuration).toMatchObject({ file, named: true, value: { found: true } });
  });

  it('a file that cannot be read is its Reading, beside a status that is still known', async () => {
    const file = join(dir, 'missing.yaml');
    const facts = await readBackupFacts(sourceOf(stubAgent(node(false, dir))), { configuration: { file } });
    expect(facts.status.incrementalBackupsEnabled).toBe(false);
    expect(facts.configuration?.value).toEqual({
      unreadable: `Cannot read ${file} (no such file): give --config the node's cassandra.yaml as seen from here`,
    });
  });

  it('--find-config: the file the node found on its class path, read from here', async () => {
    const conf = mkdtempSync(join(dir, 'conf-'));
    writeFileSync(join(conf, 'cassandra.yaml'), 'incremental_backups: false\n');
    const classPath = (r: JolokiaRequest) =>
      r.type === 'read' && r.attribute === 'ClassPath' ? value(`/usr/share/cassandra/lib/x.jar:${conf}`) : value(null);
    const facts = await readBackupFacts(sourceOf(stubAgent(node(true, dir, classPath))), { configuration: {} });
    expect(facts.configuration).toEqual({
      node: {
        file: join(conf, 'cassandra.yaml'),
        foundBy: "the node's class path (cassandra.yaml)",
        override: undefined,
        loader: undefined,
      },
      file: join(conf, 'cassandra.yaml'),
      named: false,
      value: { found: false },
    });
  });

  it('tables asked for while backup is off: nothing more is sent, nothing flushed', async () => {
    const agent = stubAgent(node(false, dir));
    const facts = await readBackupFacts(sourceOf(agent), {
      freshness: { flush: [{ keyspace: 'shop' }], look: [], exclude: [] },
    });
    expect(agent.sent).toHaveLength(1);
    expect(facts).not.toHaveProperty('freshness');
  });

  it('tables asked for while backup is on: in the data directories the node reports, asked in the status request', async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    writeSSTable(tableDirectory(data, 'shop', 'orders', ID), 1);
    const agent = stubAgent(node(true, data));
    const facts = await readBackupFacts(sourceOf(agent), {
      freshness: { flush: [], look: [{ keyspace: 'shop' }], exclude: [] },
    });
    expect(described(agent.sent[0]!)).toEqual([
      `${SS} IncrementalBackupsEnabled`,
      `${SS} ReleaseVersion`,
      `${SS} AllDataFileLocations`,
    ]);
    expect(facts.freshness?.dataDirectories).toEqual([data]);
    expect(facts.freshness?.tables.map((t) => t.table)).toEqual([{ keyspace: 'shop', table: 'orders' }]);
  });

  it('--data-dir: those directories, and the node is not asked for its own', async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    tableDirectory(data, 'shop', 'orders', ID);
    const agent = stubAgent(node(true, '/not/here'));
    const facts = await readBackupFacts(sourceOf(agent), {
      freshness: { flush: [], look: [{ keyspace: 'shop', table: 'orders' }], exclude: [], dataDirectories: [data] },
    });
    expect(described(agent.sent[0]!)).toEqual([`${SS} IncrementalBackupsEnabled`, `${SS} ReleaseVersion`]);
    expect(facts.freshness?.dataDirectories).toEqual([data]);
  });
});
