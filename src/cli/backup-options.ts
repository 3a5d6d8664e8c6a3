// Command line: the options with which every plugin that judges a node's incremental backup says
// what it should be (--expect-backup) and how loud a difference is (--backup-state). The names
// each plugin had before stay, as aliases, so existing scripts and configurations keep working.

import type { BackupExpectation, BackupWanted } from '../checks/backup-expectation.js';
import { UsageError } from '../runtime/errors.js';
import type { OptionSpec, ParsedOptions } from '../runtime/options.js';
import { parseStateOption } from '../runtime/standard-options.js';
import type { State } from '../runtime/state.js';

export interface BackupOptionWords {
  /** Heading in --help. */
  readonly group: string;
  /** `this node`, `the members`. */
  readonly who: string;
  /** Extra words for --backup-state. */
  readonly stateNote?: string;
  /** Today's names this plugin keeps: `expect` (an alias of --expect-backup), and the one-way states. */
  readonly kept?: readonly ('expect' | 'disabled-state' | 'enabled-state')[];
}

/** --expect-backup, --backup-state, and the older names this plugin had. */
export function backupExpectationOptions(words: BackupOptionWords): OptionSpec[] {
  const kept = words.kept ?? [];
  const { group } = words;
  return [
    {
      name: 'expect-backup',
      ...(kept.includes('expect') ? { aliases: ['expect'] } : {}),
      kind: 'value',
      arg: 'enabled|disabled',
      default: 'enabled',
      group,
      help: `What incremental backup on ${words.who} should be, as nodetool statusbackup reports it: enabled (running) or disabled (not running).`,
    },
    {
      name: 'backup-state',
      kind: 'value',
      arg: 'STATE',
      default: 'warning',
      group,
      help: `State when incremental backup is not as expected${words.stateNote ?? ''}.`,
    },
    ...(kept.includes('disabled-state')
      ? [
          {
            name: 'disabled-state',
            kind: 'value',
            arg: 'STATE',
            group,
            help: 'Alias of --backup-state for backup disabled although expected enabled (only that way round).',
          } as const,
        ]
      : []),
    ...(kept.includes('enabled-state')
      ? [
          {
            name: 'enabled-state',
            kind: 'value',
            arg: 'STATE',
            group,
            help: 'Alias of --backup-state for backup enabled although expected disabled (only that way round).',
          } as const,
        ]
      : []),
  ];
}

/** What the options say; --disabled-state and --enabled-state, where given, win for their way round. */
export function readBackupExpectation(options: ParsedOptions): BackupExpectation {
  const backupState = parseStateOption('backup-state', options.text('backup-state'));
  const oneWay = (option: string): State =>
    options.has(option) ? parseStateOption(option, options.text(option)) : backupState;
  return {
    expect: backupWanted(options.text('expect-backup'), '--expect-backup'),
    disabledState: oneWay('disabled-state'),
    enabledState: oneWay('enabled-state'),
  };
}

export function backupWanted(text: string, option: string): BackupWanted {
  if (text !== 'enabled' && text !== 'disabled')
    throw new UsageError(`${option}: '${text}' is not enabled or disabled`);
  return text;
}
