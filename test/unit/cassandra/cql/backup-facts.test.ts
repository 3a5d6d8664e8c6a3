// check_cassandra_backup's reader over CQL, against the fake CQL server answering a 5.0 or a 4.0
// node's tables: the flag and the data directories from system_views.settings, the release from
// system.local, --find-config from system_views.system_properties, the tables from
// system_schema.tables (5.0: the opt-out too). The same facts as over Jolokia
// (../backup-facts.test.ts), for the same judge.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readBackupFacts } from '../../../../src/cassandra/cql/backup-facts.js';
import type { FreshnessRequest } from '../../../../src/cassandra/freshness.js';
import { CqlError } from '../../../../src/cql/errors.js';
import { tableDirectory, writeSSTable } from '../../../support/data-dir.js';
import { type FakeNode, limits, type NodeSpec, type SchemaTable, startNode } from './fake-node.js';

const dir = mkdtempSync(join(tmpdir(), 'cql-backup-facts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let node: FakeNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const ORDERS: SchemaTable = { keyspace: 'shop', table: 'orders', id: '5a1c395e-2b7d-11ef-a7a5-bd2f6f6c9d1e' };
const EVENTS: SchemaTable = { keyspace: 'shop', table: 'events', id: '6b2d4a6f-2b7d-11ef-a7a5-bd2f6f6c9d1e' };
const AUDIT: SchemaTable = {
  keyspace: 'shop',
  table: 'audit',
  id: '7c3e5b70-2b7d-11ef-a7a5-bd2f6f6c9d1e',
  incrementalBackups: false,
};
const look = (keyspace: string): FreshnessRequest => ({ flush: [], look: [{ keyspace }], exclude: [] });
/** Where a table keeps its files: its id without dashes. */
const folder = (data: string, t: SchemaTable) => tableDirectory(data, t.keyspace, t.table, t.id.replace(/-/g, ''));

async function read(spec: NodeSpec, request: Parameters<typeof readBackupFacts>[1] = {}) {
  node = await startNode(spec);
  return readBackupFacts(node.endpoint, request, limits());
}

async function failure(spec: NodeSpec, request: Parameters<typeof readBackupFacts>[1] = {}): Promise<CqlError> {
  const error = await read(spec, request).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CqlError);
  return error as CqlError;
}

describe('readBackupFacts over CQL: the status', () => {
  it.each([
    ['true', true],
    ['false', false],
  ])('incremental_backups %s: the flag, the release, where and how it was asked', async (value, enabled) => {
    const facts = await read({ release: '5.0.9', settings: { incremental_backups: value } });
    expect(facts.status).toEqual({
      where: `127.0.0.1:${node?.server.port} (CQL)`,
      transport: 'cql',
      incrementalBackupsEnabled: enabled,
      releaseVersion: '5.0.9',
      roundTripSeconds: expect.any(Number),
    });
    expect(facts).not.toHaveProperty('configuration');
    expect(facts).not.toHaveProperty('freshness');
    expect(node?.asked.sort()).toEqual(['system.local', 'system_views.settings']);
  });

  it('on 4.0 too: settings came with 4.0', async () => {
    const facts = await read({ release: '4.0.17', settings: { incremental_backups: 'false' } });
    expect(facts.status).toMatchObject({ incrementalBackupsEnabled: false, releaseVersion: '4.0.17' });
  });

  it.each(['TRUE', 'enabled', ''])('a value that is neither true nor false (%j): a clean error', async (value) => {
    const error = await failure({ release: '5.0.9', settings: { incremental_backups: value } });
    expect(error.kind).toBe('server');
    expect(error.message).toBe(
      `127.0.0.1:${node?.server.port} gave incremental_backups = ${value}, where Cassandra has true or false`,
    );
  });

  it('a role that may not read the settings: the GRANT to run', async () => {
    const error = await failure({ release: '5.0.9', denied: ['system_views.settings'] });
    expect(error.kind).toBe('permission');
    expect(error.message).toMatch(
      /^The role monitor may not read system_views\.settings on 127\.0\.0\.1:\d+: run GRANT SELECT ON (ALL KEYSPACES|KEYSPACE system_views) TO monitor$/,
    );
  });
});

describe('readBackupFacts over CQL: the tables (--keyspace, --table)', () => {
  it('the data directories from `[/a, /b]`; each table found in whichever holds it', async () => {
    const [a, b] = [mkdtempSync(join(dir, 'a-')), mkdtempSync(join(dir, 'b-'))];
    writeSSTable(folder(a, ORDERS), 1);
    folder(b, EVENTS);
    const facts = await read(
      { release: '5.0.9', settings: { data_file_directories: `[${a}, ${b}]` }, tables: [ORDERS, EVENTS] },
      { freshness: look('shop') },
    );
    expect(facts.status.dataFileLocations).toEqual([a, b]);
    expect(facts.freshness?.dataDirectories).toEqual([a, b]);
    expect(facts.freshness?.tables.map((t) => [t.table.table, 'found' in t.reading])).toEqual([
      ['events', true],
      ['orders', true],
    ]);
    expect(facts.freshness?.optedOut).toEqual([]);
  });

  it('5.0: a table created WITH incremental_backups = false is opted out, and its folder never read', async () => {
    // No folder for shop.audit anywhere: looking for it would fail the check.
    const data = mkdtempSync(join(dir, 'data-'));
    folder(data, ORDERS);
    const facts = await read(
      { release: '5.0.9', settings: { data_file_directories: `[${data}]` }, tables: [ORDERS, AUDIT] },
      { freshness: look('shop') },
    );
    expect(facts.freshness?.optedOut).toEqual([{ keyspace: 'shop', table: 'audit' }]);
    expect(facts.freshness?.tables.map((t) => t.table)).toEqual([{ keyspace: 'shop', table: 'orders' }]);
  });

  it('5.0: only opted-out tables asked for: an error that names them, not an empty OK', async () => {
    const request = { freshness: { flush: [], look: [{ keyspace: 'shop', table: 'audit' }], exclude: [] } };
    const error = await read({ release: '5.0.9', tables: [ORDERS, AUDIT] }, request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/opted out of incremental backup: shop\.audit$/);
  });

  it('4.0 (no incremental_backups column): the opt-out is unknown, every table is read', async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    for (const t of [ORDERS, AUDIT]) folder(data, t);
    const facts = await read(
      { release: '4.0.17', settings: { data_file_directories: `[${data}]` }, tables: [ORDERS, AUDIT] },
      { freshness: look('shop') },
    );
    expect(facts.freshness?.optedOut).toBeUndefined();
    expect(facts.freshness?.tables.map((t) => t.table.table)).toEqual(['audit', 'orders']);
  });

  it('a keyspace the node does not have: a clean error naming it', async () => {
    const error = await failure({ release: '5.0.9', tables: [ORDERS] }, { freshness: look('nope') });
    expect(error).toEqual(new CqlError('server', 'Keyspace nope does not exist on this node (or has no tables)'));
  });

  it('a table the keyspace does not have: a clean error naming it', async () => {
    const request = { freshness: { flush: [], look: [{ keyspace: 'shop', table: 'nope' }], exclude: [] } };
    const error = await failure({ release: '5.0.9', tables: [ORDERS] }, request);
    expect(error.message).toBe('Table shop.nope does not exist on this node');
  });

  it('--flush needs the Jolokia agent', async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    folder(data, ORDERS);
    const request = { freshness: { flush: [{ keyspace: 'shop' }], look: [], exclude: [] } };
    const error = await failure(
      { release: '5.0.9', settings: { data_file_directories: `[${data}]` }, tables: [ORDERS] },
      request,
    );
    expect(error.message).toBe('A flush needs the Jolokia agent: --flush goes with --transport jolokia');
  });

  it('backup off: system_schema.tables is not asked, no folder is read', async () => {
    const facts = await read(
      { release: '5.0.9', settings: { incremental_backups: 'false' }, tables: [ORDERS] },
      { freshness: look('shop') },
    );
    expect(facts).not.toHaveProperty('freshness');
    expect(node?.asked).not.toContain('system_schema.tables');
  });
});

describe('readBackupFacts over CQL: the configuration (--find-config, --config)', () => {
  it('--find-config: the cassandra.config URL of system_properties as a file path, and the file read', async () => {
    const conf = mkdtempSync(join(dir, 'conf-'));
    const file = join(conf, 'cassandra.yaml');
    writeFileSync(file, 'cluster_name: x\nincremental_backups: true\n');
    const facts = await read(
      {
        release: '5.0.9',
        properties: {
          'cassandra.config': pathToFileURL(file).href,
          'java.class.path': '/usr/share/cassandra/lib/x.jar',
          'java.version': '17.0.12',
        },
      },
      { configuration: {} },
    );
    expect(facts.configuration).toEqual({
      node: { file, foundBy: 'the cassandra.config system property', override: undefined, loader: undefined },
      file,
      named: false,
      value: { found: true },
    });
    expect(node?.asked).toContain('system_views.system_properties');
  });

  it('4.1+: an override by system property, where the node allows them; a custom loader', async () => {
    const facts = await read(
      {
        release: '5.0.9',
        properties: {
          'cassandra.config.allow_system_properties': 'true',
          'cassandra.settings.incremental_backups': 'false',
          'cassandra.config.loader': 'com.example.Loader',
          'cassandra.config': 'https://config.example/cassandra.yaml',
        },
      },
      { configuration: {} },
    );
    expect(facts.configuration?.node).toEqual({
      file: undefined,
      foundBy: 'the node reads https://config.example/cassandra.yaml, not a file here',
      override: false,
      loader: 'com.example.Loader',
    });
    expect(facts.configuration?.value).toBeUndefined();
  });

  it('--config FILE: the named file is read, what the node says is kept beside it', async () => {
    const file = join(mkdtempSync(join(dir, 'conf-')), 'named.yaml');
    writeFileSync(file, 'incremental_backups: false\n');
    const facts = await read({ release: '4.0.17' }, { configuration: { file } });
    expect(facts.configuration).toMatchObject({ file, named: true, value: { found: false } });
  });

  it('a role that may not read system_properties: the GRANT to run', async () => {
    const error = await failure(
      { release: '5.0.9', denied: ['system_views.system_properties'] },
      { configuration: {} },
    );
    expect(error.kind).toBe('permission');
    expect(error.message).toMatch(/may not read system_views\.system_properties on .*: run GRANT SELECT ON /);
  });
});
