// check_cassandra_snapshots' options turned into settings: the agent or the folders, the ranges
// with units, the state and grace for snapshots past their TTL, the tags left out; and the usage errors.
import { describe, expect, it } from 'vitest';
import type { SnapshotPolicy } from '../../../src/checks/snapshots.js';
import type { JolokiaConnection } from '../../../src/cli/jolokia-connection.js';
import { entry } from '../../../src/plugins/check_cassandra_snapshots.js';
import { UsageError } from '../../../src/runtime/errors.js';
import { CRITICAL, WARNING } from '../../../src/runtime/state.js';
import { configure, describeSettings } from './configure.js';

interface Settings {
  readonly connection: JolokiaConnection;
  readonly dataDirectories?: readonly string[];
  readonly policy: SnapshotPolicy;
}
const settings = (argv: string[]) => configure<Settings>(entry, argv);

describe('check_cassandra_snapshots', () => {
  it('by default: the agent, no ranges, past the TTL by 10 minutes WARNING, nothing left out', () => {
    const s = settings([]);
    expect(s).not.toHaveProperty('dataDirectories');
    expect(s.policy).toEqual({ age: {}, size: {}, expired: { state: WARNING, graceSeconds: 600 }, excludeTags: [] });
  });

  it('ranges with units, the expired state and grace, the tags left out (repeatable or comma-separated)', () => {
    const { policy, dataDirectories } = settings([
      '--data-dir',
      '/d',
      '--warning-age',
      '7d',
      '--critical-age',
      '30d',
      '--critical-size',
      '200G',
      '--expired-state',
      'critical',
      '--expired-grace',
      '1h',
      '--exclude-tag',
      'pre-upgrade-*, weekly',
      '--exclude-tag',
      ' ,kept',
    ]);
    expect(dataDirectories).toEqual(['/d']);
    expect([
      policy.age.warning?.toString(),
      policy.age.critical?.toString(),
      policy.size.warning,
      policy.size.critical?.toString(),
    ]).toEqual(['604800', '2592000', undefined, String(200 * 1024 ** 3)]);
    expect(policy.expired).toEqual({ state: CRITICAL, graceSeconds: 3600 });
    expect(policy.excludeTags).toEqual(['pre-upgrade-*', 'weekly', 'kept']);
  });

  it.each<[string[], string]>([
    [['--expired-grace', 'later'], "--expired-grace: 'later' is not a duration (e.g. 90m, 6h, 2d, 1h30m)"],
    [['--expired-state', 'red'], "--expired-state: 'red' is not one of ok, warning, critical, unknown"],
    [['--warning-age', '1 week'], "--warning-age: '1 week' is not a duration (e.g. 90m, 6h, 2d, 1h30m)"],
    [['--critical-size', '30d'], "--critical-size: '30d' is not a size (e.g. 500M, 20G, 1.5T, or bytes)"],
  ])('%j is a usage error', (argv, message) => {
    expect(() => settings(argv)).toThrow(new UsageError(message));
  });

  it('-vv: the folders instead of the agent, the ranges, the tags left out', () => {
    expect(
      describeSettings(entry, settings(['--data-dir', '/d', '--warning-age', '7d', '--exclude-tag', 'keep'])),
    ).toEqual([
      'data directories: /d (no agent asked)',
      'age (s): warning 604800, critical -; true size (B): warning -, critical -; past TTL by 600 s: WARNING',
      'left out: keep',
    ]);
    expect(describeSettings(entry, settings([]))).toEqual([
      'agent: http://127.0.0.1:8778/jolokia',
      'user: (none); password from none',
      'age (s): warning -, critical -; true size (B): warning -, critical -; past TTL by 600 s: WARNING',
      'left out: (none)',
    ]);
  });

  it("the connection's warnings only when the agent is asked", () => {
    expect(entry.check.warnings?.(settings(['--url', 'https://c:1/j', '--insecure']))).toHaveLength(1);
    expect(entry.check.warnings?.(settings(['--url', 'https://c:1/j', '--insecure', '--data-dir', '/d']))).toEqual([]);
  });
});
