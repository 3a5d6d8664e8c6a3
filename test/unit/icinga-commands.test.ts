// icinga-commands.conf must offer every plugin option as a <command>_<option> variable, and must
// never put the password into the command's arguments. (The real icinga2 validates it in the
// integration suite.)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PluginDefinition } from '../../src/runtime/plugin.js';
import { STANDARD_OPTIONS } from '../../src/runtime/plugin.js';
import { ROOT } from '../support/run-plugin.js';

const conf = readFileSync(join(ROOT, 'icinga-commands.conf'), 'utf8');
const plugins = readdirSync(join(ROOT, 'src', 'cli')).filter((f) => /^check_.*\.ts$/.test(f));

/** The text of one CheckCommand object, up to the brace that closes it. */
function commandBlock(name: string): string {
  const start = conf.indexOf(`object CheckCommand "${name}"`);
  expect(start, `CheckCommand "${name}" exists`).toBeGreaterThanOrEqual(0);
  let depth = 0;
  for (let i = conf.indexOf('{', start); i < conf.length; i++) {
    if (conf[i] === '{') depth++;
    if (conf[i] === '}' && --depth === 0) return conf.slice(start, i + 1);
  }
  throw new Error(`unbalanced braces in CheckCommand "${name}"`);
}

describe.each(plugins)('icinga-commands.conf for %s', (file) => {
  it('has a variable for every option, and the password only through env', async () => {
    const { plugin } = (await import(`../../src/cli/${file}`)) as { plugin: PluginDefinition<unknown> };
    const command = plugin.name.replace(/^check_/, '');
    const block = commandBlock(command);
    expect(block).toContain(`command = [ PluginContribDir + "/${plugin.name}" ]`);
    const options = [...plugin.options, ...STANDARD_OPTIONS].filter((o) => !['help', 'version', 'password'].includes(o.name));
    for (const option of options) {
      const variable = `${command}_${option.name.replace(/-/g, '_')}`;
      expect(block, `--${option.name}`).toContain(`"--${option.name}" = {`);
      expect(block, `$${variable}$`).toContain(`$${variable}$`);
    }
    const args = block.slice(block.indexOf('arguments'), block.indexOf('env = {'));
    expect(args).not.toContain('--password"');
    expect(block).toContain(`"JOLOKIA_PASSWORD" = "$${command}_password$"`);
  });
});
