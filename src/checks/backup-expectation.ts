// Check (evaluation): what a node's incremental backup should be, and the state when it is not.
// One vocabulary for every plugin that judges it (--expect-backup, --backup-state): the single
// node, the node's health, and each member of the cluster audit.

import type { State } from '../runtime/state.js';

export type BackupWanted = 'enabled' | 'disabled';

export interface BackupExpectation {
  /** What this node should do: most should back up, some (e.g. analytics replicas) should not. */
  readonly expect: BackupWanted;
  /** State when backup is off although it should be on (default WARNING). */
  readonly disabledState: State;
  /** State when backup is on although it should be off. */
  readonly enabledState: State;
}

/** The state for a node whose backup is `enabled`, or undefined when that is what it should be. */
export function backupMismatch(
  enabled: boolean,
  expectation: Pick<BackupExpectation, 'disabledState' | 'enabledState'>,
  expect: BackupWanted,
): State | undefined {
  if ((expect === 'enabled') === enabled) return undefined;
  return enabled ? expectation.enabledState : expectation.disabledState;
}

/** `enabled` / `disabled`, the words the long output and JSON use for the setting. */
export function backupWord(enabled: boolean): BackupWanted {
  return enabled ? 'enabled' : 'disabled';
}
