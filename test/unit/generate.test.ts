// Everything derived from the registry: the committed files are exactly what the generators write
// now (so a hand edit, or a registry change without `npm run generate`, fails here), and what they
// write keeps its promises: every option reachable from Icinga 2, the password never on a command
// line, one entry file and bin entry per plugin.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../../src/generate/index.js';
import { PLUGINS } from '../../src/plugins/index.js';
import { allOptions } from '../../src/runtime/standard-options.js';
import { ROOT } from '../support/process.js';

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const generated = generatedFiles(PLUGINS, read);

/** The files whose committed text differs from what the registry says. */
function drifted(readFile: (path: string) => string): string[] {
  return [...generatedFiles(PLUGINS, readFile)]
    .filter(([path, content]) => readFile(path) !== content)
    .map(([path]) => path);
}

describe('generated files', () => {
  it.each([...generated.keys()])('%s is what the registry says (run npm run generate)', (path) => {
    expect(read(path)).toBe(generated.get(path));
  });

  it('a hand edit of a generated file is caught', () => {
    expect(drifted(read)).toEqual([]);
    const edited = (path: string): string =>
      path === 'icinga-commands.conf' ? read(path).replace('repeat_key = true', 'repeat_key = false') : read(path);
    expect(drifted(edited)).toEqual(['icinga-commands.conf']);
    const readme = (path: string): string =>
      path === 'README.md'
        ? read(path).replace('command[check_cassandra_backup]=', 'command[check_backup]=')
        : read(path);
    expect(drifted(readme)).toEqual(['README.md']);
  });

  it('the plugins/ entry files are executable', () => {
    for (const plugin of PLUGINS) expect(statSync(join(ROOT, 'plugins', plugin.name)).mode & 0o111).toBe(0o111);
  });
});

describe.each(PLUGINS)('the registry entry of $name', (plugin) => {
  const conf = generated.get('icinga-commands.conf') as string;
  const start = conf.indexOf(`object CheckCommand "${plugin.icingaCommand}" {`);
  const block = conf.slice(start, conf.indexOf('\n}\n', start));

  it('lives in src/plugins/<name>.ts as `entry`', async () => {
    const module = (await import(/* @vite-ignore */ join(ROOT, 'src', 'plugins', `${plugin.name}.ts`))) as {
      entry: unknown;
    };
    expect(module.entry).toBe(plugin);
  });

  it('has an Icinga 2 variable for every option, -v levels included, and the password only through env', () => {
    expect(start).toBeGreaterThan(0);
    for (const option of allOptions(plugin).filter((o) => !['help', 'version'].includes(o.name))) {
      expect(block, `--${option.name}`).toContain(`$${plugin.icingaCommand}_${option.name.replace(/-/g, '_')}$`);
    }
    for (const level of ['-v', '-vv', '-vvv']) expect(block).toContain(`"${level}" = {`);
    const args = block.slice(block.indexOf('arguments'), block.indexOf('env = {'));
    expect(args).not.toContain('"--password"');
    expect(block).toContain(`"JOLOKIA_PASSWORD" = "$${plugin.icingaCommand}_password$"`);
  });

  it('is in package.json bin and has Nagios and NRPE examples that call it', () => {
    expect(JSON.parse(generated.get('package.json') as string).bin[plugin.name]).toBe(`plugins/${plugin.name}`);
    // From the Nagios server, or through check_nrpe for what must run on the node itself.
    const viaNrpe = plugin.nagios.filter((c) => c.nrpe !== undefined).map((c) => `-c ${c.nrpe as string} `);
    const direct = plugin.nagios.some((c) => c.nrpe === undefined) ? [`$USER1$/${plugin.name} `] : [];
    expect([...direct, ...viaNrpe].length).toBeGreaterThan(0);
    for (const call of [...direct, ...viaNrpe]) expect(generated.get('docs/nagios/commands.cfg')).toContain(call);
    expect(generated.get('docs/nrpe.cfg')).toContain(`/usr/lib/nagios/plugins/${plugin.name} `);
  });

  it('has a check with a renderer for every extra format it names', () => {
    expect(Object.keys(plugin.check.formats ?? {}).sort()).toEqual([...plugin.formats].sort());
  });
});
