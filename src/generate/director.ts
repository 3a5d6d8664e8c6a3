// Generated from the registry: icinga-director-basket.json, a basket for Icinga Director 1.10
// (Baskets → Upload, or `icingacli director basket restore < FILE`). Per plugin:
// - the plugin's CheckCommand as an external command, every option an argument: what Director's
//   kickstart imports from Icinga 2, in the very shape it stores it, so a restore after a
//   kickstart, or a kickstart after a restore, changes nothing;
// - a service template on it, with a data field for every option: the variable of
//   icinga-commands.conf (`<command>_<option>`), its help as description, a type Director can
//   check, a drop-down for the values an option knows, the password as a hidden field.
//
// External, not a command Director renders: Director 1.10 cannot give a command an environment
// (its schema has no `env`), so a command of its own would pass the password on the command
// line, and its name would clash with the package's CheckCommand on deploy. Director never
// deploys an external command: Icinga 2 runs the package's own, the password in the environment
// (which is why it is not among the arguments). Functions (a set_if that tests another variable,
// the ITL's check_address) reach Director as Icinga 2's API describes them, not as code: the
// basket writes them the same way.
//
// The shape is what Director's own `icingacli director basket dump` writes (proven against the
// real Director in test/integration/icinga-director.test.ts). Director 1.10 knows commands,
// templates, lists and the category by name and matches a field by its content, so a restore of
// the same basket changes nothing; a field's key is a hash of its variable, so adding an option
// or a plugin leaves every other key as it was.

import { createHash } from 'node:crypto';
import type { PluginEntry } from '../plugins/entry.js';
import type { OptionSpec } from '../runtime/options.js';
import { allOptions } from '../runtime/standard-options.js';
import { DEBIAN_PACKAGE } from './debian.js';
import { describe, icingaOptions, icingaVariable, NOT_FOR_ICINGA } from './icinga.js';

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
  const commands = new Map<string, ExternalCommand>();
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
    commands.set(plugin.icingaCommand, externalCommand(plugin));
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
    ExternalCommand: sortedRecord(commands),
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

/** What Director 1.10 stores for a function Icinga 2's API names without its code. */
export const DSL_FUNCTION = '/* Icinga 2 does not export DSL function bodies via API */';
const FUNCTION_SET_IF = { set_if: DSL_FUNCTION, set_if_format: 'expression' } as const;

/**
 * The variables of the ITL's "ipv4-or-ipv6" template, which every CheckCommand of the package
 * imports, as Icinga 2's API (2.13) gives them: check_address a function, its code not shown.
 */
const IPV4_OR_IPV6_VARS = {
  check_address: { arguments: [], deprecated: false, name: '<anonymous>', side_effect_free: false, type: 'Function' },
  check_ipv4: false,
  check_ipv6: false,
};

/** Icinga 2's default timeout of a command, which its API reports and Director keeps as a string. */
const ICINGA_COMMAND_TIMEOUT = '60';

/** An argument as Director exports it: only the keys it has, in alphabetical order. */
interface Argument {
  readonly description?: string;
  readonly repeat_key?: true;
  readonly set_if?: string;
  readonly set_if_format?: 'expression';
  readonly value?: string;
}

interface ExternalCommand {
  readonly arguments: Readonly<Record<string, Argument>>;
  readonly command: string;
  readonly fields: readonly [];
  readonly methods_execute: 'PluginCheck';
  readonly object_name: string;
  readonly object_type: 'external_object';
  readonly timeout: string;
  readonly vars: Readonly<Record<string, unknown>>;
}

/**
 * The plugin's CheckCommand of icinga-commands.conf as Director's kickstart stores it: every
 * argument (aliases too, the password not: it goes through the environment, which Director does
 * not see), a set_if that is a function (an option passed only when another is not set, a level
 * of -v) as Director writes one, the command by its name (Debian's PluginContribDir is PluginDir,
 * which Director leaves out), the defaults beside the ITL template's variables; no fields: those
 * are the template's.
 */
export function externalCommand(plugin: PluginEntry): ExternalCommand {
  const options = icingaOptions(plugin);
  const onCommandLine = options.filter((o) => o.environment === undefined);
  const args = onCommandLine.flatMap((option): [string, Argument][] => {
    const description = describe(option);
    const value = `$${icingaVariable(plugin, option)}$`;
    const setIf = onCommandLine.some((o) => o.excludes?.includes(option.name)) ? FUNCTION_SET_IF : undefined;
    if (option.kind === 'count') {
      const flag = option.short ?? option.name;
      return [1, 2, 3].map((level) => [
        `-${flag.repeat(level)}`,
        level === 1 ? { description, ...FUNCTION_SET_IF } : FUNCTION_SET_IF,
      ]);
    }
    if (option.kind === 'flag') return [[`--${option.name}`, { description, ...(setIf ?? { set_if: value }) }]];
    return [
      [`--${option.name}`, { description, ...(option.kind === 'list' ? { repeat_key: true } : {}), ...setIf, value }],
    ];
  });
  const defaults = options.flatMap((o) =>
    o.icingaDefault === undefined ? [] : [[icingaVariable(plugin, o), o.icingaDefault] as const],
  );
  return {
    arguments: Object.fromEntries(args.sort(([a], [b]) => compare(a, b))),
    command: plugin.name,
    fields: [],
    methods_execute: 'PluginCheck',
    object_name: plugin.icingaCommand,
    object_type: 'external_object',
    timeout: ICINGA_COMMAND_TIMEOUT,
    vars: sortedRecord(new Map<string, unknown>([...defaults, ...Object.entries(IPV4_OR_IPV6_VARS)])),
  };
}

function sortedRecord<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  return Object.fromEntries([...map].sort(([a], [b]) => compare(a, b)));
}

/** Code-point order, the same on every machine (localeCompare is not). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
