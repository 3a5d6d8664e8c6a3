// What every CQL reader asks of a node, against the fake CQL server: a role without the grant is
// told the statement to run (leastGrant's, for the node's release), a release without a table is
// named with what to do instead, a column that does not exist stays the server's own error; the
// settings as system_views.settings prints them (`true`, `[/a, /b]`).
import { afterEach, describe, expect, it } from 'vitest';
import {
  booleanSetting,
  leastGrant,
  listSetting,
  quoted,
  readSettings,
  releaseOf,
  releaseText,
  select,
  withNode,
} from '../../../../src/cassandra/cql/node.js';
import { CqlError } from '../../../../src/cql/errors.js';
import type { CqlSession } from '../../../../src/cql/session.js';
import { type FakeNode, limits, type Release, startNode, USER } from './fake-node.js';

let node: FakeNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

/** What `read` throws on a node that answers as `spec` says. */
async function failure(spec: Parameters<typeof startNode>[0], read: Parameters<typeof withNode>[2]): Promise<CqlError> {
  node = await startNode(spec);
  const error = await withNode(node.endpoint, limits(), read).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CqlError);
  return error as CqlError;
}

const where = () => `127.0.0.1:${node?.server.port}`;

describe('select: a role without the grant', () => {
  it.each<Release>(['5.0.9', '4.0.17'])(
    'ERROR 0x2100 on %s: kind permission, the table, the node and the GRANT to run',
    async (release) => {
      const error = await failure({ release, denied: ['system_views.settings'] }, (n) =>
        readSettings(n, ['incremental_backups'], releaseOf(n)),
      );
      const grant = leastGrant(USER, release);
      expect(grant).toMatch(/^GRANT SELECT ON (ALL KEYSPACES|KEYSPACE system_views) TO monitor$/);
      expect(error.kind).toBe('permission');
      expect(error.code).toBe(0x2100);
      expect(error.message).toBe(`The role monitor may not read system_views.settings on ${where()}: run ${grant}`);
      // The cause keeps what the node said.
      expect((error.cause as CqlError).message).toMatch(/has no SELECT permission on <table system_views\.settings>/);
    },
  );

  it('a release that cannot be read names the grant every release takes', async () => {
    const error = await failure({ release: '5.0.9', denied: ['system_views.settings', 'system.local'] }, (n) =>
      readSettings(n, ['incremental_backups'], releaseOf(n)),
    );
    expect(error.message).toBe(
      `The role monitor may not read system_views.settings on ${where()}: run ${leastGrant(USER, undefined)}`,
    );
  });
});

describe('select: a table or column the node has not', () => {
  it("a missing table: no-such-table, naming the table, the node's release and what to do", async () => {
    const error = await failure({ release: '4.0.17' }, (n) =>
      select(n, 'system_views.snapshots', 'SELECT name FROM system_views.snapshots', {
        releaseVersion: releaseOf(n),
        missing: 'use --data-dir',
      }),
    );
    expect(error.kind).toBe('no-such-table');
    expect(error.message).toBe(`${where()} has no system_views.snapshots (Cassandra 4.0.17): use --data-dir`);
  });

  it('without a release or advice: the table and the node only', async () => {
    const error = await failure({ release: '4.0.17' }, (n) =>
      select(n, 'system_views.gossip_info', 'SELECT address FROM system_views.gossip_info', {}),
    );
    expect(error.message).toBe(`${where()} has no system_views.gossip_info`);
  });

  it('a missing column is not a missing table: the node’s own error stays', async () => {
    const error = await failure({ release: '4.0.17' }, (n) =>
      select(n, 'system_schema.tables', 'SELECT incremental_backups FROM system_schema.tables', {
        releaseVersion: '4.0.17',
      }),
    );
    expect(error.kind).toBe('no-such-table');
    expect(error.message).toMatch(/has no such table or column: "Undefined column name incremental_backups/);
  });
});

describe('releaseOf and readSettings', () => {
  it('the release from system.local; the settings asked for, by name, in one query', async () => {
    node = await startNode({ release: '5.0.9', settings: { cluster_name: 'x', incremental_backups: 'false' } });
    const [release, settings] = await withNode(node.endpoint, limits(), (n) =>
      Promise.all([releaseOf(n), readSettings(n, ['incremental_backups', 'data_file_directories', 'nope'], '5.0.9')]),
    );
    expect(release).toBe('5.0.9');
    expect([...settings]).toEqual([
      ['incremental_backups', 'false'],
      ['data_file_directories', '[/var/lib/cassandra/data]'],
    ]);
    expect(node.asked).toEqual(['system.local', 'system_views.settings']);
  });

  it('a setting whose value is null (unset in cassandra.yaml) is null', async () => {
    node = await startNode({ release: '5.0.9', settings: { data_file_directories: null } });
    const settings = await withNode(node.endpoint, limits(), (n) =>
      readSettings(n, ['data_file_directories'], '5.0.9'),
    );
    expect(settings.get('data_file_directories')).toBeNull();
    expect(listSetting(settings.get('data_file_directories'))).toEqual([]);
  });
});

describe('booleanSetting', () => {
  const settings = (value: string | null) => new Map([['incremental_backups', value]]);
  it('true and false, as Cassandra prints them', () => {
    expect(booleanSetting(settings('true'), 'incremental_backups', 'h:9042')).toBe(true);
    expect(booleanSetting(settings('false'), 'incremental_backups', 'h:9042')).toBe(false);
  });
  it.each(['TRUE', 'yes', '1', '', null])('%j is no answer to trust', (value) => {
    expect(() => booleanSetting(settings(value), 'incremental_backups', 'h:9042')).toThrow(
      new CqlError('server', `h:9042 gave incremental_backups = ${String(value)}, where Cassandra has true or false`),
    );
  });
  it('a value is quoted short', () => {
    expect(() => booleanSetting(settings('x'.repeat(500)), 'incremental_backups', 'h:9042')).toThrow(
      `h:9042 gave incremental_backups = ${'x'.repeat(20)}, where Cassandra has true or false`,
    );
  });
  it('a missing setting is said as missing', () => {
    expect(() => booleanSetting(new Map(), 'incremental_backups', 'h:9042')).toThrow(
      'h:9042 has no setting incremental_backups in system_views.settings',
    );
  });
});

describe('listSetting', () => {
  it.each<[string | null | undefined, string[]]>([
    ['[/a, /b]', ['/a', '/b']],
    ['[/var/lib/cassandra/data]', ['/var/lib/cassandra/data']],
    ['  [ /a ,/b , ]  ', ['/a', '/b']],
    ['[]', []],
    ['', []],
    [null, []],
    [undefined, []],
    ['/a', ['/a']],
    ['[/data dir/with space, /b]', ['/data dir/with space', '/b']],
  ])('%j', (value, items) => {
    expect(listSetting(value)).toEqual(items);
  });
});

describe('releaseText and quoted', () => {
  it('a release number, or nothing', () => {
    expect(releaseText('5.0.9')).toBe('5.0.9');
    expect(releaseText('4.1-SNAPSHOT')).toBe('4.1-SNAPSHOT');
    expect(releaseText('5.0.9\nINJECTED')).toBeUndefined();
    expect(releaseText(5)).toBeUndefined();
    expect(releaseText('')).toBeUndefined();
  });
  it("a CQL literal: ' doubled", () => {
    expect(quoted("it's")).toBe("'it''s'");
  });
});

describe('withNode', () => {
  it('closes the session after use, and after a failure', async () => {
    node = await startNode({ release: '5.0.9' });
    const sessions: CqlSession[] = [];
    await withNode(node.endpoint, limits(), async (n) => {
      sessions.push(n.session);
    });
    await expect(
      withNode(node.endpoint, limits(), async (n) => {
        sessions.push(n.session);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(sessions.map((s) => s.where)).toEqual([where(), where()]);
    for (const session of sessions)
      await expect(session.query('SELECT * FROM system.local')).rejects.toThrow(
        `The connection to ${where()} was closed`,
      );
  });
});
