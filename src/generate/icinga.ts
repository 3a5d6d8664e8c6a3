// Generated from the registry: icinga-commands.conf, one Icinga 2 CheckCommand per plugin. Every
// option gets a custom variable `<command>_<option>` with the option's own help as description;
// an option excluded by another is passed only when that one is not set; a secret goes through
// the environment, never on the command line; -v, -vv, -vvv come from one number, as the ITL's
// contributed commands do it.

import { optionHelp } from '../runtime/help.js';
import type { OptionSpec } from '../runtime/options.js';
import { allOptions } from '../runtime/standard-options.js';
import type { PluginEntry } from '../plugins/entry.js';

const HEADER = `/*
 * Icinga 2 CheckCommands for the Cassandra monitoring plugins.
 * Generated from the plugin registry (src/plugins/) by \`npm run generate\`: do not edit.
 *
 * Install the plugins where PluginContribDir points (Debian: /usr/lib/nagios/plugins), or change
 * the command paths below. Include this file after the ITL's <itl> and <plugins> (the stock
 * icinga2.conf does): the commands import its "ipv4-or-ipv6" template for $check_address$.
 * Variables follow the ITL convention <command>_<option>; every plugin option has one. The
 * verbosity is a number: <command>_verbose = 1, 2 or 3 passes -v, -vv or -vvv.
 * By default a check asks the host's address ($check_address$) on the agent's default port; set
 * <command>_url for a whole URL instead, or _hostname / _port / _path / _ssl in pieces.
 * The password never goes on the command line: set <command>_password and it reaches the plugin
 * through the environment, or use <command>_password_file / <command>_extra_opts.
 */
`;

/** Options Icinga 2 has no use for: they make the plugin print its manual and exit. */
export const NOT_FOR_ICINGA = new Set(['help', 'version']);

export function icingaCommands(plugins: readonly PluginEntry[]): string {
  return `${HEADER}${plugins.map(checkCommand).join('')}`;
}

/**
 * An alias keeps its own variable (`<command>_expect` beside `<command>_expect_backup`), so the
 * services of existing configurations keep working; the option's own name comes later and wins.
 */
function withAliases(options: readonly OptionSpec[]): OptionSpec[] {
  return options.flatMap((o) => [
    o,
    ...(o.aliases ?? []).map(
      (alias): OptionSpec => ({
        ...o,
        name: alias,
        aliases: [],
        help: `Alias of --${o.name}, kept for existing configurations.`,
      }),
    ),
  ]);
}

/** The options a CheckCommand has an argument for, each alias one of its own. */
export function icingaOptions(plugin: PluginEntry): OptionSpec[] {
  return withAliases(allOptions(plugin).filter((o) => !NOT_FOR_ICINGA.has(o.name)));
}

/** The custom variable that carries an option: `<command>_<option>`, as the ITL names them. */
export function icingaVariable(plugin: Pick<PluginEntry, 'icingaCommand'>, option: Pick<OptionSpec, 'name'>): string {
  return `${plugin.icingaCommand}_${option.name.replace(/-/g, '_')}`;
}

function checkCommand(plugin: PluginEntry): string {
  const options = icingaOptions(plugin);
  const variable = (option: OptionSpec): string => icingaVariable(plugin, option);
  const excluders = (option: OptionSpec): OptionSpec[] =>
    options.filter((o) => o.excludes?.includes(option.name) && o.environment === undefined);
  const args = options
    .filter((o) => o.environment === undefined)
    .flatMap((option) => argument(option, variable, excluders(option)));
  const env = options
    .filter((o) => o.environment !== undefined)
    .flatMap((o) => [o.environment ?? []].flat().map((name) => `    ${quote(name)} = "$${variable(o)}$"\n`));
  const defaults = options
    .filter((o) => o.icingaDefault !== undefined)
    .map((o) => `  vars.${variable(o)} = ${quote(o.icingaDefault as string)}\n`);
  return [
    `\nobject CheckCommand ${quote(plugin.icingaCommand)} {\n`,
    '  import "ipv4-or-ipv6"\n\n',
    `  command = [ PluginContribDir + ${quote(`/${plugin.name}`)} ]\n\n`,
    `  arguments = {\n${args.join('')}  }\n`,
    env.length > 0 ? `\n  env = {\n${env.join('')}  }\n` : '',
    defaults.length > 0 ? `\n${defaults.join('')}` : '',
    '}\n',
  ].join('');
}

function argument(
  option: OptionSpec,
  variable: (o: OptionSpec) => string,
  excludedBy: readonly OptionSpec[],
): string[] {
  const name = variable(option);
  const description = `      description = ${quote(describe(option))}\n`;
  // Passed only when none of the options that exclude it is set (e.g. --hostname without --url).
  const unexcluded = excludedBy.map((o) => `macro("$${variable(o)}$") == ""`);
  if (option.kind === 'count') {
    const flag = option.short ?? option.name;
    return [1, 2, 3].map(
      (level) =>
        `    ${quote(`-${flag.repeat(level)}`)} = {\n      set_if = {{ number(macro("$${name}$")) == ${level} }}\n${level === 1 ? description : ''}    }\n`,
    );
  }
  const lines = [`    ${quote(`--${option.name}`)} = {\n`];
  if (option.kind === 'flag') {
    lines.push(
      unexcluded.length === 0
        ? `      set_if = "$${name}$"\n`
        : `      set_if = {{ macro("$${name}$") && ${unexcluded.join(' && ')} }}\n`,
    );
  } else {
    lines.push(`      value = "$${name}$"\n`);
    if (unexcluded.length > 0) lines.push(`      set_if = {{ ${unexcluded.join(' && ')} }}\n`);
    if (option.kind === 'list') lines.push('      repeat_key = true\n');
  }
  lines.push(description, '    }\n');
  return [lines.join('')];
}

/** The option's help, with the default a service gets here, and how a count is set. */
export function describe(option: OptionSpec): string {
  if (option.icingaDefault !== undefined) return `${option.help} Default: ${option.icingaDefault}.`;
  if (option.help.startsWith('Alias of ')) return option.help;
  const flag = option.short ?? option.name;
  if (option.kind === 'count')
    return `${option.help} A number: 1 (-${flag}), 2 (-${flag.repeat(2)}) or 3 (-${flag.repeat(3)}).`;
  return optionHelp(option);
}

/** An Icinga 2 string literal. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
