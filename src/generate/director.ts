// Generated from the registry: icinga-director-basket.json, a basket for Icinga Director 1.10
// (Baskets → Upload, or `icingacli director basket restore < FILE`). Per plugin a service
// template on the plugin's CheckCommand, with a data field for every option: the variable of
// icinga-commands.conf (`<command>_<option>`), its help as description, a type Director can
// check, a drop-down for the values an option knows, the password as a hidden field.
//
// The commands are not in the basket. Director 1.10 cannot give a command an environment (its
// schema has no `env`), so a command it rendered would pass the password on the command line;
// the package's own CheckCommands do it through the environment, and Director's kickstart
// imports them from Icinga 2 as external commands, which the templates then use.
//
// The shape is what Director's own `icingacli director basket dump` writes (proven against the
// real Director in test/integration/icinga-director.test.ts). Director 1.10 knows templates,
// lists and the category by name and matches a field by its content, so a restore of the same
// basket changes nothing; a field's key is a hash of its variable, so adding an option or a
// plugin leaves every other key as it was.

import { createHash } from 'node:crypto';
import type { PluginEntry } from '../plugins/entry.js';
import type { OptionSpec } from '../runtime/options.js';
import { allOptions } from '../runtime/standard-options.js';
import { DEBIAN_PACKAGE } from './debian.js';
import { describe, icingaVariable, NOT_FOR_ICINGA } from './icinga.js';

/** The category Director files the fields under, a section of its own in the service form. */
export const DIRECTOR_CATEGORY = 'Cassandra monitoring plugins';

const STATES = ['ok', 'warning', 'critical', 'unknown'];

type DataType = 'String' | 'Number' | 'Boolean' | 'Array' | 'Datalist';

interface Datafield {
  readonly varname: string;
  readonly caption: string;
  readonly description: string;
  readonly datatype: string;
  readonly format: null;
  readonly originalId: string;
  readonly settings: Readonly<Record<string, string>>;
  readonly category: string;
}

interface DataList {
  readonly entries: readonly {
    entry_name: string;
    entry_value: string;
    format: null;
    allowed_roles: null;
  }[];
  readonly list_name: string;
  readonly owner: string;
}

export function directorBasket(plugins: readonly PluginEntry[]): string {
  const lists = new Map<string, DataList>();
  const fields = new Map<number, Datafield>();
  const templates = new Map<string, unknown>();
  for (const plugin of [...plugins].sort((a, b) => compare(a.icingaCommand, b.icingaCommand))) {
    const own: { varname: string; id: number }[] = [];
    for (const option of allOptions(plugin).filter((o) => !NOT_FOR_ICINGA.has(o.name))) {
      const varname = icingaVariable(plugin, option);
      const id = datafieldId(varname);
      const taken = fields.get(id);
      if (taken !== undefined) throw new Error(`data fields ${taken.varname} and ${varname} hash to one key ${id}`);
      const values = choices(option);
      if (values !== undefined) lists.set(listName(option, values), dataList(listName(option, values), values));
      fields.set(id, datafield(option, varname, id, values));
      own.push({ varname, id });
    }
    templates.set(plugin.icingaCommand, {
      check_command: plugin.icingaCommand,
      fields: own
        .sort((a, b) => compare(a.varname, b.varname))
        .map(({ id }) => ({ datafield_id: id, is_required: 'n', var_filter: null })),
      object_name: plugin.icingaCommand,
      object_type: 'template',
    });
  }
  const basket = {
    DataList: sortedRecord(lists),
    DatafieldCategory: { [DIRECTOR_CATEGORY]: { category_name: DIRECTOR_CATEGORY, description: null } },
    // Integer keys: JSON.stringify writes them in ascending order, whatever the insertion order.
    Datafield: Object.fromEntries(fields),
    ServiceTemplate: sortedRecord(templates),
  };
  return `${JSON.stringify(basket, null, 4)}\n`;
}

/** A field's key in the basket, from its variable alone: 31 bits of its SHA-1, never 0. */
export function datafieldId(varname: string): number {
  return createHash('sha1').update(varname).digest().readUInt32BE(0) & 0x7fffffff || 1;
}

/** The values an option accepts, when it names them: a state, or `a|b` in its placeholder. */
export function choices(option: OptionSpec): string[] | undefined {
  if (option.arg === 'STATE') return STATES;
  if (option.arg !== undefined && /^[a-z]+(\|[a-z]+)+$/.test(option.arg)) return option.arg.split('|');
  return undefined;
}

/** One list per set of values, shared by every option that accepts the same. */
function listName(option: OptionSpec, values: readonly string[]): string {
  return option.arg === 'STATE' ? 'cassandra_state' : `cassandra_${values.join('_')}`;
}

function dataList(name: string, values: readonly string[]): DataList {
  return {
    entries: [...values]
      .sort(compare)
      .map((value) => ({ entry_name: value, entry_value: value, format: null, allowed_roles: null })),
    list_name: name,
    owner: DEBIAN_PACKAGE,
  };
}

/** Director's type for an option: what it lets a user enter, and how it writes the variable. */
export function dataType(option: OptionSpec): DataType {
  if (option.kind === 'flag') return 'Boolean';
  if (option.kind === 'count') return 'Number';
  if (choices(option) !== undefined) return 'Datalist';
  if (option.kind === 'list') return 'Array';
  // Whole numbers only: Director's Number field refuses a fraction (a timeout of 0.5 s is a String).
  return option.arg === 'PORT' || option.arg === 'N' ? 'Number' : 'String';
}

function datafield(option: OptionSpec, varname: string, id: number, values: readonly string[] | undefined): Datafield {
  const type = dataType(option);
  const settings: Record<string, string> =
    type === 'Datalist'
      ? {
          behavior: 'strict',
          data_type: option.kind === 'list' ? 'array' : 'string',
          datalist: listName(option, values ?? []),
        }
      : // A secret: Director shows a password box and never the value it holds.
        option.environment !== undefined
        ? { visibility: 'hidden' }
        : {};
  return {
    varname,
    caption: `${option.name[0]?.toUpperCase()}${option.name.slice(1).replace(/-/g, ' ')} (--${option.name})`,
    description: describe(option),
    datatype: `Icinga\\Module\\Director\\DataType\\DataType${type}`,
    format: null,
    originalId: String(id),
    settings,
    category: DIRECTOR_CATEGORY,
  };
}

function sortedRecord<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  return Object.fromEntries([...map].sort(([a], [b]) => compare(a, b)));
}

/** Code-point order, the same on every machine (localeCompare is not). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
