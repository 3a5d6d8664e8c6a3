// Runtime: command-line options, declared once as data. The same table drives parsing, the help
// text and usage synopsis, and the generated Icinga 2 configuration. The parser is our own few
// lines: no option library is loaded on the hot path (docs/DECISIONS.md D2 has the measurements).

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
  /** Other names for this very option, kept so that existing scripts and configurations go on working. */
  readonly aliases?: readonly string[];
  /** The value when the option is not given: the parser applies it, and the help text shows it. */
  readonly default?: string;
  /** Heading the option is listed under in the help text. */
  readonly group: string;
  /** Options that cannot go with this one: given on the command line, it drops them from --extra-opts. */
  readonly excludes?: readonly string[];
  /**
   * A secret the plugin also reads from this environment variable (or these: one per transport).
   * Generated configuration never puts such an option on a command line (visible in the process
   * list): Icinga 2 passes it there.
   */
  readonly environment?: string | readonly string[];
  /** The value generated Icinga 2 commands give the option when the service sets none, e.g. `$check_address$`. */
  readonly icingaDefault?: string;
}

/**
 * Parsed options, read back through typed accessors. Every occurrence is kept, in order, under the
 * option's own name (an alias is stored as the option it stands for); an option that was not given
 * reads as its default.
 */
export class ParsedOptions {
  constructor(
    private readonly values: ReadonlyMap<string, readonly (string | true)[]>,
    private readonly defaults: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Whether the option was given (a default does not count). */
  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The last value given (a later occurrence, the command line after --extra-opts, wins), else the default. */
  value(name: string): string | undefined {
    return this.list(name).at(-1);
  }

  /** The value of an option that has a default, so there always is one. */
  text(name: string): string {
    const value = this.value(name);
    if (value === undefined) throw new Error(`option --${name} has neither a value nor a default`);
    return value;
  }

  /** Every value given, in order; the default alone when none was. */
  list(name: string): string[] {
    const given = (this.values.get(name) ?? []).filter((v): v is string => typeof v === 'string');
    const fallback = this.defaults.get(name);
    return given.length === 0 && fallback !== undefined ? [fallback] : given;
  }

  flag(name: string): boolean {
    return this.values.has(name);
  }

  count(name: string): number {
    return this.values.get(name)?.length ?? 0;
  }
}

/**
 * Parses argv against the table, the way the Monitoring Plugins' C plugins and POSIX utilities
 * read options: `--name value`, `--name=value`, `-n value`, `-nvalue`, grouped flags (`-vvv`), `--`
 * ends the options. A value that starts with `-` must be attached (`--name=-x`), so a forgotten
 * value is not mistaken for one. Our own parser rather than `util.parseArgs`: the same rules
 * (test/unit/runtime/options.test.ts compares the two), without loading its two modules on every
 * run (docs/DECISIONS.md D2).
 */
export function parseOptions(specs: readonly OptionSpec[], argv: readonly string[]): ParsedOptions {
  const long = new Map(specs.flatMap((s) => [s.name, ...(s.aliases ?? [])].map((name) => [name, s] as const)));
  const short = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short as string, s]));
  const values = new Map<string, (string | true)[]>();
  const store = (spec: OptionSpec, value: string | true): void => {
    const given = values.get(spec.name);
    if (given === undefined) values.set(spec.name, [value]);
    else given.push(value);
  };
  // A value from the next word: there must be one, and it must not look like an option.
  const next = (spec: OptionSpec, i: number): string => {
    const word = argv[i];
    if (word === undefined) throw new UsageError(`--${spec.name} needs a value (${spec.arg ?? 'VALUE'})`);
    if (word.length > 1 && word.startsWith('-'))
      throw new UsageError(
        `--${spec.name} needs a value (${spec.arg ?? 'VALUE'}); write --${spec.name}=VALUE for one that starts with '-'`,
      );
    return word;
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      if (i + 1 < argv.length) throw unexpected(argv[i + 1] as string);
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      // `--=x` names an option `=x`: a name is never empty.
      const equals = arg.indexOf('=', 3);
      const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
      const spec = long.get(name);
      if (spec === undefined) throw new UsageError(`unknown option --${name}`);
      if (!takesValue(spec)) {
        if (equals !== -1) throw new UsageError(`--${spec.name} takes no value`);
        store(spec, true);
      } else store(spec, equals === -1 ? next(spec, ++i) : arg.slice(equals + 1));
    } else if (arg.startsWith('-') && arg.length > 1) {
      // -v, -vvv, -t 5, -t5, -vt5: flags until one that takes a value, which takes the rest.
      for (let c = 1; c < arg.length; c++) {
        const spec = short.get(arg[c] as string);
        if (spec === undefined) throw new UsageError(`unknown option -${arg[c] as string}`);
        if (!takesValue(spec)) {
          store(spec, true);
          continue;
        }
        store(spec, c + 1 < arg.length ? arg.slice(c + 1) : next(spec, ++i));
        break;
      }
    } else throw unexpected(arg);
  }
  return new ParsedOptions(
    values,
    new Map(specs.filter((s) => s.default !== undefined).map((s) => [s.name, s.default as string])),
  );
}

/** The option a name stands for, by its own name or an alias. */
export function findOption(specs: readonly OptionSpec[], name: string): OptionSpec | undefined {
  return specs.find((s) => s.name === name || s.aliases?.includes(name) === true);
}

function takesValue(spec: OptionSpec): boolean {
  return spec.kind === 'value' || spec.kind === 'list';
}

function unexpected(word: string): UsageError {
  return new UsageError(`unexpected argument '${word}': every value belongs to an option`);
}
