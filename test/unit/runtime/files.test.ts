// A file an operator named: read, or a usage error that names the option, the file and why.
// (The tests run as root here, so "permission denied" is shown with the error object a denied
// read gives, not with a chmod that root would ignore.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/runtime/errors.js';
import { fileErrorReason, readOptionFile } from '../../../src/runtime/files.js';

const dir = mkdtempSync(join(tmpdir(), 'files-'));
writeFileSync(join(dir, 'pw'), 's3cret\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readOptionFile', () => {
  it('the text of the file', () => {
    expect(readOptionFile('--password-file', join(dir, 'pw'))).toBe('s3cret\n');
  });

  it.each([
    ['missing', () => join(dir, 'missing'), 'no such file'],
    ['a directory', () => dir, 'is a directory'],
    ['under a file', () => join(dir, 'pw', 'x'), 'a part of the path is not a directory'],
  ])('%s: a usage error naming the option, the file and why', (_name, path, reason) => {
    expect(() => readOptionFile('--ca-file', path())).toThrow(
      new UsageError(`--ca-file: cannot read ${path()} (${reason})`),
    );
  });
});

describe('fileErrorReason', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: x`), { code });

  it.each([
    ['ENOENT', 'no such file'],
    ['EACCES', 'permission denied'],
    ['EPERM', 'permission denied'],
    ['EISDIR', 'is a directory'],
    ['ENOTDIR', 'a part of the path is not a directory'],
    ['ELOOP', 'ELOOP'],
  ])('%s → %s', (code, reason) => expect(fileErrorReason(errno(code))).toBe(reason));

  it('an error without a code is said as it is', () => {
    expect(fileErrorReason(new Error('odd'))).toBe('Error: odd');
    expect(fileErrorReason('text')).toBe('text');
  });
});
