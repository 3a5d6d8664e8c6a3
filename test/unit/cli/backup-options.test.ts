// --expect-backup and --backup-state, shared by every plugin that judges backup, and the older
// names each plugin keeps as aliases (--expect, --disabled-state, --enabled-state).
import { describe, expect, it } from 'vitest';
import { backupExpectationOptions, backupWanted, readBackupExpectation } from '../../../src/cli/backup-options.js';
import { UsageError } from '../../../src/runtime/errors.js';
import { parseOptions } from '../../../src/runtime/options.js';
import { CRITICAL, OK, UNKNOWN, WARNING } from '../../../src/runtime/state.js';

const ALL = backupExpectationOptions({
  group: 'Backup',
  who: 'this node',
  kept: ['expect', 'disabled-state', 'enabled-state'],
});
const read = (argv: string[], specs = ALL) => readBackupExpectation(parseOptions(specs, argv));

describe('backupExpectationOptions', () => {
  it('the two options, with their defaults, and only the older names this plugin keeps', () => {
    expect(ALL.map((o) => [o.name, o.aliases ?? [], o.default])).toEqual([
      ['expect-backup', ['expect'], 'enabled'],
      ['backup-state', [], 'warning'],
      ['disabled-state', [], undefined],
      ['enabled-state', [], undefined],
    ]);
    expect(backupExpectationOptions({ group: 'G', who: 'x' }).map((o) => [o.name, o.aliases])).toEqual([
      ['expect-backup', undefined],
      ['backup-state', undefined],
    ]);
  });

  it("the help says whose backup, and the plugin's note on the state", () => {
    const [expectBackup, backupState] = backupExpectationOptions({
      group: 'States',
      who: 'the members',
      stateNote: ' on a member',
    });
    expect(expectBackup?.help).toBe(
      'What incremental backup on the members should be, as nodetool statusbackup reports it: enabled (running) or disabled (not running).',
    );
    expect(backupState?.help).toBe('State when incremental backup is not as expected on a member.');
    expect(new Set([expectBackup?.group, backupState?.group])).toEqual(new Set(['States']));
  });
});

describe('readBackupExpectation', () => {
  it.each<[string[], { expect: string; disabledState: typeof OK; enabledState: typeof OK }]>([
    [[], { expect: 'enabled', disabledState: WARNING, enabledState: WARNING }],
    [['--expect-backup', 'disabled'], { expect: 'disabled', disabledState: WARNING, enabledState: WARNING }],
    [['--expect', 'disabled'], { expect: 'disabled', disabledState: WARNING, enabledState: WARNING }],
    [['--backup-state', 'critical'], { expect: 'enabled', disabledState: CRITICAL, enabledState: CRITICAL }],
    [['--backup-state', '3'], { expect: 'enabled', disabledState: UNKNOWN, enabledState: UNKNOWN }],
    [['--disabled-state', 'critical'], { expect: 'enabled', disabledState: CRITICAL, enabledState: WARNING }],
    [
      ['--enabled-state', 'ok', '--backup-state', 'critical'],
      { expect: 'enabled', disabledState: CRITICAL, enabledState: OK },
    ],
  ])('%j', (argv, expectation) => {
    expect(read(argv)).toEqual(expectation);
  });

  it('values that are not words it knows: usage errors naming the option', () => {
    expect(() => read(['--expect-backup', 'yes'])).toThrow(
      new UsageError("--expect-backup: 'yes' is not enabled or disabled"),
    );
    expect(() => read(['--expect', 'on'])).toThrow("--expect-backup: 'on' is not enabled or disabled");
    expect(() => read(['--backup-state', 'loud'])).toThrow(
      "--backup-state: 'loud' is not one of ok, warning, critical, unknown",
    );
    expect(() => read(['--disabled-state', 'x'])).toThrow(
      "--disabled-state: 'x' is not one of ok, warning, critical, unknown",
    );
  });
});

describe('backupWanted', () => {
  it('enabled or disabled, nothing else, named after the option it came from', () => {
    expect([backupWanted('enabled', '--x'), backupWanted('disabled', '--x')]).toEqual(['enabled', 'disabled']);
    expect(() => backupWanted('Enabled', '--expect-dc')).toThrow("--expect-dc: 'Enabled' is not enabled or disabled");
  });
});
