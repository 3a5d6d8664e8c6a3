// Runtime (presentation): the usage synopsis and the --help manual, both laid out from the
// plugin's description in the registry and its option table, so neither is typed twice. Cold
// path: only --help and usage errors come here.

import type { OptionSpec } from './options.js';

const WIDTH = 80;

/** What --help says besides the options: the registry entry's manual. */
export interface Manual {
  readonly name: string;
  readonly version: string;
  readonly summary: string;
  /** Paragraphs: what the plugin checks and how. */
  readonly description: readonly string[];
  /** Why it returns each state. */
  readonly states: Readonly<Record<'ok' | 'warning' | 'critical' | 'unknown', string>>;
  readonly perfdata: readonly { readonly label: string; readonly unit?: string; readonly meaning: string }[];
  /** A sentence and the command it explains. */
  readonly examples: readonly { readonly says: string; readonly command: string }[];
  readonly footer?: readonly string[];
}

/**
 * `Usage: check_x [--url URL | -H HOST [-p PORT]] [-u USER] ... | -h | -V`, wrapped to 80 columns. An
 * option with `excludes` is shown as the alternative to the options it excludes, the repeatable
 * ones with `...`, and -h and -V last, on their own.
 */
export function usageSynopsis(name: string, options: readonly OptionSpec[]): string {
  const shown = options.filter((o) => o.name !== 'help' && o.name !== 'version');
  // Excluded options are shown beside the option that excludes them, not on their own.
  const excluded = new Set(shown.flatMap((o) => o.excludes ?? []));
  const words: string[] = [];
  for (const option of shown) {
    if (excluded.has(option.name)) continue;
    const alternatives = shown.filter((o) => option.excludes?.includes(o.name));
    const [first, ...rest] = alternatives;
    if (first === undefined) words.push(`[${synopsisWord(option)}]${repeatable(option)}`);
    // `[--url URL | -H HOST [-p PORT]]`: the first alternative plain, the rest optional beside it.
    else
      words.push(
        `[${[`${synopsisWord(option)}${repeatable(option)} |`, `${synopsisWord(first)}${repeatable(first)}`, ...rest.map((o) => `[${synopsisWord(o)}]`)].join(' ')}]`,
      );
  }
  words.push('| -h | -V');
  const lines: string[] = [];
  let line = `Usage: ${name}`;
  for (const word of words) {
    if (line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = `   `;
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

function repeatable(option: OptionSpec): string {
  return option.kind === 'list' || option.kind === 'count' ? '...' : '';
}

function synopsisWord(option: OptionSpec): string {
  const flag = option.short === undefined ? `--${option.name}` : `-${option.short}`;
  return option.arg === undefined ? flag : `${flag} ${option.arg}`;
}

export function renderHelp(manual: Manual, options: readonly OptionSpec[]): string {
  const out: string[] = [
    ...wrap(`${manual.name} ${manual.version} - ${manual.summary}`, ''),
    '',
    usageSynopsis(manual.name, options),
    '',
  ];
  for (const paragraph of manual.description) out.push(...wrap(paragraph, ''), '');

  const groups = [...new Set(options.map((o) => o.group))];
  for (const group of groups) {
    out.push(`${group}:`);
    for (const option of options.filter((o) => o.group === group)) {
      out.push(
        `  ${option.short === undefined ? '    ' : `-${option.short}, `}--${option.name}${option.arg === undefined ? '' : `=${option.arg}`}`,
      );
      out.push(...wrap(optionHelp(option), '        '));
    }
    out.push('');
  }

  out.push('States:');
  const codes = { ok: 'OK (0)', warning: 'WARNING (1)', critical: 'CRITICAL (2)', unknown: 'UNKNOWN (3)' } as const;
  for (const key of ['ok', 'warning', 'critical', 'unknown'] as const) {
    out.push(
      ...wrap(`${codes[key]}: ${manual.states[key]}`, '    ').map((l, i) => (i === 0 ? `  ${l.trimStart()}` : l)),
    );
  }
  out.push('', 'Performance data:');
  for (const p of manual.perfdata)
    out.push(
      ...wrap(`${p.label}${p.unit === undefined ? '' : ` (${p.unit})`}: ${p.meaning}`, '    ').map((l, i) =>
        i === 0 ? `  ${l.trimStart()}` : l,
      ),
    );
  out.push('', 'Examples:');
  for (const example of manual.examples) {
    out.push(...wrap(example.says, '  '));
    out.push(`    ${example.command}`, '');
  }
  for (const line of manual.footer ?? []) out.push(...wrap(line, ''));
  return `${out.join('\n').trimEnd()}\n`;
}

/** The option's help as the manual and generated configuration describe it: with its aliases and default. */
export function optionHelp(option: OptionSpec): string {
  const aliases = option.aliases ?? [];
  const also =
    aliases.length === 0
      ? ''
      : ` ${aliases.map((a) => `--${a}`).join(', ')} ${aliases.length === 1 ? 'is an alias' : 'are aliases'}.`;
  return option.default === undefined ? `${option.help}${also}` : `${option.help}${also} Default: ${option.default}.`;
}

function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.trim() !== '' && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent;
    }
    line += line.trim() === '' ? word : ` ${word}`;
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}
