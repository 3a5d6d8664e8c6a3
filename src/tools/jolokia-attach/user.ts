// Who runs the attach. The JDK's attach mechanism answers a process of the JVM's own effective
// user and group (root too from Java 11 on, but what the attach leaves must be the JVM user's). So
// root switches to the JVM's owner, its owner attaches as itself, and anyone else is refused
// before anything is tried.

import type { Identity } from './target.js';

export type AttachAs =
  | { readonly kind: 'self' }
  | { readonly kind: 'switch'; readonly uid: number; readonly gid: number }
  | { readonly kind: 'refuse'; readonly reason: string };

/** How to attach to a JVM of `owner` (called `ownerName` in messages) when running as `self`. */
export function attachAs(self: Identity, owner: Identity, ownerName: string): AttachAs {
  if (self.uid === owner.uid && self.gid === owner.gid) return { kind: 'self' };
  if (self.uid === 0) return { kind: 'switch', uid: owner.uid, gid: owner.gid };
  if (self.uid === owner.uid)
    return {
      kind: 'refuse',
      reason: `the JVM runs with group id ${owner.gid}, this command with ${self.gid}: the JDK attaches only from the JVM's own user and group; run it as root, or with that group`,
    };
  const remedy = owner.uid === 0 ? 'run it as root' : `run it as root (it switches to ${ownerName}) or as ${ownerName}`;
  return {
    kind: 'refuse',
    reason: `the JVM runs as ${ownerName} (uid ${owner.uid}), this command as uid ${self.uid}: the JDK attaches only from the JVM's own user; ${remedy}`,
  };
}

/** The program and arguments that run `java args` as the decision says (setpriv switches the ids). */
export function commandAs(
  as: Exclude<AttachAs, { kind: 'refuse' }>,
  java: string,
  args: readonly string[],
): { file: string; args: string[] } {
  if (as.kind === 'self') return { file: java, args: [...args] };
  return {
    file: 'setpriv',
    args: [`--reuid=${as.uid}`, `--regid=${as.gid}`, '--clear-groups', '--', java, ...args],
  };
}
