// What a cassandra.yaml says of incremental backups, read the way Cassandra reads it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { honoursSystemProperties, readPersistedSetting } from '../../../src/cassandra/config-file.js';
import { CheckError } from '../../../src/runtime/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function yaml(text: string): string {
  const file = join(dir, `cassandra-${n++}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('readPersistedSetting', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['True', true],
    ['yes', true],
    ['no', false],
    ['on', true],
    ['OFF', false],
    ['"true"', true],
  ])('incremental_backups: %s → %s (YAML 1.1 booleans, as SnakeYAML reads them)', async (text, expected) => {
    expect(await readPersistedSetting(yaml(`cluster_name: x\nincremental_backups: ${text}\n`), 'found')).toBe(expected);
  });

  it("absent, empty or null is false: Cassandra's default", async () => {
    expect(await readPersistedSetting(yaml('cluster_name: x\n'), 'found')).toBe(false);
    expect(await readPersistedSetting(yaml(''), 'found')).toBe(false);
    expect(await readPersistedSetting(yaml('# only comments\n'), 'found')).toBe(false);
    expect(await readPersistedSetting(yaml('incremental_backups:\n'), 'found')).toBe(false);
  });

  it('a commented-out line does not count', async () => {
    expect(await readPersistedSetting(yaml('# incremental_backups: true\nincremental_backups: false\n'), 'found')).toBe(
      false,
    );
  });

  it('a value Cassandra would refuse is an error naming it', async () => {
    const file = yaml('incremental_backups: maybe\n');
    await expect(readPersistedSetting(file, 'found')).rejects.toThrow(
      new CheckError(`${file} has incremental_backups: maybe, which Cassandra does not read as true or false`),
    );
  });

  it('not YAML, or not a mapping: an error naming the file', async () => {
    const broken = yaml('incremental_backups: [true\n');
    await expect(readPersistedSetting(broken, 'found')).rejects.toThrow(
      new RegExp(`^Cannot parse ${broken} as YAML \\(.+\\): is it the node's cassandra.yaml\\? Give --config$`),
    );
    const list = yaml('- incremental_backups\n');
    await expect(readPersistedSetting(list, 'by --config')).rejects.toThrow(
      `${list} is not a cassandra.yaml (no settings in it)`,
    );
  });

  it('a missing file: the fix depends on who named it', async () => {
    const missing = join(dir, 'missing.yaml');
    await expect(readPersistedSetting(missing, 'found')).rejects.toThrow(
      `Cannot read ${missing} (no such file): run the check on the Cassandra node itself, or give --config`,
    );
    await expect(readPersistedSetting(missing, 'by --config')).rejects.toThrow(
      `Cannot read ${missing} (no such file): give --config the node's cassandra.yaml as seen from here`,
    );
  });
});

describe('honoursSystemProperties', () => {
  it('from 4.1 on; an unknown version is assumed to', () => {
    expect(['3.11.17', '4.0.19'].map(honoursSystemProperties)).toEqual([false, false]);
    expect(['4.1.10', '5.0.9', '6.0-alpha1'].map(honoursSystemProperties)).toEqual([true, true, true]);
    expect(honoursSystemProperties(undefined)).toBe(true);
  });
});
