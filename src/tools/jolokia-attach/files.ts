// The files the attach leaves on the node: the agent's properties (the password in them, so 0600
// and the JVM's owner's), the access policy (installed from the package's copy when missing), and
// jvm-server.options when asked to keep the agent for the next start.

import { chmodSync, chownSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileErrorReason } from '../../runtime/files.js';
import { AttachError } from './errors.js';
import type { Identity } from './target.js';

/**
 * Writes `text` to `file` readable by `owner` alone: made 0600 under a temporary name, given to the
 * owner, then renamed over the old file, so the password is never readable by anyone else.
 * Returns false when the file already held exactly this text (mode and owner are still set).
 */
export function writePrivateFile(file: string, text: string, owner: Identity | null): boolean {
  const unchanged = existsSync(file) && readText(file) === text;
  try {
    if (unchanged) {
      chmodSync(file, 0o600);
      if (owner) chownSync(file, owner.uid, owner.gid);
      return false;
    }
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    if (owner) chownSync(temporary, owner.uid, owner.gid);
    renameSync(temporary, file);
    return true;
  } catch (error) {
    throw new AttachError(
      `cannot write ${file} (${fileErrorReason(error)}): run as root, or choose another --properties`,
    );
  }
}

/** Writes the package's policy to `file` unless a policy is there already; true when it did. */
export function installPolicy(file: string, policyXml: string): boolean {
  if (existsSync(file)) return false;
  if (!existsSync(dirname(file)))
    throw new AttachError(`no folder ${dirname(file)} for the access policy: give --policy FILE`);
  try {
    writeFileSync(file, policyXml, { mode: 0o644, flag: 'wx' });
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

/** Replaces a file's text, keeping its mode; a new file is 0644. */
export function rewriteFile(file: string, text: string): void {
  try {
    writeFileSync(file, text, { mode: 0o644 });
  } catch (error) {
    throw new AttachError(`cannot write ${file} (${fileErrorReason(error)})`);
  }
}
