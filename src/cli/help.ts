// Command line: the --help text, laid out like a man page from the option table. Cold path:
// only --help calls it.

import type { OptionSpec } from '../runtime/options.js';

export interface HelpText {
  readonly name: string;
  readonly version: string;
  readonly usage: string;
  /** Paragraphs: what the plugin checks. */
  readonly description: readonly string[];
  /** Lines: the states it returns and why. */
  readonly states: readonly string[];
  /** Pairs of a sentence and a command. */
  readonly examples: readonly (readonly [string, string])[];
  readonly footer?: readonly string[];
}

const WIDTH = 80;

export function renderHelp(text: HelpText, options: readonly OptionSpec[]): string {
  const out: string[] = [`${text.name} ${text.version}`, '', `Usage: ${text.usage}`, ''];
  for (const paragraph of text.description) out.push(...wrap(paragraph, WIDTH, ''), '');

  const groups = [...new Set(options.map((o) => o.group))];
  for (const group of groups) {
    out.push(`${group}:`);
    for (const option of options.filter((o) => o.group === group)) {
      const flag = `${option.short === undefined ? '    ' : `-${option.short}, `}--${option.name}${option.arg === undefined ? '' : `=${option.arg}`}`;
      out.push(`  ${flag}`);
      const help = option.default === undefined ? option.help : `${option.help} Default: ${option.default}.`;
      out.push(...wrap(help, WIDTH, '        '));
    }
    out.push('');
  }

  out.push('States:');
  for (const line of text.states) out.push(...wrap(line, WIDTH, '    ').map((l, i) => (i === 0 ? `  ${l.trimStart()}` : l)));
  out.push('');
  out.push('Examples:');
  for (const [sentence, command] of text.examples) {
    out.push(...wrap(sentence, WIDTH, '  '));
    out.push(`    ${command}`, '');
  }
  for (const line of text.footer ?? []) out.push(...wrap(line, WIDTH, ''));
  return `${out.join('\n').trimEnd()}\n`;
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.trim() !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
    }
    line += line.trim() === '' ? word : ` ${word}`;
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}
