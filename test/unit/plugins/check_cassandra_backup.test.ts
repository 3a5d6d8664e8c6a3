// check_cassandra_backup's options turned into settings: the status with its defaults and older
// names, the tables (--flush, --keyspace, --exclude, --data-dir, the ages), the configuration
// (--find-config, --config, --config-state), and the usage errors, before anything is sent.
import { describe, expect, it } from 'vitest';
import type { BackupRequest } from '../../../src/cassandra/backup-facts.js';
import type { BackupPolicy } from '../../../src/checks/backup.js';
import type { Connection } from '../../../src/cli/connection.js';
import { entry } from '../../../src/plugins/check_cassandra_backup.js';
import { UsageError } from '../../../src/runtime/errors.js';
import { CRITICAL, OK, WARNING } from '../../../src/runtime/state.js';
import { configure, describeSettings } from './configure.js';

interface Settings {
  readonly connection: Connection;
  readonly request: BackupRequest;
  readonly policy: BackupPolicy;
}
const settings = (argv: string[], env: NodeJS.ProcessEnv = {}) => configure<Settings>(entry, argv, env);

describe('check_cassandra_backup over CQL', () => {
  it('--transport cql: the node named with -H on port 9042, the password from CASSANDRA_PASSWORD only', () => {
    const env = { CASSANDRA_PASSWORD: 'cql-secret', JOLOKIA_PASSWORD: 'agent-secret' };
    const { connection } = settings(['--transport', 'cql', '-H', 'cass1', '-u', 'monitor'], env);
    expect(connection).toMatchObject({
      transport: 'cql',
      cql: {
        endpoint: { host: 'cass1', port: 9042, user: 'monitor', password: 'cql-secret' },
        passwordSource: 'the CASSANDRA_PASSWORD environment variable',
      },
    });
    const agent = settings(['-u', 'monitor'], env).connection;
    expect(agent.transport === 'jolokia' && agent.jolokia.endpoint.password).toBe('agent-secret');
  });

  it.each<[string[], RegExp]>([
    [['--transport', 'cql', '--flush', 'shop'], /--flush needs the Jolokia agent/],
    [['--transport', 'cql', '--url', 'http://x:8778/jolokia'], /--url: the Jolokia agent's; with --transport cql/],
    [['--transport', 'cql', '-p', '8778'], /--port: the Jolokia agent's/],
    [['--cql-port', '9142'], /--cql-port is for --transport cql/],
    [['--transport', 'jmx'], /--transport must be jolokia or cql/],
    [['--transport', 'cql', '--cql-port', '70000'], /--cql-port must be a port number/],
    [['--transport', 'cql', '--ca-file', '/etc/hosts'], /--ca-file only make sense with --ssl/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => settings(argv)).toThrow(message);
  });
});

describe('check_cassandra_backup: the status', () => {
  it('by default: the local agent, backup expected enabled, WARNING either way, nothing else asked', () => {
    const { connection, request, policy } = settings([]);
    expect(connection.transport === 'jolokia' && connection.jolokia.endpoint.url.href).toBe(
      'http://127.0.0.1:8778/jolokia',
    );
    expect(request).toEqual({});
    expect(policy).toEqual({ expectation: { expect: 'enabled', disabledState: WARNING, enabledState: WARNING } });
  });

  it.each<[string[], BackupPolicy['expectation']]>([
    [
      ['--expect-backup', 'disabled', '--backup-state', 'critical'],
      { expect: 'disabled', disabledState: CRITICAL, enabledState: CRITICAL },
    ],
    [['--expect', 'disabled'], { expect: 'disabled', disabledState: WARNING, enabledState: WARNING }],
    [['--disabled-state', 'critical'], { expect: 'enabled', disabledState: CRITICAL, enabledState: WARNING }],
    [['--enabled-state', 'ok'], { expect: 'enabled', disabledState: WARNING, enabledState: OK }],
  ])('%j: the older names are aliases', (argv, expectation) => {
    expect(settings(argv).policy.expectation).toEqual(expectation);
  });
});

describe('check_cassandra_backup: the tables', () => {
  it('--flush, --keyspace, --exclude and --data-dir make the freshness request; --flush means flushing', () => {
    const { request, policy } = settings([
      '--flush',
      'shop',
      '--keyspace',
      'billing.invoices',
      '--exclude',
      'shop.sessions',
      '--data-dir',
      '/d1',
      '--data-dir',
      '/d2',
    ]);
    expect(request.freshness).toEqual({
      flush: [{ keyspace: 'shop' }],
      look: [{ keyspace: 'billing', table: 'invoices' }],
      exclude: [{ keyspace: 'shop', table: 'sessions' }],
      dataDirectories: ['/d1', '/d2'],
    });
    expect(policy.freshness).toEqual({ age: {}, flushing: true });
  });

  it('--max-age and --critical-age: durations, as upper limits in seconds', () => {
    const { request, policy } = settings(['--keyspace', 'shop', '--max-age', '6h', '--critical-age', '2d']);
    expect(request.freshness).toEqual({ flush: [], look: [{ keyspace: 'shop' }], exclude: [] });
    expect([
      policy.freshness?.flushing,
      policy.freshness?.age.warning?.toString(),
      policy.freshness?.age.critical?.toString(),
    ]).toEqual([false, '21600', '172800']);
  });

  it.each<[string[], string]>([
    [['--max-age', '1h'], '--max-age needs tables to look at: give --flush or --keyspace'],
    [['--exclude', 'shop.x'], '--exclude needs tables to look at: give --flush or --keyspace'],
    [['--data-dir', '/d'], '--data-dir needs tables to look at: give --flush or --keyspace'],
    [['--keyspace', 'shop', '--max-age', '2d', '--critical-age', '1d'], '--critical-age is shorter than --max-age'],
    [['--keyspace', 'shop', '--max-age', 'soon'], "--max-age: 'soon' is not a duration (e.g. 90m, 6h, 2d, 1h30m)"],
    [['--keyspace', 'shop', '--data-dir', ' '], '--data-dir: empty path'],
    [
      ['--flush', 'shop-2'],
      "--flush: 'shop-2' has a keyspace name that Cassandra does not allow (only letters, digits and _)",
    ],
    [['--keyspace', 'a.b.c'], "--keyspace: 'a.b.c' is not KEYSPACE or KEYSPACE.TABLE"],
  ])('%j is a usage error', (argv, message) => {
    expect(() => settings(argv)).toThrow(new UsageError(message));
  });
});

describe('check_cassandra_backup: until restart', () => {
  it('--find-config: the node is asked for its file; the drift is WARNING unless --config-state says otherwise', () => {
    expect(settings(['--find-config'])).toMatchObject({
      request: { configuration: {} },
      policy: { driftState: WARNING },
    });
    expect(settings(['--find-config', '--config-state', 'critical']).policy.driftState).toBe(CRITICAL);
  });

  it('--config FILE: that file', () => {
    expect(settings(['--config', '/etc/cassandra/cassandra.yaml']).request).toEqual({
      configuration: { file: '/etc/cassandra/cassandra.yaml' },
    });
  });

  it.each<[string[], string]>([
    [
      ['--config', '/x', '--find-config'],
      '--config and --find-config: give one (--config names the file, --find-config asks the node)',
    ],
    [['--config-state', 'critical'], '--config-state needs --config FILE or --find-config'],
    [['--config', ''], '--config: empty path'],
    [
      ['--find-config', '--config-state', 'loud'],
      "--config-state: 'loud' is not one of ok, warning, critical, unknown",
    ],
  ])('%j is a usage error', (argv, message) => {
    expect(() => settings(argv)).toThrow(new UsageError(message));
  });
});

describe('check_cassandra_backup: -vv and the long output', () => {
  it('describes the settings without the password', () => {
    const lines = describeSettings(
      entry,
      settings([
        '-u',
        'monitor',
        '--password',
        's3cret',
        '--flush',
        'shop',
        '--keyspace',
        'billing',
        '--max-age',
        '1h',
        '--find-config',
      ]),
    );
    expect(lines).toEqual([
      'agent: http://127.0.0.1:8778/jolokia',
      'user: monitor; password from --password (or password= in --extra-opts)',
      'expect: backup enabled (disabled unexpectedly: WARNING, enabled unexpectedly: WARNING)',
      'flush: shop; look at: billing; leave out: (none)',
      'data directories: as the node reports them',
      'max age: 3600 s, critical age: - s',
      'configuration: the file the node loaded (until restart: WARNING)',
    ]);
    expect(lines.join('\n')).not.toContain('s3cret');
  });

  it("the connection's warnings close the long output", () => {
    const s = settings(['--url', 'https://cass1:8778/jolokia', '--insecure']);
    expect(entry.check.warnings?.(s)).toEqual([
      'TLS certificate verification is off (--insecure): anyone on the path can pose as the agent and read the password',
    ]);
  });
});
