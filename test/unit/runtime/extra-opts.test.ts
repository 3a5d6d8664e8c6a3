import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/runtime/errors.js';
import { expandExtraOpts, parseIniSection } from '../../../src/runtime/extra-opts.js';
import type { OptionSpec } from '../../../src/runtime/options.js';

const specs: OptionSpec[] = [
  { name: 'user', kind: 'value', group: 'g', help: '' },
  { name: 'password', kind: 'value', group: 'g', help: '' },
  { name: 'insecure', kind: 'flag', group: 'g', help: '' },
  { name: 'flush', kind: 'list', group: 'g', help: '' },
  { name: 'extra-opts', kind: 'value', group: 'g', help: '' },
  { name: 'verbose', short: 'v', kind: 'count', group: 'g', help: '' },
];
const specsWithShort: OptionSpec[] = [
  ...specs.map((s) =>
    s.name === 'user' ? { ...s, short: 'u' } : s.name === 'password' ? { ...s, excludes: ['password-file'] } : s,
  ),
  { name: 'password-file', kind: 'value', group: 'g', help: '' },
  { name: 'url', kind: 'value', group: 'g', help: '', excludes: ['hostname'] },
  { name: 'hostname', short: 'H', kind: 'value', group: 'g', help: '' },
];
const dir = mkdtempSync(join(tmpdir(), 'extra-opts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ini(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('parseIniSection', () => {
  const text =
    '# comment\n; other comment\n[a]\nuser = x\n\n[b]\nuser=y\nflush=ks1\nflush = ks2\ninsecure=\npassword="quoted value"\n';
  it('reads one section in order, keeping repeated keys', () => {
    expect(parseIniSection(text, 'b')).toEqual([
      ['user', 'y'],
      ['flush', 'ks1'],
      ['flush', 'ks2'],
      ['insecure', ''],
      ['password', 'quoted value'],
    ]);
  });
  it('tells a missing section from an empty one', () => {
    expect(parseIniSection(text, 'c')).toBeUndefined();
    expect(parseIniSection('[empty]\n', 'empty')).toEqual([]);
  });
});

describe('expandExtraOpts', () => {
  const file = ini('plugins.ini', '[check_x]\nuser=fromini\ninsecure=true\n[other]\npassword=pw\nflush=a\n');

  it('INI options are defaults: one the command line gives too is dropped', () => {
    const { argv } = expandExtraOpts(['--user', 'cli', `--extra-opts=@${file}`], specs, 'check_x', {});
    expect(argv).toEqual(['--insecure', '--user', 'cli']);
    expect(expandExtraOpts(['-ucli', `--extra-opts=@${file}`], specsWithShort, 'check_x', {}).argv).toEqual([
      '--insecure',
      '-ucli',
    ]);
  });

  it('an option the command line excludes is dropped too (--url against --hostname, --password against --password-file)', () => {
    const ini = join(dir, 'excl.ini');
    writeFileSync(ini, '[check_x]\nurl=http://a:8778/jolokia\npassword=pw\nflush=ks1\nflush=ks2\n');
    const { argv } = expandExtraOpts(
      ['--hostname=b', '--password-file', '/pw', '--flush', 'ks3', `--extra-opts=@${ini}`],
      specsWithShort,
      'check_x',
      {},
    );
    expect(argv).toEqual(['--hostname=b', '--password-file', '/pw', '--flush', 'ks3']);
    const other = expandExtraOpts(['--url', 'http://c/jolokia', `--extra-opts=@${ini}`], specsWithShort, 'check_x', {});
    expect(other.argv).toEqual(['--password=pw', '--flush=ks1', '--flush=ks2', '--url', 'http://c/jolokia']);
  });

  it('takes a section name, and the file from MP_CONFIG_FILE', () => {
    const { argv, sources } = expandExtraOpts(['--extra-opts', 'other'], specs, 'check_x', { MP_CONFIG_FILE: file });
    expect(argv).toEqual(['--password=pw', '--flush=a']);
    expect(sources).toEqual([`[other]@${file}`]);
  });

  it("bare --extra-opts means the plugin's own section", () => {
    const { argv } = expandExtraOpts(['--extra-opts', '-v'], specs, 'check_x', { MP_CONFIG_FILE: file });
    expect(argv).toEqual(['--user=fromini', '--insecure', '-v']);
  });

  it.each([
    [[`--extra-opts=nosuch@${file}`], `has no section [nosuch]`],
    [['--extra-opts=@/nonexistent/x.ini'], '--extra-opts: cannot read /nonexistent/x.ini (no such file)'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => expandExtraOpts(argv, specs, 'check_x', {})).toThrow(message);
  });

  it('rejects keys that are not options, naming the file', () => {
    const bad = ini('bad.ini', '[check_x]\nhostnme=x\n');
    expect(() => expandExtraOpts([`--extra-opts=@${bad}`], specs, 'check_x', {})).toThrow(
      new UsageError(`--extra-opts: unknown option 'hostnme' in [check_x] of ${bad}`),
    );
  });
});
