// check_cassandra_backup_backlog's options turned into settings: the data directories (none: ask
// the node), which keyspaces and tables, the ranges with units; and the usage errors.
import { describe, expect, it } from 'vitest';
import type { BacklogRequest } from '../../../src/cassandra/backlog-facts.js';
import type { BacklogPolicy } from '../../../src/checks/backup-backlog.js';
import type { JolokiaConnection } from '../../../src/cli/jolokia-connection.js';
import { JolokiaConnectionError, JolokiaHttpError } from '../../../src/jolokia/errors.js';
import { entry } from '../../../src/plugins/check_cassandra_backup_backlog.js';
import { UsageError } from '../../../src/runtime/errors.js';
import { configure, describeSettings } from './configure.js';

interface Settings {
  readonly connection: JolokiaConnection;
  readonly request: BacklogRequest;
  readonly policy: BacklogPolicy;
}
const settings = (argv: string[]) => configure<Settings>(entry, argv);
const ranges = (policy: BacklogPolicy) =>
  Object.fromEntries(
    Object.entries(policy).map(([measure, t]) => [measure, [t.warning?.toString(), t.critical?.toString()]]),
  );

describe('check_cassandra_backup_backlog', () => {
  it('by default: the node is asked for its data directories, every keyspace, no ranges', () => {
    const { request, policy } = settings([]);
    expect(request).toEqual({ filter: { only: [], exclude: [] } });
    expect(policy).toEqual({ age: {}, size: {}, share: {} });
  });

  it('--data-dir, --keyspace and --exclude (repeatable, or comma-separated)', () => {
    const { request } = settings([
      '--data-dir',
      '/d1',
      '--data-dir',
      '/d2',
      '--keyspace',
      'shop, billing.invoices',
      '--exclude',
      'shop.sessions',
    ]);
    expect(request).toEqual({
      dataDirectories: ['/d1', '/d2'],
      filter: {
        only: [{ keyspace: 'shop' }, { keyspace: 'billing', table: 'invoices' }],
        exclude: [{ keyspace: 'shop', table: 'sessions' }],
      },
    });
  });

  it('ranges with units: ages in seconds, sizes in bytes (powers of 1024), shares in percent', () => {
    const { policy } = settings([
      '--warning-age',
      '2h',
      '--critical-age',
      '1d',
      '--warning-size',
      '50G',
      '--critical-size',
      '1.5T',
      '--warning-share',
      '10',
      '--critical-share',
      '20:',
    ]);
    expect(ranges(policy)).toEqual({
      age: ['7200', '86400'],
      size: [String(50 * 1024 ** 3), String(1.5 * 1024 ** 4)],
      share: ['10', '20:'],
    });
  });

  it.each<[string[], string]>([
    [['--warning-age', 'soon'], "--warning-age: 'soon' is not a duration (e.g. 90m, 6h, 2d, 1h30m)"],
    [['--critical-size', '5 apples'], "--critical-size: '5 apples' is not a size (e.g. 500M, 20G, 1.5T, or bytes)"],
    [['--warning-share', '10%'], "--warning-share: '10%' is not a range ('10%' is not a number)"],
    [
      ['--keyspace', 'shop;rm'],
      "--keyspace: 'shop;rm' has a keyspace name that Cassandra does not allow (only letters, digits and _)",
    ],
    [['--exclude', 'shop.'], "--exclude: 'shop.' has an empty table name"],
  ])('%j is a usage error', (argv, message) => {
    expect(() => settings(argv)).toThrow(new UsageError(message));
  });

  it('-vv: with --data-dir no agent is described, and none is asked', () => {
    expect(
      describeSettings(entry, settings(['--data-dir', '/d', '--keyspace', 'shop', '--warning-age', '2h'])),
    ).toEqual([
      'data directories: /d',
      'keyspaces: shop; left out: (none)',
      'oldest age (s): warning 7200, critical -; size (B): warning -, critical -; share (%): warning -, critical -',
    ]);
    expect(describeSettings(entry, settings(['-H', 'cass1']))[0]).toBe('agent: http://cass1:8778/jolokia');
  });

  it("the connection's warnings only when the agent is asked", () => {
    expect(entry.check.warnings?.(settings(['--url', 'https://c:1/j', '--insecure']))).toHaveLength(1);
    expect(entry.check.warnings?.(settings(['--url', 'https://c:1/j', '--insecure', '--data-dir', '/d']))).toEqual([]);
  });

  it('an agent that cannot be reached: its remedy, and --data-dir, which needs none', () => {
    expect(entry.check.hint?.(new JolokiaHttpError(401, 'x', { remedy: 'credentials' }))).toBe(
      'give --user and a password, or give --data-dir, which needs no agent',
    );
    expect(entry.check.hint?.(new JolokiaConnectionError('refused'))).toBe('or give --data-dir, which needs no agent');
  });
});
