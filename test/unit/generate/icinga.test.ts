// The Icinga 2 CheckCommand generated from a registry entry: a variable per option (aliases
// too), an excluded option passed only while the one that excludes it is unset, the secret in
// the environment, -v levels from one number, the Icinga default, strings quoted. The committed
// icinga-commands.conf against the real registry: test/unit/generate.test.ts; Icinga 2 itself
// validates it in test/integration/icinga2.test.ts.
import { describe, expect, it } from 'vitest';
import { icingaCommands } from '../../../src/generate/icinga.js';
import { ENTRY } from './entry.js';

const conf = icingaCommands([ENTRY]);
/** The argument block of one option. */
const argument = (flag: string): string => {
  const start = conf.indexOf(`    "${flag}" = {\n`);
  expect(start, flag).toBeGreaterThan(0);
  return conf.slice(start, conf.indexOf('\n    }\n', start) + 7);
};

describe('icingaCommands', () => {
  it('the header says it is generated, then one CheckCommand per entry, importing ipv4-or-ipv6', () => {
    expect(
      conf.startsWith(
        '/*\n * Icinga 2 CheckCommands for the Cassandra monitoring plugins.\n * Generated from the plugin registry',
      ),
    ).toBe(true);
    expect(conf).toContain(
      '\nobject CheckCommand "x_cmd" {\n  import "ipv4-or-ipv6"\n\n  command = [ PluginContribDir + "/check_x" ]\n',
    );
    expect(
      icingaCommands([ENTRY, { ...ENTRY, icingaCommand: 'y_cmd', name: 'check_y' }]).match(/^object CheckCommand /gm),
    ).toHaveLength(2);
  });

  it('a value: its variable and its help with the default', () => {
    expect(argument('--expect-backup')).toBe(
      '    "--expect-backup" = {\n      value = "$x_cmd_expect_backup$"\n      description = "Expect. --expect is an alias. Default: enabled."\n    }\n',
    );
  });

  it('an alias keeps a variable of its own, so existing services keep working', () => {
    expect(argument('--expect')).toBe(
      '    "--expect" = {\n      value = "$x_cmd_expect$"\n      description = "Alias of --expect-backup, kept for existing configurations."\n    }\n',
    );
    expect(conf.indexOf('"--expect" = {')).toBeGreaterThan(conf.indexOf('"--expect-backup" = {'));
  });

  it('an option another excludes is passed only while that one is unset; a flag likewise', () => {
    expect(argument('--hostname')).toBe(
      '    "--hostname" = {\n      value = "$x_cmd_hostname$"\n      set_if = {{ macro("$x_cmd_url$") == "" }}\n      description = "Host. Default: $check_address$."\n    }\n',
    );
    expect(argument('--ssl')).toBe(
      '    "--ssl" = {\n      set_if = {{ macro("$x_cmd_ssl$") && macro("$x_cmd_url$") == "" }}\n      description = "HTTPS."\n    }\n',
    );
  });

  it('a repeatable value repeats its key; text is quoted as an Icinga 2 string', () => {
    expect(argument('--keyspace')).toBe(
      '    "--keyspace" = {\n      value = "$x_cmd_keyspace$"\n      repeat_key = true\n      description = "A \\"keyspace\\" \\\\ path."\n    }\n',
    );
  });

  it('the secret goes through the environment, never as an argument; the option it excludes is not made conditional on it', () => {
    expect(conf).not.toContain('"--password" = {');
    expect(conf).toContain('\n  env = {\n    "JOLOKIA_PASSWORD" = "$x_cmd_password$"\n  }\n');
    expect(argument('--password-file')).not.toContain('set_if');
  });

  it('-v, -vv and -vvv from one number; --help and --version are not offered', () => {
    expect(argument('-v')).toContain(
      'set_if = {{ number(macro("$x_cmd_verbose$")) == 1 }}\n      description = "More output: -v long output, -vv configuration, -vvv protocol trace. A number: 1 (-v), 2 (-vv) or 3 (-vvv)."',
    );
    expect(argument('-vvv')).toBe(
      '    "-vvv" = {\n      set_if = {{ number(macro("$x_cmd_verbose$")) == 3 }}\n    }\n',
    );
    expect(conf).not.toMatch(/"--help"|"--version"/);
  });

  it("the standard options come after the plugin's own; the Icinga default is set as a variable", () => {
    expect(conf.indexOf('"--timeout" = {')).toBeGreaterThan(conf.indexOf('"--keyspace" = {'));
    expect(conf).toContain('\n  vars.x_cmd_hostname = "$check_address$"\n}\n');
  });
});
