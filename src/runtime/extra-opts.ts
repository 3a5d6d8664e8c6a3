// Runtime: `--extra-opts=[section][@file]`, the Monitoring Plugins way to keep options such as
// passwords out of the process list and out of monitoring configuration. The INI options are
// defaults: one the command line also gives (or excludes, as --url excludes --hostname) is
// dropped, so the command line wins.

import { accessSync, constants } from 'node:fs';
import { UsageError } from './errors.js';
import { readOptionFile } from './files.js';
import { findOption, parseOptions, type OptionSpec } from './options.js';

/** Where the Monitoring Plugins look when no file is named, in this order. */
export const DEFAULT_INI_FILES = [
  '/usr/local/etc/monitoring-plugins/monitoring-plugins.ini',
  '/etc/monitoring-plugins/monitoring-plugins.ini',
  '/etc/monitoring-plugins.ini',
  '/usr/local/etc/nagios/plugins.ini',
  '/usr/local/etc/nagios/nagios-plugins.ini',
  '/etc/nagios/plugins.ini',
  '/etc/nagios/nagios-plugins.ini',
  '/etc/nagios-plugins.ini',
];

const OPTION_NAME = 'extra-opts';

/** Whether argv asks for `--extra-opts` at all: the plugins' usual command lines do not. */
export function wantsExtraOpts(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === `--${OPTION_NAME}` || arg.startsWith(`--${OPTION_NAME}=`));
}

/**
 * Expands every `--extra-opts[=section][@file]` in argv into the options its INI section holds.
 * Returns the new argv and the files that were read (for -vv).
 */
export function expandExtraOpts(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  pluginName: string,
  env: NodeJS.ProcessEnv,
): { argv: string[]; sources: string[] } {
  const fromIni: { key: string; args: string[] }[] = [];
  const rest: string[] = [];
  const sources: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    let spec: string | undefined;
    if (arg === `--${OPTION_NAME}`) {
      // The value is optional: take the next word only when it is not an option itself.
      const next = argv[i + 1];
      spec = '';
      if (next !== undefined && !next.startsWith('-')) {
        spec = next;
        i++;
      }
    } else if (arg.startsWith(`--${OPTION_NAME}=`)) {
      spec = arg.slice(OPTION_NAME.length + 3);
    }
    if (spec === undefined) {
      rest.push(arg);
      continue;
    }
    const { section, file } = locate(spec, pluginName, env);
    sources.push(`[${section}]@${file}`);
    for (const [key, value] of readSection(file, section))
      fromIni.push({ key: findOption(specs, key)?.name ?? key, args: toArguments(key, value, specs, file, section) });
  }
  // Which options the command line gives, read by the parser itself (its errors are the command
  // line's own, and would be raised by the next parse anyway).
  const given = parseOptions(specs, rest);
  const overridden = (key: string): boolean =>
    given.has(key) ||
    specs.some(
      (s) => given.has(s.name) && (s.excludes?.includes(key) === true || excludesOf(specs, key).includes(s.name)),
    );
  const defaults = fromIni.filter((entry) => !overridden(entry.key)).flatMap((entry) => entry.args);
  return { argv: [...defaults, ...rest], sources };
}

function excludesOf(specs: readonly OptionSpec[], name: string): readonly string[] {
  return specs.find((s) => s.name === name)?.excludes ?? [];
}

function locate(spec: string, pluginName: string, env: NodeJS.ProcessEnv): { section: string; file: string } {
  const at = spec.indexOf('@');
  const section = (at === -1 ? spec : spec.slice(0, at)).trim() || pluginName;
  const named = at === -1 ? '' : spec.slice(at + 1).trim();
  if (named !== '') return { section, file: named };
  const fromEnv = env['MP_CONFIG_FILE'];
  if (fromEnv !== undefined && fromEnv !== '') return { section, file: fromEnv };
  for (const candidate of DEFAULT_INI_FILES) {
    try {
      accessSync(candidate, constants.R_OK);
      return { section, file: candidate };
    } catch {
      // not there or not readable: try the next place
    }
  }
  throw new UsageError(
    `--extra-opts: no file named and none found (MP_CONFIG_FILE is not set; looked in ${DEFAULT_INI_FILES[0]} and ${DEFAULT_INI_FILES.length - 1} other places)`,
  );
}

/** The key=value pairs of one section, in file order; repeated keys are kept. */
export function readSection(file: string, section: string): [string, string][] {
  const text = readOptionFile('--extra-opts', file);
  const pairs = parseIniSection(text, section);
  if (pairs === undefined) throw new UsageError(`--extra-opts: ${file} has no section [${section}]`);
  return pairs;
}

/** Returns undefined when the section does not exist (an empty section is a valid, empty answer). */
export function parseIniSection(text: string, section: string): [string, string][] | undefined {
  let current: string | undefined;
  let found = false;
  const pairs: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      current = line.slice(1, -1).trim();
      if (current === section) found = true;
      continue;
    }
    if (current !== section) continue;
    const eq = line.indexOf('=');
    const key = (eq === -1 ? line : line.slice(0, eq)).trim();
    let value = eq === -1 ? '' : line.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    pairs.push([key, value]);
  }
  return found ? pairs : undefined;
}

const TRUE_WORDS = ['', 'true', 'yes', 'on', '1'];
const FALSE_WORDS = ['false', 'no', 'off', '0'];

function toArguments(
  key: string,
  value: string,
  specs: readonly OptionSpec[],
  file: string,
  section: string,
): string[] {
  const spec = findOption(specs, key);
  if (spec === undefined || spec.name === OPTION_NAME) {
    throw new UsageError(`--extra-opts: unknown option '${key}' in [${section}] of ${file}`);
  }
  if (spec.kind === 'flag' || spec.kind === 'count') {
    const word = value.toLowerCase();
    if (TRUE_WORDS.includes(word)) return [`--${spec.name}`];
    if (FALSE_WORDS.includes(word)) return [];
    throw new UsageError(
      `--extra-opts: '${key}' in [${section}] of ${file} is a flag: write '${key}=' (or true/false)`,
    );
  }
  return [`--${spec.name}=${value}`];
}
