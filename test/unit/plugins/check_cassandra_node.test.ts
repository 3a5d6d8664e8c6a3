// check_cassandra_node's options turned into settings: what the node should be doing and the
// state when it is not, with the defaults of a node in service, and the usage errors.
import { describe, expect, it } from 'vitest';
import type { NodePolicy } from '../../../src/checks/node-health.js';
import type { JolokiaConnection } from '../../../src/cli/jolokia-connection.js';
import { entry } from '../../../src/plugins/check_cassandra_node.js';
import { UsageError } from '../../../src/runtime/errors.js';
import { CRITICAL, OK, UNKNOWN, WARNING } from '../../../src/runtime/state.js';
import { configure, describeSettings } from './configure.js';

interface Settings {
  readonly connection: JolokiaConnection;
  readonly policy: NodePolicy;
}
const settings = (argv: string[]) => configure<Settings>(entry, argv);

describe('check_cassandra_node', () => {
  it('by default: transport and gossip running or CRITICAL, backup enabled or WARNING, mode NORMAL or WARNING', () => {
    expect(settings([]).policy).toEqual({
      binary: { expect: true, state: CRITICAL },
      gossip: { expect: true, state: CRITICAL },
      backup: { expect: 'enabled', disabledState: WARNING, enabledState: WARNING },
      mode: { expect: ['NORMAL'], state: WARNING },
    });
  });

  it('a node drained for maintenance: stopped transport and gossip, modes in any case, comma-separated or repeated', () => {
    const { policy } = settings([
      '--expect-binary',
      'stopped',
      '--expect-gossip',
      'stopped',
      '--binary-state',
      'warning',
      '--gossip-state',
      '3',
      '--expect-mode',
      'drained, draining',
      '--expect-mode',
      'MOVING',
      '--mode-state',
      'ok',
    ]);
    expect(policy).toMatchObject({
      binary: { expect: false, state: WARNING },
      gossip: { expect: false, state: UNKNOWN },
      mode: { expect: ['DRAINED', 'DRAINING', 'MOVING'], state: OK },
    });
  });

  it("--expect-backup and --backup-state; the older names of check_cassandra_backup are not this plugin's", () => {
    expect(settings(['--expect-backup', 'disabled', '--backup-state', 'critical']).policy.backup).toEqual({
      expect: 'disabled',
      disabledState: CRITICAL,
      enabledState: CRITICAL,
    });
    expect(() => settings(['--expect', 'disabled'])).toThrow(new UsageError('unknown option --expect'));
    expect(() => settings(['--disabled-state', 'critical'])).toThrow(new UsageError('unknown option --disabled-state'));
  });

  it.each<[string[], string]>([
    [['--expect-binary', 'yes'], "--expect-binary: 'yes' is not running or stopped"],
    [['--expect-gossip', 'Running'], "--expect-gossip: 'Running' is not running or stopped"],
    [
      ['--expect-mode', 'NORMAL,UP'],
      "--expect-mode: 'UP' is not one of STARTING, NORMAL, JOINING, LEAVING, DECOMMISSIONED, MOVING, DRAINING, DRAINED",
    ],
    [['--mode-state', 'high'], "--mode-state: 'high' is not one of ok, warning, critical, unknown"],
    [['--binary-state', ''], "--binary-state: '' is not one of ok, warning, critical, unknown"],
    [
      ['-H', 'cass1', '--url', 'http://cass1:8778/jolokia'],
      '--url already says where the agent is: leave out --hostname',
    ],
  ])('%j is a usage error', (argv, message) => {
    expect(() => settings(argv)).toThrow(new UsageError(message));
  });

  it('-vv: the agent and every expectation with its state', () => {
    expect(
      describeSettings(
        entry,
        settings([
          '-H',
          'cass1',
          '--expect-binary',
          'stopped',
          '--expect-backup',
          'disabled',
          '--backup-state',
          'critical',
        ]),
      ),
    ).toEqual([
      'agent: http://cass1:8778/jolokia',
      'user: (none); password from none',
      'expect: native transport stopped (else CRITICAL), gossip running (else CRITICAL), backup disabled (else CRITICAL), mode NORMAL (else WARNING)',
    ]);
  });
});
