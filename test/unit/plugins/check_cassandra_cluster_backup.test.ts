// check_cassandra_cluster_backup's options turned into settings: the contact nodes, which members
// and where their agents are (--node, --dc, --node-url, --node-url-file), how many at once and for
// how long, the expectations per data center and the ranges on the counts; and the usage errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterRequest } from '../../../src/cassandra/cluster.js';
import type { AuditPolicy } from '../../../src/checks/cluster-audit.js';
import type { Contacts } from '../../../src/cli/cluster-contacts.js';
import { entry } from '../../../src/plugins/check_cassandra_cluster_backup.js';
import { UsageError } from '../../../src/runtime/errors.js';
import { CRITICAL, OK, WARNING } from '../../../src/runtime/state.js';
import { configure, describeSettings } from './configure.js';

interface Settings {
  readonly contacts: Contacts;
  readonly request: ClusterRequest;
  readonly policy: AuditPolicy;
}
const settings = (argv: string[], env: NodeJS.ProcessEnv = {}) => configure<Settings>(entry, argv, env);
const agentUrls = (contacts: Contacts) =>
  contacts.transport === 'jolokia' ? contacts.jolokia.map((c) => c.endpoint.url.href) : [];
const dir = mkdtempSync(join(tmpdir(), 'cluster-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('check_cassandra_cluster_backup: defaults', () => {
  it("one contact, the ring, the contact's URL for members, 512 at once, 2 s each; any disabled or unreachable member WARNING", () => {
    const { contacts, request, policy } = settings([]);
    expect(agentUrls(contacts)).toEqual(['http://127.0.0.1:8778/jolokia']);
    expect(request).toEqual({
      nodes: [],
      nodeUrl: undefined,
      overrides: new Map(),
      datacenters: [],
      parallel: 512,
      nodeTimeoutSeconds: 2,
    });
    expect(policy.backup).toEqual({ expect: 'enabled', disabledState: WARNING, enabledState: WARNING });
    expect(policy.expectByDatacenter).toEqual(new Map());
    expect([
      policy.disabled.warning?.toString(),
      policy.disabled.critical,
      policy.unreachable.warning?.toString(),
      policy.unreachable.critical,
    ]).toEqual(['0', undefined, '0', undefined]);
  });
});

describe('check_cassandra_cluster_backup: options', () => {
  it('-H and --url repeat: the contact nodes, in order', () => {
    expect(agentUrls(settings(['-H', 'cass1', '-H', 'cass2', '-p', '9000']).contacts)).toEqual([
      'http://cass1:9000/jolokia',
      'http://cass2:9000/jolokia',
    ]);
  });

  it('--transport cql: each -H a contact on --cql-port, one role and password for every member', () => {
    const { contacts } = settings(
      ['--transport', 'cql', '-H', 'cass1', '-H', 'cass2', '--cql-port', '9142', '-u', 'monitor'],
      { CASSANDRA_PASSWORD: 'pw' },
    );
    expect(contacts.transport === 'cql' && contacts.cql.map((c) => c.endpoint)).toEqual([
      { host: 'cass1', port: 9142, user: 'monitor', password: 'pw' },
      { host: 'cass2', port: 9142, user: 'monitor', password: 'pw' },
    ]);
  });

  it('--transport cql refuses the agent-only --node-url', () => {
    expect(() => settings(['--transport', 'cql', '--node-url', 'http://{host}:8778/jolokia'])).toThrow(
      /--node-url: the Jolokia agent's/,
    );
  });

  it('--node, --dc, --node-url, --parallel, --node-timeout', () => {
    const { request } = settings([
      '--node',
      'cass3',
      '--node',
      '10.0.0.4',
      '--dc',
      'eu',
      '--node-url',
      'https://{host}:8443/jolokia',
      '--parallel',
      '8',
      '--node-timeout',
      '0.5',
    ]);
    expect(request).toMatchObject({
      nodes: ['cass3', '10.0.0.4'],
      datacenters: ['eu'],
      nodeUrl: 'https://{host}:8443/jolokia',
      parallel: 8,
      nodeTimeoutSeconds: 0.5,
    });
  });

  it('--node-url-file: `ADDRESS URL` lines, comments and blank lines ignored', () => {
    const file = join(dir, 'agents.txt');
    writeFileSync(
      file,
      '# NAT\n10.0.0.2   http://nat.example:18778/jolokia   # the second node\n\ncass3 https://cass3.example:8443/jolokia\n',
    );
    expect(settings(['--node-url-file', file]).request.overrides).toEqual(
      new Map([
        ['10.0.0.2', 'http://nat.example:18778/jolokia'],
        ['cass3', 'https://cass3.example:8443/jolokia'],
      ]),
    );
  });

  it("--expect-dc per data center (a name may hold =); --expect and --enabled-state are kept, --disabled-state is not this plugin's", () => {
    const { policy } = settings([
      '--expect-dc',
      'analytics=disabled',
      '--expect-dc',
      'a=b=enabled',
      '--expect',
      'disabled',
      '--enabled-state',
      'ok',
      '--backup-state',
      'critical',
    ]);
    expect(policy.expectByDatacenter).toEqual(
      new Map([
        ['analytics', 'disabled'],
        ['a=b', 'enabled'],
      ]),
    );
    expect(policy.backup).toEqual({ expect: 'disabled', disabledState: CRITICAL, enabledState: OK });
    expect(() => settings(['--disabled-state', 'critical'])).toThrow(new UsageError('unknown option --disabled-state'));
  });

  it('the ranges on the counts', () => {
    const { policy } = settings([
      '--warning-disabled',
      '1',
      '--critical-disabled',
      '2',
      '--warning-unreachable',
      '@1:',
      '--critical-unreachable',
      '5',
    ]);
    expect(
      [policy.disabled.warning, policy.disabled.critical, policy.unreachable.warning, policy.unreachable.critical].map(
        String,
      ),
    ).toEqual(['1', '2', '@1:', '5']);
  });

  it.each<[string, () => string[]]>([
    [
      "--node-url: 'https://cass:8778/jolokia' has no {host} for the member's address",
      () => ['--node-url', 'https://cass:8778/jolokia'],
    ],
    ['--node-url: the scheme must be http or https, not ftp', () => ['--node-url', 'ftp://{host}/j']],
    [
      "--node-url: 'http://{host}:99999/j' is not a URL with {host} in it",
      () => ['--node-url', 'http://{host}:99999/j'],
    ],
    ["--parallel: '0' is not a whole number from 1 to 4096", () => ['--parallel', '0']],
    ["--parallel: '5000' is not a whole number from 1 to 4096", () => ['--parallel', '5000']],
    ["--parallel: '2.5' is not a whole number from 1 to 4096", () => ['--parallel', '2.5']],
    ["--node-timeout: '0' is not a number of seconds", () => ['--node-timeout', '0']],
    ["--node-timeout: '3601' is not a number of seconds", () => ['--node-timeout', '3601']],
    ["--expect-dc: 'analytics' is not DC=enabled or DC=disabled", () => ['--expect-dc', 'analytics']],
    ["--expect-dc: '=disabled' is not DC=enabled or DC=disabled", () => ['--expect-dc', '=disabled']],
    ["--expect-dc: 'off' is not enabled or disabled", () => ['--expect-dc', 'eu=off']],
    ["--critical-disabled: 'two' is not a range ('two' is not a number)", () => ['--critical-disabled', 'two']],
    [
      `--node-url-file: cannot read ${join(dir, 'missing.txt')} (no such file)`,
      () => ['--node-url-file', join(dir, 'missing.txt')],
    ],
    [
      `--node-url-file: line 2 of ${join(dir, 'bad.txt')} is not 'ADDRESS URL'`,
      () => {
        writeFileSync(join(dir, 'bad.txt'), '10.0.0.1 http://a:1/j\n10.0.0.2 not-a-url\n');
        return ['--node-url-file', join(dir, 'bad.txt')];
      },
    ],
    [
      `--node-url-file: line 1 of ${join(dir, 'extra.txt')} is not 'ADDRESS URL'`,
      () => {
        writeFileSync(join(dir, 'extra.txt'), '10.0.0.1 http://a:1/j extra\n');
        return ['--node-url-file', join(dir, 'extra.txt')];
      },
    ],
  ])('usage error: %s', (message, argv) => {
    expect(() => settings(argv())).toThrow(new UsageError(message));
  });
});

describe('check_cassandra_cluster_backup: -vv', () => {
  it('each contact, the members, where their agents are, the expectations and ranges', () => {
    const file = join(dir, 'one.txt');
    writeFileSync(file, '10.0.0.2 http://nat.example:18778/jolokia\n');
    const lines = describeSettings(
      entry,
      settings([
        '-H',
        'cass1',
        '-H',
        'cass2',
        '--dc',
        'eu',
        '--node-url-file',
        file,
        '--expect-dc',
        'analytics=disabled',
        '--critical-unreachable',
        '3',
        '--parallel',
        '64',
      ]),
    );
    expect(lines).toEqual([
      'contact 1: agent: http://cass1:8778/jolokia',
      'contact 1: user: (none); password from none',
      'contact 2: agent: http://cass2:8778/jolokia',
      'contact 2: user: (none); password from none',
      'members: the ring in eu',
      'member agents: the contact URL with the member address, 1 overridden',
      'expect: backup enabled, disabled in analytics',
      'thresholds: disabled 0 / -, unreachable 0 / 3',
      'at most 64 members at once, 2 s each',
    ]);
  });
});
