// The files the attach leaves on the node: the agent's properties (the password in them, so 0600
// and the JVM's owner's), the access policy (installed from the package's copy when missing), and
// jvm-server.options when asked to keep the agent for the next start.

import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { fileErrorReason } from '../../runtime/files.js';
import { AttachError } from './errors.js';
import type { Identity } from './target.js';

/**
 * Writes `text` to `file` readable by `owner` alone: made 0600 under a temporary name, given to the
 * owner, synced, then renamed over the old file, so the password is never readable by anyone else.
 * Everything after the create goes through the descriptor: in a folder the owner may write to, a
 * name swapped for a symlink meanwhile cannot make root hand another file over. Returns false when
 * the file already held exactly this text (its mode and owner are still set).
 */
export function writePrivateFile(file: string, text: string, owner: Identity | null): boolean {
  try {
    if (existsSync(file) && readText(file) === text) {
      withDescriptor(file, constants.O_RDONLY | constants.O_NOFOLLOW, (fd) => makePrivate(fd, owner));
      return false;
    }
    writeAndReplace(file, text, (fd) => makePrivate(fd, owner));
    return true;
  } catch (error) {
    throw new AttachError(
      `cannot write ${file} (${fileErrorReason(error)}): run as root, or choose another --properties`,
    );
  }
}

function makePrivate(fd: number, owner: Identity | null): void {
  fchmodSync(fd, 0o600);
  if (owner) fchownSync(fd, owner.uid, owner.gid);
}

function withDescriptor(file: string, flags: number, use: (fd: number) => void): void {
  const fd = openSync(file, flags);
  try {
    use(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A new file beside `file` (created, never followed: O_EXCL), set up by `prepare`, written, synced
 * and renamed over `file`: a crash leaves the old file or the new one, never half of one. The
 * temporary file goes again on any failure.
 */
function writeAndReplace(file: string, text: string, prepare: (fd: number) => void): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    try {
      prepare(fd);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // gone already
    }
    throw error;
  }
}

/**
 * Writes the package's policy to `file` unless a policy is there already; true when it did. 0644
 * whatever root's umask: the JVM's user must read it (an agent that cannot read its policy
 * refuses every request).
 */
export function installPolicy(file: string, policyXml: string): boolean {
  if (existsSync(file)) return false;
  if (!existsSync(dirname(file)))
    throw new AttachError(`no folder ${dirname(file)} for the access policy: give --policy FILE`);
  try {
    writeAndReplace(file, policyXml, (fd) => fchmodSync(fd, 0o644));
  } catch (error) {
    throw new AttachError(`cannot write the access policy ${file} (${fileErrorReason(error)}): give --policy FILE`);
  }
  return true;
}

/** A file's text, or '' when there is none yet. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new AttachError(`cannot read ${file} (${fileErrorReason(error)})`);
  }
}

/**
 * Replaces the text of an existing file (jvm-server.options), keeping its mode and owner: written
 * beside it and renamed over it, so an interrupted write never leaves a node that cannot start. A
 * file that does not exist is refused: Cassandra would not read a new one either (a typo).
 */
export function rewriteFile(file: string, text: string): void {
  if (!existsSync(file))
    throw new AttachError(`${file} does not exist: give the jvm-server.options that Cassandra reads`);
  try {
    const before = statOf(file);
    writeAndReplace(file, text, (fd) => {
      fchmodSync(fd, before.mode & 0o7777);
      fchownSync(fd, before.uid, before.gid);
    });
  } catch (error) {
    throw new AttachError(`cannot write ${file} (${fileErrorReason(error)})`);
  }
}

function statOf(file: string): { mode: number; uid: number; gid: number } {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return fstatSync(fd);
  } finally {
    closeSync(fd);
  }
}
