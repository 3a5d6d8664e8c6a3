// Runtime: reading a file an operator named in an option. A file that cannot be read is a usage
// error that names the option, the file and the reason, before anything is sent anywhere.

import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

export function readOptionFile(option: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${file} (${fileErrorReason(error)})`);
  }
}

export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return code ?? String(error);
  }
}
