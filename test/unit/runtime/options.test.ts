// The option parser against Node's util.parseArgs, which it replaced on the hot path: for any
// argv made of our options, values, groups, `--` and strays, both read the same values, or both
// refuse it with the same words (the wording the plugins used over parseArgs, kept as the oracle).
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/runtime/errors.js';
import { parseOptions, type OptionSpec } from '../../../src/runtime/options.js';
import { allOptions } from '../../../src/runtime/standard-options.js';
import { entry } from '../../../src/plugins/check_cassandra_backup.js';

const SPECS = allOptions(entry);

/** What the plugins made of util.parseArgs: its values, or its error in the operator's words. */
function oracle(specs: readonly OptionSpec[], argv: readonly string[]): Record<string, (string | boolean)[]> | string {
  const options = Object.fromEntries(
    specs.map((s) => [
      s.name,
      {
        type: s.kind === 'value' || s.kind === 'list' ? ('string' as const) : ('boolean' as const),
        multiple: true,
        ...(s.short === undefined ? {} : { short: s.short }),
      },
    ]),
  );
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return { ...values } as Record<string, (string | boolean)[]>;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    // The words Node quotes, read from where its messages put them (they may hold quotes too).
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      return `unknown option ${/^Unknown option '(.*?)'(?:\. |$)/s.exec(message)?.[1] ?? ''}`;
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      return `unexpected argument '${/^Unexpected argument '(.*)'\. This command/s.exec(message)?.[1] ?? ''}': every value belongs to an option`;
    const spec = specs.find((s) => s.name === /--([a-z][a-z0-9-]*)/.exec(message)?.[1]) as OptionSpec;
    if (spec.kind === 'flag' || spec.kind === 'count') return `--${spec.name} takes no value`;
    if (message.includes('ambiguous'))
      return `--${spec.name} needs a value (${spec.arg ?? 'VALUE'}); write --${spec.name}=VALUE for one that starts with '-'`;
    return `--${spec.name} needs a value (${spec.arg ?? 'VALUE'})`;
  }
}

function ours(specs: readonly OptionSpec[], argv: readonly string[]): Record<string, (string | boolean)[]> | string {
  try {
    const parsed = parseOptions(specs, argv);
    const values: Record<string, (string | boolean)[]> = {};
    for (const spec of specs) {
      if (!parsed.has(spec.name)) continue;
      values[spec.name] =
        spec.kind === 'value' || spec.kind === 'list'
          ? parsed.list(spec.name)
          : Array<boolean>(parsed.count(spec.name)).fill(true);
    }
    return values;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
}

describe('parseOptions', () => {
  it.each<[string[], Record<string, (string | boolean)[]> | string]>([
    [
      ['--url', 'http://x:8778/jolokia', '-t5', '-vvv'],
      { url: ['http://x:8778/jolokia'], timeout: ['5'], verbose: [true, true, true] },
    ],
    [['-vt', '7', '--flush=ks', '--flush', 'ks2.t'], { verbose: [true], timeout: ['7'], flush: ['ks', 'ks2.t'] }],
    [['-t', '-1'], "--timeout needs a value (SECONDS); write --timeout=VALUE for one that starts with '-'"],
    [['--timeout=-1'], { timeout: ['-1'] }],
    [['-t'], '--timeout needs a value (SECONDS)'],
    [['--ssl=yes'], '--ssl takes no value'],
    [['-x'], 'unknown option -x'],
    [['-vx'], 'unknown option -x'],
    [['--hostname=cass1', '--', 'extra'], "unexpected argument 'extra': every value belongs to an option"],
    [['--'], {}],
    [['-'], "unexpected argument '-': every value belongs to an option"],
    [['--pasword=PW'], 'unknown option --pasword'],
  ])('%j', (argv, expected) => {
    expect(ours(SPECS, argv)).toEqual(expected);
    expect(oracle(SPECS, argv)).toEqual(expected);
  });

  it('reads any argv as util.parseArgs does, or refuses it in the same words', () => {
    const words = fc.oneof(
      fc.constantFrom(
        ...SPECS.map((s) => `--${s.name}`),
        ...SPECS.filter((s) => s.short).map((s) => `-${s.short as string}`),
      ),
      fc.constantFrom(
        '--',
        '-',
        '--=x',
        '---x',
        '-vvv',
        '-vt5',
        '-vt',
        '-t5',
        '-t-1',
        '-hV',
        '-Hcass1',
        '--bogus',
        '-z',
        '__proto__',
        '--__proto__',
        '--constructor',
      ),
      fc
        .tuple(fc.constantFrom(...SPECS.map((s) => s.name), 'bogus'), fc.string({ maxLength: 6 }))
        .map(([name, value]) => `--${name}=${value}`),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(words, { maxLength: 8 }), (argv) => {
        expect(ours(SPECS, argv)).toEqual(oracle(SPECS, argv));
      }),
      { numRuns: 3000 },
    );
  });
});
