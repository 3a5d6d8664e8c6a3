// Runtime: around the check. A plugin is what the registry says of it (PluginInfo: names,
// options, manual) and a check (how options become settings, how it finds out). `execute` owns
// everything around the check: --extra-opts, parsing, --help/--version, the timeout, turning every
// failure into a state, and rendering. It returns what to print and the exit code, so tests can
// run a plugin in-process; `main` (main.ts) does the printing and exiting.

import { setMaxListeners } from 'node:events';
import { CheckError, UsageError } from './errors.js';
import { expandExtraOpts, wantsExtraOpts } from './extra-opts.js';
import type { Manual } from './help.js';
import { parseOptions, type OptionSpec, type ParsedOptions } from './options.js';
import { renderNagios, sanitize, STANDARD_FORMATS, type Renderer } from './output.js';
import { failureReport, reportState, type Report } from './result.js';
import { allOptions, parseStateOption, parseTimeout } from './standard-options.js';
import { UNKNOWN, type ExitCode, type State } from './state.js';
import { VERSION } from '../version.js';

export interface CheckContext {
  readonly verbosity: number;
  /** When the plugin must have answered (ms since the epoch); clients derive their own timeouts from it. */
  readonly deadline: number;
  /** Aborted when the time is up, so pending work can stop early. */
  readonly signal: AbortSignal;
  /** Records a line for -vv (configuration) or -vvv (protocol). */
  debug(level: 2 | 3, line: string): void;
}

/**
 * A check, in the three stages every plugin shares (as nagiosplugin's Resource, Context and
 * Summary): `read` gets the facts through a source (src/cassandra/), `judge` turns them into a
 * Report without any I/O (src/checks/), and the runtime renders it.
 */
export interface Check<Settings, Facts> {
  /**
   * Turns options (defaults already applied from the registry entry) into the check's settings,
   * reading local files if needed; throws UsageError. `plugin` is the entry's name.
   */
  configure(options: ParsedOptions, env: NodeJS.ProcessEnv, plugin: string): Settings;
  /** Lines describing the settings for -vv; must never contain a secret. */
  describe?(settings: Settings): string[];
  /** Things the operator should fix in the settings (a password file others can read), shown in the long output. */
  warnings?(settings: Settings): readonly string[];
  /** Finds out: the facts the judge needs. Throws CheckError when it cannot find out at all. */
  read(settings: Settings, context: CheckContext): Promise<Facts>;
  /** Judges the facts: pure, no I/O. `nowMs` is when they were judged, for ages. */
  judge(facts: Facts, settings: Settings, nowMs: number): Report;
  /** Renderers of the formats the registry entry names beyond nagios, json and prometheus. */
  readonly formats?: Readonly<Record<string, Renderer>>;
  /** JSON facts to print when the check could not find out, so consumers see every key. */
  readonly factsWhenUnknown?: Readonly<Record<string, unknown>>;
  /** What the operator can do about a failure, in terms of this plugin's options (e.g. "give --ca-file"). */
  hint?(error: unknown): string | undefined;
}

/** What the runtime needs of a registry entry: plain data, and where its check is. */
export interface PluginInfo extends Omit<Manual, 'version'> {
  /** Status line prefix, e.g. `CASSANDRA BACKUP`. */
  readonly service: string;
  /** Prefix of the Prometheus metrics the runtime adds (`<prefix>_check_state`, `<prefix>_<kind>_state`). */
  readonly metricPrefix: string;
  /** The plugin's own options; the runtime adds the standard ones. */
  readonly options: readonly OptionSpec[];
  /** Output formats beyond nagios, json and prometheus (their renderers are the check's). */
  readonly formats: readonly string[];
  /** What the plugin checks, and how. */
  // biome-ignore lint/suspicious/noExplicitAny: each entry has its own settings and facts, which the runtime only passes from one stage to the next
  readonly check: Check<any, any>;
}

export interface Outcome {
  readonly exitCode: ExitCode;
  readonly stdout: string;
  readonly stderr: string;
}

interface Prepared<Settings> {
  readonly check: Check<Settings, unknown>;
  readonly settings: Settings;
  readonly timeoutSeconds: number;
  readonly timeoutState: State;
  readonly render: Renderer;
  readonly verbosity: number;
}

export async function execute(
  plugin: PluginInfo,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  startedAt = Date.now(),
  /** Aborted (with the signal's name as reason) when the monitoring core stops the plugin. */
  stop?: AbortSignal,
): Promise<Outcome> {
  const debugLines: string[] = [];
  const prepared = await prepare(plugin, argv, env, debugLines);
  if ('exitCode' in prepared) return prepared;
  const { check, render, verbosity, timeoutState } = prepared;
  const report = await guard(prepared, startedAt, debugLines, stop).catch((error: unknown) =>
    failure(check, error, timeoutState, verbosity, debugLines),
  );
  const rendered = render(report, {
    service: plugin.service,
    metricPrefix: plugin.metricPrefix,
    verbosity,
    debug: debugLines,
  });
  return { exitCode: reportState(report).code, stdout: rendered.stdout, stderr: rendered.stderr ?? '' };
}

/** Options to settings; or what to print instead (--help, --version, a usage error). */
async function prepare(
  plugin: PluginInfo,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  debugLines: string[],
): Promise<Prepared<unknown> | Outcome> {
  const specs = allOptions(plugin);
  // Known once --format is read: a failure after that is reported in the format asked for.
  let render: Renderer = renderNagios;
  const { check } = plugin;
  try {
    const expanded = wantsExtraOpts(argv) ? expandExtraOpts(argv, specs, plugin.name, env) : { argv, sources: [] };
    const options = parseOptions(specs, expanded.argv);
    if (options.flag('help')) return { exitCode: 3, stdout: await helpText(plugin, specs), stderr: '' };
    if (options.flag('version')) return { exitCode: 3, stdout: `${plugin.name} ${VERSION}\n`, stderr: '' };
    const verbosity = options.count('verbose');
    const timeoutSeconds = parseTimeout(options.text('timeout'));
    const timeoutState = parseStateOption('timeout-state', options.text('timeout-state'));
    const formatName = options.text('format');
    if (!(formatName in STANDARD_FORMATS) && !plugin.formats.includes(formatName)) {
      throw new UsageError(
        `--format: '${formatName}' is not one of ${['nagios', 'json', 'prometheus', ...plugin.formats].join(', ')}`,
      );
    }
    render = STANDARD_FORMATS[formatName as keyof typeof STANDARD_FORMATS] ?? (check.formats?.[formatName] as Renderer);
    const settings = check.configure(options, env, plugin.name);
    if (verbosity >= 2) {
      for (const source of expanded.sources) debugLines.push(`extra-opts: read ${source}`);
      debugLines.push(`timeout: ${timeoutSeconds} s, then ${timeoutState.name}`);
      debugLines.push(...(check.describe?.(settings) ?? []));
    }
    return { check, settings, timeoutSeconds, timeoutState, render, verbosity };
  } catch (error) {
    if (error instanceof UsageError) return usageOutcome(plugin, specs, error.message);
    // Not the operator's fault: a bug, reported like one found while checking.
    const report = failure(check, error, UNKNOWN, 0, []);
    const rendered = render(report, {
      service: plugin.service,
      metricPrefix: plugin.metricPrefix,
      verbosity: 0,
      debug: [],
    });
    return { exitCode: 3, stdout: rendered.stdout, stderr: rendered.stderr ?? '' };
  }
}

/** Runs the check against the clock and the monitoring core's signals: whichever ends first wins. */
async function guard(
  prepared: Prepared<unknown>,
  startedAt: number,
  debugLines: string[],
  stop: AbortSignal | undefined,
): Promise<Report> {
  const { check, settings, timeoutSeconds, verbosity } = prepared;
  const deadline = startedAt + timeoutSeconds * 1000;
  const abort = new AbortController();
  // Every request in flight listens to it: a cluster check has hundreds at once.
  setMaxListeners(0, abort.signal);
  const context: CheckContext = {
    verbosity,
    deadline,
    signal: abort.signal,
    debug: (level, line) => {
      if (verbosity >= level) debugLines.push(line);
    },
  };
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  try {
    const timeUp = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          abort.abort();
          reject(new CheckError(`no result within the timeout of ${timeoutSeconds} s`, { timedOut: true }));
        },
        Math.max(0, deadline - Date.now()),
      );
    });
    // Stopped from outside: UNKNOWN (not --timeout-state), rendered in the format asked for.
    const stopped = new Promise<never>((_, reject) => {
      onStop = () => reject(new CheckError(`stopped by ${String(stop?.reason)}`));
      if (stop?.aborted) onStop();
      else stop?.addEventListener('abort', onStop);
    });
    return await Promise.race([run(check, settings, context), timeUp, stopped]);
  } finally {
    clearTimeout(timer);
    if (onStop !== undefined) stop?.removeEventListener('abort', onStop);
    abort.abort();
  }
}

/** Read, then judge; the settings' warnings close the long output, the same in every plugin. */
async function run<Settings>(
  check: Check<Settings, unknown>,
  settings: Settings,
  context: CheckContext,
): Promise<Report> {
  const facts = await check.read(settings, context);
  const report = check.judge(facts, settings, Date.now());
  const warnings = check.warnings?.(settings) ?? [];
  return warnings.length === 0
    ? report
    : { ...report, details: [...report.details, ...warnings.map((w) => `warning: ${w}`)] };
}

/**
 * The one place where every failure becomes a state and a sentence: a CheckError is UNKNOWN (or
 * --timeout-state when time ran out) with its message and the check's hint; anything else is a
 * bug, with its stack at -vvv.
 */
function failure(
  check: Check<unknown, unknown>,
  error: unknown,
  timeoutState: State,
  verbosity: number,
  debugLines: string[],
): Report {
  const facts = check.factsWhenUnknown;
  if (error instanceof CheckError) {
    const hint = check.hint?.(error);
    return failureReport(
      error.timedOut ? timeoutState : UNKNOWN,
      hint === undefined ? error.message : `${error.message}: ${hint}`,
      facts,
    );
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (verbosity >= 3) debugLines.push(error instanceof Error && error.stack !== undefined ? error.stack : text);
  return failureReport(UNKNOWN, `internal error: ${text} (run with -vvv for details, and please report it)`, facts);
}

async function usageOutcome(plugin: PluginInfo, specs: readonly OptionSpec[], message: string): Promise<Outcome> {
  const { usageSynopsis } = await import('./help.js');
  // The core reads a `|` on any line as the start of perfdata: the synopsis's alternatives get `/`.
  const usage = usageSynopsis(plugin.name, specs).replace(/\|/g, '/');
  return {
    exitCode: 3,
    stdout: `${plugin.service} UNKNOWN - ${sanitize(message)}\n${usage}\nTry '${plugin.name} --help' for more information.\n`,
    stderr: '',
  };
}

async function helpText(plugin: PluginInfo, specs: readonly OptionSpec[]): Promise<string> {
  const { renderHelp } = await import('./help.js');
  return renderHelp({ ...plugin, version: VERSION }, specs);
}
