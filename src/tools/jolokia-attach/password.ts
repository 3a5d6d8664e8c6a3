// The password from --password-file: its first line, as the plugins read theirs.

import { readFileSync } from 'node:fs';
import { fileErrorReason } from '../../runtime/files.js';
import { AttachError } from './errors.js';

export function readPasswordFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/, 1)[0] ?? '';
  } catch (error) {
    throw new AttachError(`--password-file: cannot read ${file} (${fileErrorReason(error)})`);
  }
}
