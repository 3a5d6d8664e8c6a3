// The Icinga Director basket generated from registry entries: a template per plugin on its
// CheckCommand, a field per option with the variable of icinga-commands.conf, Director's type for
// it, lists for the values an option names, the password hidden; and identities that depend on
// nothing but names, so a new option or plugin, or another order, changes no other key. The
// committed file against the real registry: test/unit/generate.test.ts; the real Director
// imports it in test/integration/icinga-director.test.ts.
import { describe, expect, it } from 'vitest';
import { choices, datafieldId, DIRECTOR_CATEGORY, dataType, directorBasket } from '../../../src/generate/director.js';
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
interface Basket {
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

  it.each(PLUGINS)('$name: a field for every variable of its CheckCommand but the aliases', (plugin) => {
    const start = conf.indexOf(`object CheckCommand "${plugin.icingaCommand}" {`);
    const block = conf.slice(start, conf.indexOf('\n}\n', start));
    const aliases = allOptions(plugin).flatMap((o) => o.aliases ?? []);
    const variables = new Set(
      [...block.matchAll(/\$([a-z_]+)\$/g)]
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
