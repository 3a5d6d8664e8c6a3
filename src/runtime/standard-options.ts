// Runtime: the options every plugin has, as the Monitoring Plugins have them (-t, -v, -h, -V,
// --extra-opts), with --format and --timeout-state, and how their values are read.

import { UsageError } from './errors.js';
import type { OptionSpec } from './options.js';
import type { PluginInfo } from './plugin.js';
import { parseState, type State } from './state.js';

export const DEFAULT_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 86_400;

export const STANDARD_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'timeout',
    short: 't',
    kind: 'value',
    arg: 'SECONDS',
    default: String(DEFAULT_TIMEOUT_SECONDS),
    group: 'General',
    help: 'End with --timeout-state after this many seconds, whatever the network does.',
  },
  {
    name: 'timeout-state',
    kind: 'value',
    arg: 'STATE',
    default: 'unknown',
    group: 'General',
    help: 'State to report when the time runs out: ok, warning, critical or unknown.',
  },
  {
    name: 'format',
    kind: 'value',
    arg: 'FORMAT',
    default: 'nagios',
    group: 'General',
    help: 'Output format: nagios (status line and perfdata), json (one object), prometheus (text format), and any the plugin adds; the exit code is the same in every format.',
  },
  {
    name: 'extra-opts',
    kind: 'value',
    arg: '[SECTION][@FILE]',
    group: 'General',
    help: 'Read options from an INI file section (default section: the plugin name; file: MP_CONFIG_FILE or the Monitoring Plugins default places). The command line wins.',
  },
  {
    name: 'verbose',
    short: 'v',
    kind: 'count',
    group: 'General',
    help: 'More output: -v long output, -vv configuration, -vvv protocol trace.',
  },
  { name: 'help', short: 'h', kind: 'flag', group: 'General', help: 'Print this help and exit.' },
  { name: 'version', short: 'V', kind: 'flag', group: 'General', help: 'Print the version and exit.' },
];

/** The plugin's options and the standard ones, with --format naming the formats this plugin has. */
export function allOptions(plugin: Pick<PluginInfo, 'options' | 'formats'>): OptionSpec[] {
  const formats = ['nagios', 'json', 'prometheus', ...plugin.formats].join('|');
  return [...plugin.options, ...STANDARD_OPTIONS.map((o) => (o.name === 'format' ? { ...o, arg: formats } : o))];
}

export function parseTimeout(text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout: '${text}' is not a number of seconds between 0 and ${MAX_TIMEOUT_SECONDS}`);
  }
  return seconds;
}

export function parseStateOption(option: string, text: string): State {
  const state = parseState(text);
  if (state === undefined) throw new UsageError(`--${option}: '${text}' is not one of ok, warning, critical, unknown`);
  return state;
}
