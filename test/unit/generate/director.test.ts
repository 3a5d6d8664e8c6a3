// The Icinga Director basket generated from registry entries: an external command per plugin in
// the shape Director's kickstart gives the package's CheckCommand, every option an argument; a
// template per plugin on it, a field per option with the variable of icinga-commands.conf, Director's type for
// it, lists for the values an option names, the password hidden; and identities that depend on
// nothing but names, so a new option or plugin, or another order, changes no other key. The
// committed file against the real registry: test/unit/generate.test.ts; the real Director
// imports it in test/integration/icinga-director.test.ts.
import { describe, expect, it } from 'vitest';
import {
  choices,
  DSL_FUNCTION,
  datafieldId,
  DIRECTOR_CATEGORY,
  dataType,
  directorBasket,
} from '../../../src/generate/director.js';
import { icingaCommands, icingaVariable } from '../../../src/generate/icinga.js';
import type { PluginEntry } from '../../../src/plugins/entry.js';
import { PLUGINS } from '../../../src/plugins/index.js';
import { allOptions } from '../../../src/runtime/standard-options.js';
import { ENTRY } from './entry.js';

interface Field {
  varname: string;
  caption: string;
  description: string;
  datatype: string;
  originalId: string;
  settings: Record<string, string>;
  category: string;
}
interface Argument {
  description?: string;
  repeat_key?: boolean;
  set_if?: string;
  set_if_format?: string;
  value?: string;
}
interface Command {
  arguments: Record<string, Argument>;
  command: string;
  fields: unknown[];
  methods_execute: string;
  object_name: string;
  object_type: string;
  timeout: string;
  vars: Record<string, unknown>;
}
interface Basket {
  ExternalCommand: Record<string, Command>;
  DataList: Record<string, { list_name: string; entries: { entry_name: string }[] }>;
  DatafieldCategory: Record<string, { category_name: string }>;
  Datafield: Record<string, Field>;
  ServiceTemplate: Record<string, { check_command: string; object_type: string; fields: { datafield_id: number }[] }>;
}

const OTHER: PluginEntry = {
  ...ENTRY,
  name: 'check_y',
  icingaCommand: 'y_cmd',
  formats: [],
  options: [{ name: 'mode', kind: 'value', arg: 'fast|slow', group: 'A', help: 'How.' }],
};
const parse = (plugins: PluginEntry[]): Basket => JSON.parse(directorBasket(plugins)) as Basket;
const basket = parse([ENTRY, OTHER]);
const field = (varname: string): Field => {
  const found = Object.values(basket.Datafield).find((f) => f.varname === varname);
  if (found === undefined) throw new Error(`no field ${varname}`);
  return found;
};
const TYPE = 'Icinga\\Module\\Director\\DataType\\DataType';

describe('directorBasket', () => {
  it('is the same text every time, whatever the order of the entries', () => {
    expect(directorBasket([ENTRY, OTHER])).toBe(directorBasket([ENTRY, OTHER]));
    expect(directorBasket([OTHER, ENTRY])).toBe(directorBasket([ENTRY, OTHER]));
  });

  it("a field's key is its variable's alone: another plugin beside it changes none", () => {
    const alone = parse([ENTRY]);
    for (const [id, f] of Object.entries(alone.Datafield)) {
      expect(basket.Datafield[id]).toEqual(f);
      expect(id).toBe(String(datafieldId(f.varname)));
      expect(f.originalId).toBe(id);
    }
    expect(datafieldId('x_cmd_url')).not.toBe(datafieldId('x_cmd_urls'));
  });

  it('one service template per entry on its CheckCommand, with a field for every option but -h and -V', () => {
    expect(Object.keys(basket.ServiceTemplate)).toEqual(['x_cmd', 'y_cmd']);
    const template = basket.ServiceTemplate['x_cmd'];
    expect(template?.check_command).toBe('x_cmd');
    expect(template?.object_type).toBe('template');
    const varnames = template?.fields.map((f) => basket.Datafield[String(f.datafield_id)]?.varname);
    // Sorted by variable, as Director itself exports them; an alias (--expect) gets none.
    expect(varnames).toEqual([...(varnames as string[])].sort());
    expect(varnames).toContain('x_cmd_expect_backup');
    expect(varnames).toContain('x_cmd_verbose');
    expect(varnames).not.toContain('x_cmd_expect');
    expect(varnames).not.toContain('x_cmd_help');
    expect(varnames).not.toContain('x_cmd_version');
    // --mode and the standard -t, --timeout-state, --format, --extra-opts and -v.
    expect(basket.ServiceTemplate['y_cmd']?.fields).toHaveLength(6);
  });

  it('one external command per entry, as the kickstart imports its CheckCommand: no fields, no code', () => {
    expect(Object.keys(basket.ExternalCommand)).toEqual(['x_cmd', 'y_cmd']);
    const { arguments: _, ...command } = basket.ExternalCommand['x_cmd'] as Command;
    expect(command).toEqual({
      command: 'check_x',
      fields: [],
      methods_execute: 'PluginCheck',
      object_name: 'x_cmd',
      object_type: 'external_object',
      timeout: '60',
      // The option's Icinga default beside the variables of the ITL template the command imports.
      vars: {
        check_address: {
          arguments: [],
          deprecated: false,
          name: '<anonymous>',
          side_effect_free: false,
          type: 'Function',
        },
        check_ipv4: false,
        check_ipv6: false,
        x_cmd_hostname: '$check_address$',
      },
    });
    expect(Object.keys(command.vars)).toEqual([...Object.keys(command.vars)].sort());
  });

  it('every option an argument, the password not: it reaches the plugin through the environment', () => {
    const args = basket.ExternalCommand['x_cmd']?.arguments ?? {};
    // Code-point order, as Director exports them; an alias has one of its own, as in the CheckCommand.
    expect(Object.keys(args)).toEqual([
      '--expect',
      '--expect-backup',
      '--extra-opts',
      '--format',
      '--hostname',
      '--keyspace',
      '--password-file',
      '--ssl',
      '--timeout',
      '--timeout-state',
      '--url',
      '-v',
      '-vv',
      '-vvv',
    ]);
    expect(args['--url']).toEqual({ description: 'Full URL.', value: '$x_cmd_url$' });
    expect(args['--keyspace']).toMatchObject({ repeat_key: true, value: '$x_cmd_keyspace$' });
    expect(args['--expect']).toEqual({
      description: 'Alias of --expect-backup, kept for existing configurations.',
      value: '$x_cmd_expect$',
    });
    // Passed only when --url is not: a function in Icinga 2, which Director knows by a comment.
    expect(args['--hostname']).toMatchObject({
      set_if: DSL_FUNCTION,
      set_if_format: 'expression',
      value: '$x_cmd_hostname$',
    });
    expect(args['--ssl']).toEqual({ description: 'HTTPS.', set_if: DSL_FUNCTION, set_if_format: 'expression' });
    expect(args['-vv']).toEqual({ set_if: DSL_FUNCTION, set_if_format: 'expression' });
    // --password-file excludes the password, which is no argument: nothing to test, a plain value.
    expect(args['--password-file']).toEqual({ description: 'File.', value: '$x_cmd_password_file$' });
    expect(basket.ExternalCommand['y_cmd']?.arguments['--mode']).toEqual({
      description: 'How.',
      value: '$y_cmd_mode$',
    });
  });

  it("a command is its entry's alone: another entry beside it changes nothing in it", () => {
    expect(parse([ENTRY]).ExternalCommand['x_cmd']).toEqual(basket.ExternalCommand['x_cmd']);
    expect(parse([OTHER]).ExternalCommand['y_cmd']).toEqual(basket.ExternalCommand['y_cmd']);
  });

  it("a field's caption names the option and its description is the option's help with the default", () => {
    expect(field('x_cmd_expect_backup')).toMatchObject({
      caption: 'Expect backup (--expect-backup)',
      description: 'Expect. --expect is an alias. Default: enabled.',
      category: DIRECTOR_CATEGORY,
    });
    expect(field('x_cmd_hostname').description).toBe('Host. Default: $check_address$.');
    expect(Object.keys(basket.DatafieldCategory)).toEqual([DIRECTOR_CATEGORY]);
  });

  it('Director types: a flag Boolean, -v a Number, a repeatable option an Array, the password a hidden String', () => {
    expect(field('x_cmd_ssl').datatype).toBe(`${TYPE}Boolean`);
    expect(field('x_cmd_verbose').datatype).toBe(`${TYPE}Number`);
    expect(field('x_cmd_keyspace').datatype).toBe(`${TYPE}Array`);
    expect(field('x_cmd_url')).toMatchObject({ datatype: `${TYPE}String`, settings: {} });
    expect(field('x_cmd_password')).toMatchObject({ datatype: `${TYPE}String`, settings: { visibility: 'hidden' } });
    expect(dataType({ name: 'port', kind: 'value', arg: 'PORT', group: 'A', help: '' })).toBe('Number');
    expect(dataType({ name: 'timeout', kind: 'value', arg: 'SECONDS', group: 'A', help: '' })).toBe('String');
  });

  it('an option that names its values gets a drop-down list, one list per set of values', () => {
    expect(field('y_cmd_mode')).toMatchObject({
      datatype: `${TYPE}Datalist`,
      settings: { behavior: 'strict', data_type: 'string', datalist: 'cassandra_fast_slow' },
    });
    expect(field('x_cmd_timeout_state').settings['datalist']).toBe('cassandra_state');
    expect(field('y_cmd_timeout_state').settings['datalist']).toBe('cassandra_state');
    // --format differs by plugin: the one with an extra format has a list of its own.
    expect(field('x_cmd_format').settings['datalist']).toBe('cassandra_nagios_json_prometheus_nodetool');
    expect(field('y_cmd_format').settings['datalist']).toBe('cassandra_nagios_json_prometheus');
    expect(Object.keys(basket.DataList)).toEqual([
      'cassandra_fast_slow',
      'cassandra_nagios_json_prometheus',
      'cassandra_nagios_json_prometheus_nodetool',
      'cassandra_state',
    ]);
    expect(basket.DataList['cassandra_state']?.entries.map((e) => e.entry_name)).toEqual([
      'critical',
      'ok',
      'unknown',
      'warning',
    ]);
    expect(choices({ name: 'dc', kind: 'list', arg: 'DC=enabled|disabled', group: 'A', help: '' })).toBeUndefined();
  });
});

describe('the basket of the real registry', () => {
  const real = JSON.parse(directorBasket(PLUGINS)) as Basket;
  const conf = icingaCommands(PLUGINS);
  const block = (plugin: PluginEntry): string => {
    const start = conf.indexOf(`object CheckCommand "${plugin.icingaCommand}" {`);
    return conf.slice(start, conf.indexOf('\n}\n', start));
  };

  it.each(PLUGINS)('$name: every option an argument of its command but -h, -V and the secret', (plugin) => {
    const args = Object.keys(real.ExternalCommand[plugin.icingaCommand]?.arguments ?? {});
    for (const option of allOptions(plugin)) {
      const names =
        option.kind === 'count' ? [1, 2, 3].map((n) => `-${option.short?.repeat(n)}`) : [`--${option.name}`];
      const expected = !['help', 'version'].includes(option.name) && option.environment === undefined;
      for (const name of [...names, ...(option.aliases ?? []).map((a) => `--${a}`)])
        expect(args.includes(name), `${plugin.icingaCommand} ${name}`).toBe(expected);
    }
    expect(args).toContain('--password-file');
    expect(args).not.toContain('--password');
  });

  it.each(PLUGINS)('$name: its command holds the arguments of its CheckCommand, as Icinga 2 gives them', (plugin) => {
    // Each argument of icinga-commands.conf, as Icinga 2's API gives it and Director stores it.
    const inConf = Object.fromEntries(
      [...block(plugin).matchAll(/^ {4}("[^"]+") = \{\n([\s\S]*?)^ {4}\}$/gm)].map(([, name, body = '']) => {
        const quoted = (key: string) => {
          const found = new RegExp(`^ {6}${key} = (".*")$`, 'm').exec(body)?.[1];
          return found === undefined ? undefined : (JSON.parse(found) as string);
        };
        const argument: Argument = {};
        if (quoted('description') !== undefined) argument.description = quoted('description');
        if (body.includes('repeat_key = true')) argument.repeat_key = true;
        if (body.includes('set_if = {{'))
          Object.assign(argument, { set_if: DSL_FUNCTION, set_if_format: 'expression' });
        else if (quoted('set_if') !== undefined) argument.set_if = quoted('set_if');
        if (quoted('value') !== undefined) argument.value = quoted('value');
        return [JSON.parse(name as string) as string, argument];
      }),
    );
    expect(Object.keys(inConf).length).toBeGreaterThan(10);
    expect(real.ExternalCommand[plugin.icingaCommand]?.arguments).toEqual(inConf);
  });

  it.each(PLUGINS)('$name: a field for every variable of its CheckCommand but the aliases', (plugin) => {
    const aliases = allOptions(plugin).flatMap((o) => o.aliases ?? []);
    const variables = new Set(
      [...block(plugin).matchAll(/\$([a-z_]+)\$/g)]
        .map((m) => m[1] as string)
        .filter(
          (v) =>
            v.startsWith(`${plugin.icingaCommand}_`) && !aliases.some((a) => v === icingaVariable(plugin, { name: a })),
        ),
    );
    const fields = real.ServiceTemplate[plugin.icingaCommand]?.fields.map(
      (f) => real.Datafield[String(f.datafield_id)]?.varname,
    );
    expect(new Set(fields)).toEqual(variables);
  });
});
