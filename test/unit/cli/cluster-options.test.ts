// The cluster audit's own options: data centers' expectations, the member URL template and its
// override file, and the numbers that bound the audit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkTemplate,
  expectByDatacenter,
  readOverrides,
  seconds,
  wholeNumber,
} from '../../../src/cli/cluster-options.js';
import { parseOptions } from '../../../src/runtime/options.js';

const work = mkdtempSync(join(tmpdir(), 'cluster-options-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('expectByDatacenter', () => {
  const read = (...values: string[]) =>
    expectByDatacenter(
      parseOptions(
        [{ name: 'expect-dc', kind: 'list', group: 'x', help: 'x' }],
        values.flatMap((v) => ['--expect-dc', v]),
      ),
    );

  it('DC=enabled|disabled, the last = splits (a name may hold one)', () => {
    expect([...read('analytics=disabled', 'a=b=enabled')]).toEqual([
      ['analytics', 'disabled'],
      ['a=b', 'enabled'],
    ]);
  });

  it('anything else is a usage error', () => {
    expect(() => read('analytics')).toThrow("--expect-dc: 'analytics' is not DC=enabled or DC=disabled");
    expect(() => read('analytics=off')).toThrow("--expect-dc: 'off' is not enabled or disabled");
  });
});

describe('checkTemplate and readOverrides', () => {
  it('a template needs {host} and http or https', () => {
    expect(() => checkTemplate('https://{host}:8778/jolokia')).not.toThrow();
    expect(() => checkTemplate('https://cass1:8778/jolokia')).toThrow('has no {host}');
    expect(() => checkTemplate('ftp://{host}/')).toThrow('the scheme must be http or https, not ftp');
  });

  it("lines 'ADDRESS URL', # comments; a bad line is named by its number", () => {
    const good = join(work, 'agents.txt');
    writeFileSync(
      good,
      '# behind NAT\n10.0.0.7 https://nat.example:18778/jolokia\n\ncass9 http://cass9:8778/jolokia # spare\n',
    );
    expect([...readOverrides(good)]).toEqual([
      ['10.0.0.7', 'https://nat.example:18778/jolokia'],
      ['cass9', 'http://cass9:8778/jolokia'],
    ]);
    const bad = join(work, 'bad.txt');
    writeFileSync(bad, '10.0.0.7 https://a/jolokia\n10.0.0.8\n');
    expect(() => readOverrides(bad)).toThrow(`--node-url-file: line 2 of ${bad} is not 'ADDRESS URL'`);
  });
});

describe('wholeNumber and seconds', () => {
  it('bounds hold, and the option is named', () => {
    expect(wholeNumber('512', '--parallel', 1, 4096)).toBe(512);
    expect(() => wholeNumber('0', '--parallel', 1, 4096)).toThrow(
      "--parallel: '0' is not a whole number from 1 to 4096",
    );
    expect(() => wholeNumber('2.5', '--parallel', 1, 4096)).toThrow('--parallel');
    expect(seconds('0.5', '--node-timeout')).toBe(0.5);
    for (const text of ['0', '3601', 'soon', ''])
      expect(() => seconds(text, '--node-timeout')).toThrow('--node-timeout');
  });
});
