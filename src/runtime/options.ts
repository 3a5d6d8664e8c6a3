// Runtime: command-line options, declared once as data. The same table drives parsing, the help
// text and usage synopsis, and the generated Icinga 2 configuration. Parsing uses Node's own
// `util.parseArgs`: it is already in the binary, so the hot path loads no option library at all
// (docs/DECISIONS.md has the measurements).

import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  /** Long name, without dashes. */
  readonly name: string;
  readonly short?: string;
  /** flag: on/off; count: repeatable flag (-vvv); value: one value, the last wins; list: repeatable value. */
  readonly kind: 'flag' | 'count' | 'value' | 'list';
  /** Placeholder in the help text, e.g. `SECONDS`. */
  readonly arg?: string;
  readonly help: string;
  /** Shown in the help text; the plugin applies it. */
  readonly default?: string;
  /** Heading the option is listed under in the help text. */
  readonly group: string;
  /** Options that cannot go with this one: given on the command line, it drops them from --extra-opts. */
  readonly excludes?: readonly string[];
  /**
   * A secret the plugin also reads from this environment variable. Generated configuration never
   * puts such an option on a command line (visible in the process list): Icinga 2 passes it there.
   */
  readonly environment?: string;
  /** The value generated Icinga 2 commands give the option when the service sets none, e.g. `$check_address$`. */
  readonly icingaDefault?: string;
}

export type OptionValue = string | boolean | (string | boolean)[] | undefined;

/** Parsed options, read back through typed accessors. */
export class ParsedOptions {
  constructor(private readonly values: Readonly<Record<string, OptionValue>>) {}

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  value(name: string): string | undefined {
    const v = this.values[name];
    if (Array.isArray(v)) return lastString(v);
    return typeof v === 'string' ? v : undefined;
  }

  list(name: string): string[] {
    const v = this.values[name];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
  }

  flag(name: string): boolean {
    const v = this.values[name];
    return Array.isArray(v) ? v.length > 0 : v === true;
  }

  count(name: string): number {
    const v = this.values[name];
    if (Array.isArray(v)) return v.length;
    return v === true ? 1 : 0;
  }
}

function lastString(values: (string | boolean)[]): string | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/**
 * Parses argv against the table. Options that take a value are collected as lists so that a
 * later occurrence (the command line after `--extra-opts`) wins over an earlier one.
 */
export function parseOptions(specs: readonly OptionSpec[], argv: readonly string[]): ParsedOptions {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple: true }> = {};
  for (const spec of specs) {
    config[spec.name] = {
      type: spec.kind === 'value' || spec.kind === 'list' ? 'string' : 'boolean',
      multiple: true,
      ...(spec.short === undefined ? {} : { short: spec.short }),
    };
  }
  try {
    const { values } = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: false });
    return new ParsedOptions(values as Record<string, OptionValue>);
  } catch (error) {
    throw new UsageError(describeParseError(error, specs));
  }
}

/** Node's messages mention its own API; say it in the operator's terms instead. */
function describeParseError(error: unknown, specs: readonly OptionSpec[]): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}': every value belongs to an option`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const long = /--([a-z][a-z0-9-]*)/.exec(message)?.[1];
      const spec = specs.find((s) => s.name === long);
      if (spec === undefined) return message.split('\n')[0] ?? message;
      if (spec.kind === 'flag' || spec.kind === 'count') return `--${spec.name} takes no value`;
      if (message.includes('ambiguous')) {
        return `--${spec.name} needs a value (${spec.arg ?? 'VALUE'}); write --${spec.name}=VALUE for one that starts with '-'`;
      }
      return `--${spec.name} needs a value (${spec.arg ?? 'VALUE'})`;
    }
    default:
      return message.split('\n')[0] ?? message;
  }
}
