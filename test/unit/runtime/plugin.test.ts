// The runtime's process boundary, run in-process: the timeout guard and the one place where
// every failure becomes a state.
import { describe, expect, it } from 'vitest';
import { CheckError, UsageError } from '../../../src/runtime/errors.js';
import { execute, type Check, type PluginInfo } from '../../../src/runtime/plugin.js';
import type { Report } from '../../../src/runtime/result.js';
import { OK } from '../../../src/runtime/state.js';
import { VERSION } from '../../../src/version.js';

type TestCheck = Check<{ n: number }, Report>;

/** A check whose reader finds a ready report and whose judge passes it on. */
function checkOf(read: () => Promise<Report>, extra: Partial<TestCheck> = {}): TestCheck {
  return {
    configure(options) {
      const n = Number(options.text('number'));
      if (!Number.isInteger(n)) throw new UsageError('--number: not an integer');
      return { n };
    },
    read,
    judge: (facts) => facts,
    hint: (error) => (error instanceof CheckError && error.message.includes('refused') ? 'start the agent' : undefined),
    ...extra,
  };
}

function plugin(run: () => Promise<Report>, extra: Partial<TestCheck> = {}): PluginInfo {
  return {
    name: 'check_test',
    summary: "a plugin for the runtime's tests",
    service: 'TEST',
    metricPrefix: 'test',
    options: [
      {
        name: 'number',
        short: 'n',
        aliases: ['count'],
        kind: 'value',
        arg: 'N',
        default: '1',
        group: 'Test',
        help: 'a number',
      },
    ],
    formats: [],
    description: ['Checks nothing.'],
    states: { ok: 'fine', warning: 'never', critical: 'never', unknown: 'could not find out' },
    perfdata: [],
    examples: [{ says: 'Run it:', command: 'check_test -n 2' }],
    check: checkOf(run, extra),
  };
}

const ok = async (): Promise<Report> => ({
  results: [{ state: OK, summary: 'fine' }],
  perfdata: [],
  details: [],
  facts: {},
  metrics: [],
});

describe('execute', () => {
  it('renders the report and exits with its state', async () => {
    expect(await execute(plugin(ok), [], {})).toEqual({ exitCode: 0, stdout: 'TEST OK - fine\n', stderr: '' });
  });

  it('a check that never ends is cut at the timeout with --timeout-state', async () => {
    const started = Date.now();
    const outcome = await execute(
      plugin(() => new Promise<Report>(() => undefined)),
      ['-t', '0.3', '--timeout-state', 'warning'],
      {},
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(outcome).toEqual({
      exitCode: 1,
      stdout: 'TEST WARNING - no result within the timeout of 0.3 s\n',
      stderr: '',
    });
  });

  it('a CheckError is UNKNOWN with its sentence', async () => {
    const outcome = await execute(
      plugin(() => Promise.reject(new CheckError('agent said no'))),
      [],
      {},
    );
    expect(outcome).toEqual({ exitCode: 3, stdout: 'TEST UNKNOWN - agent said no\n', stderr: '' });
  });

  it("the check's hint says what to change, after the sentence", async () => {
    const outcome = await execute(
      plugin(() => Promise.reject(new CheckError('connection refused'))),
      [],
      {},
    );
    expect(outcome.stdout).toBe('TEST UNKNOWN - connection refused: start the agent\n');
  });

  it('a bug is UNKNOWN too, with the stack only at -vvv', async () => {
    const bug = () => Promise.reject(new TypeError('x is undefined'));
    const quiet = await execute(plugin(bug), [], {});
    expect(quiet.exitCode).toBe(3);
    expect(quiet.stdout).toBe(
      'TEST UNKNOWN - internal error: TypeError: x is undefined (run with -vvv for details, and please report it)\n',
    );
    const loud = await execute(plugin(bug), ['-vvv'], {});
    expect(loud.stdout).toMatch(/\nTypeError: x is undefined at /);
  });

  it('a usage error prints the usage and exits 3', async () => {
    const outcome = await execute(plugin(ok), ['-n', 'x'], {});
    expect(outcome.exitCode).toBe(3);
    expect(outcome.stdout).toBe(
      "TEST UNKNOWN - --number: not an integer\nUsage: check_test [-n N] [-t SECONDS] [--timeout-state STATE]\n    [--format nagios/json/prometheus] [--extra-opts [SECTION][@FILE]] [-v]...\n    / -h / -V\nTry 'check_test --help' for more information.\n",
    );
  });

  it('--help and --version exit 3, as the C plugins do; the help is laid out from the registry entry', async () => {
    const help = await execute(plugin(ok), ['--help'], {});
    expect(help.exitCode).toBe(3);
    expect(help.stdout.split('\n').slice(0, 6)).toEqual([
      `check_test ${VERSION} - a plugin for the runtime's tests`,
      '',
      'Usage: check_test [-n N] [-t SECONDS] [--timeout-state STATE]',
      '    [--format nagios|json|prometheus] [--extra-opts [SECTION][@FILE]] [-v]...',
      '    | -h | -V',
      '',
    ]);
    for (const text of [
      'Test:',
      '  -n, --number=N',
      'States:',
      '  OK (0): fine',
      '  UNKNOWN (3): could not find out',
      'Examples:',
      '    check_test -n 2',
    ]) {
      expect(help.stdout.split('\n')).toContain(text);
    }
    expect(await execute(plugin(ok), ['-V'], {})).toEqual({
      exitCode: 3,
      stdout: `check_test ${VERSION}\n`,
      stderr: '',
    });
  });

  it('a bug while configuring is reported in the format asked for', async () => {
    const broken = plugin(ok, {
      configure: () => {
        throw new TypeError('boom');
      },
    });
    const outcome = await execute(broken, ['--format', 'json'], {});
    expect(outcome.exitCode).toBe(3);
    expect(JSON.parse(outcome.stdout)).toMatchObject({
      state: 'UNKNOWN',
      exit_code: 3,
      message: expect.stringContaining('internal error: TypeError: boom'),
    });
  });

  it("read, then judge: the judge gets the facts, the settings and the time; the settings' warnings close the long output", async () => {
    const seen: unknown[] = [];
    const check = plugin(ok, {
      read: async (settings) => ({
        results: [{ state: OK, summary: `read ${settings.n}` }],
        perfdata: [],
        details: ['a detail'],
        facts: {},
        metrics: [],
      }),
      judge: (facts, settings, nowMs) => {
        seen.push(settings.n, typeof nowMs);
        return { ...facts, details: [...facts.details, 'judged'] };
      },
      warnings: (settings) => [`n is ${settings.n}`],
    });
    const outcome = await execute(check, ['-v', '-n', '4'], {});
    expect(outcome.stdout).toBe('TEST OK - read 4\na detail\njudged\nwarning: n is 4\n');
    expect(seen).toEqual([4, 'number']);
  });

  it('an option not given reads as its default; an alias is the option itself, and the last one given wins', async () => {
    const judgeN = plugin(ok, {
      judge: (_facts, settings) => ({
        results: [{ state: OK, summary: `n=${settings.n}` }],
        perfdata: [],
        details: [],
        facts: {},
        metrics: [],
      }),
    });
    expect((await execute(judgeN, [], {})).stdout).toBe('TEST OK - n=1\n');
    expect((await execute(judgeN, ['--count', '5'], {})).stdout).toBe('TEST OK - n=5\n');
    expect((await execute(judgeN, ['--count', '5', '--number', '6'], {})).stdout).toBe('TEST OK - n=6\n');
    expect((await execute(judgeN, ['-n', '2', '--count=3'], {})).stdout).toBe('TEST OK - n=3\n');
  });

  it("--help names an option's aliases and its default", async () => {
    const help = (await execute(plugin(ok), ['--help'], {})).stdout;
    expect(help).toContain('a number --count is an alias. Default: 1.');
  });

  it('-vv describes the settings', async () => {
    const outcome = await execute(plugin(ok), ['-vv', '-t', '7'], {});
    expect(outcome.stdout).toBe('TEST OK - fine\ntimeout: 7 s, then UNKNOWN\n');
  });
});
