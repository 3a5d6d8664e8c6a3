// Runtime: the process boundary. A plugin is a definition (options, how to configure, how to
// check); `execute` owns everything around it: --extra-opts, parsing, --help/--version, the
// timeout, turning every failure into a state, and rendering. It returns what to print and the
// exit code, so tests can run a plugin in-process; `main` does the printing and exiting.

import { writeSync } from 'node:fs';
import { CheckError, UsageError } from './errors.js';
import { expandExtraOpts } from './extra-opts.js';
import { parseOptions, type OptionSpec, type ParsedOptions } from './options.js';
import { renderNagios, sanitize, STANDARD_FORMATS, type Renderer } from './output.js';
import { failureReport, reportState, type Report } from './result.js';
import { parseState, UNKNOWN, type ExitCode, type State } from './state.js';

export interface CheckContext {
  readonly verbosity: number;
  /** When the plugin must have answered (ms since the epoch); clients derive their own timeouts from it. */
  readonly deadline: number;
  /** Aborted when the time is up, so pending work can stop early. */
  readonly signal: AbortSignal;
  /** Records a line for -vv (configuration) or -vvv (protocol). */
  debug(level: 2 | 3, line: string): void;
}

export interface PluginDefinition<Config> {
  /** Executable name, e.g. `check_cassandra_backup`; also the default --extra-opts section. */
  readonly name: string;
  /** Status line prefix, e.g. `CASSANDRA BACKUP`. */
  readonly service: string;
  readonly metricPrefix: string;
  readonly version: string;
  /** The plugin's own options; the runtime adds the standard ones. */
  readonly options: readonly OptionSpec[];
  /** Turns options into the check's settings, reading local files if needed; throws UsageError. */
  configure(options: ParsedOptions, env: NodeJS.ProcessEnv): Config;
  /** Lines describing the settings for -vv; must never contain a secret. */
  describe?(config: Config): string[];
  /** Finds out and judges; throws CheckError when it cannot find out. */
  check(config: Config, context: CheckContext): Promise<Report>;
  /** Formats beyond nagios, json and prometheus (e.g. `nodetool`). */
  readonly extraFormats?: Readonly<Record<string, Renderer>>;
  /** JSON facts to print when the check could not find out, so consumers see every key. */
  readonly factsWhenUnknown?: Readonly<Record<string, unknown>>;
  /** The full help text; loaded only when asked for. */
  help(definition: PluginDefinition<Config>, allOptions: readonly OptionSpec[]): string;
  /** The synopsis printed with usage errors. */
  readonly usage: string;
}

export interface Outcome {
  readonly exitCode: ExitCode;
  readonly stdout: string;
  readonly stderr: string;
}

export const DEFAULT_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 86_400;

export const STANDARD_OPTIONS: readonly OptionSpec[] = [
  { name: 'timeout', short: 't', kind: 'value', arg: 'SECONDS', default: String(DEFAULT_TIMEOUT_SECONDS), group: 'General', help: 'End with --timeout-state after this many seconds, whatever the network does.' },
  { name: 'timeout-state', kind: 'value', arg: 'STATE', default: 'unknown', group: 'General', help: 'State to report when the time runs out: ok, warning, critical or unknown.' },
  { name: 'format', kind: 'value', arg: 'FORMAT', default: 'nagios', group: 'General', help: 'Output format: nagios (status line and perfdata), json (one object), prometheus (text format), and any the plugin adds; the exit code is the same in every format.' },
  { name: 'extra-opts', kind: 'value', arg: '[SECTION][@FILE]', group: 'General', help: 'Read options from an INI file section (default section: the plugin name; file: MP_CONFIG_FILE or the Monitoring Plugins default places). The command line wins.' },
  { name: 'verbose', short: 'v', kind: 'count', group: 'General', help: 'More output: -v long output, -vv configuration, -vvv protocol trace.' },
  { name: 'help', short: 'h', kind: 'flag', group: 'General', help: 'Print this help and exit.' },
  { name: 'version', short: 'V', kind: 'flag', group: 'General', help: 'Print the version and exit.' },
];

export async function execute<Config>(
  plugin: PluginDefinition<Config>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  startedAt = Date.now(),
  /** Aborted (with the signal's name as reason) when the monitoring core stops the plugin. */
  stop?: AbortSignal,
): Promise<Outcome> {
  const specs = [...plugin.options, ...STANDARD_OPTIONS];
  const formats: Record<string, Renderer> = { ...STANDARD_FORMATS, ...plugin.extraFormats };
  const debugLines: string[] = [];

  let settings: { config: Config; timeoutSeconds: number; timeoutState: State; render: Renderer; verbosity: number };
  // Known once --format is read: a failure after that is reported in the format asked for.
  let chosenRender: Renderer = renderNagios;
  try {
    const expanded = expandExtraOpts(argv, specs, plugin.name, env);
    const options = parseOptions(specs, expanded.argv);
    if (options.flag('help')) return { exitCode: 3, stdout: plugin.help(plugin, specs), stderr: '' };
    if (options.flag('version')) return { exitCode: 3, stdout: `${plugin.name} ${plugin.version}\n`, stderr: '' };
    const verbosity = options.count('verbose');
    const timeoutSeconds = parseTimeout(options.value('timeout'));
    const timeoutState = parseStateOption('timeout-state', options.value('timeout-state') ?? 'unknown');
    const formatName = options.value('format') ?? 'nagios';
    const render = formats[formatName];
    if (render === undefined) {
      throw new UsageError(`--format: '${formatName}' is not one of ${Object.keys(formats).join(', ')}`);
    }
    chosenRender = render;
    const config = plugin.configure(options, env);
    if (verbosity >= 2) {
      for (const source of expanded.sources) debugLines.push(`extra-opts: read ${source}`);
      debugLines.push(`timeout: ${timeoutSeconds} s, then ${timeoutState.name}`);
      for (const line of plugin.describe?.(config) ?? []) debugLines.push(line);
    }
    settings = { config, timeoutSeconds, timeoutState, render, verbosity };
  } catch (error) {
    if (error instanceof UsageError) return usageOutcome(plugin, error.message);
    // Not the operator's fault: a bug, reported like one found while checking.
    const quiet: CheckContext = { verbosity: 0, deadline: 0, signal: new AbortController().signal, debug: () => undefined };
    const report = failureReport(...judgeFailure(error, UNKNOWN, quiet), plugin.factsWhenUnknown);
    const rendered = chosenRender(report, { service: plugin.service, metricPrefix: plugin.metricPrefix, verbosity: 0, debug: [] });
    return { exitCode: 3, stdout: rendered.stdout, stderr: rendered.stderr ?? '' };
  }

  const { config, timeoutSeconds, timeoutState, render, verbosity } = settings;
  const deadline = startedAt + timeoutSeconds * 1000;
  const abort = new AbortController();
  const context: CheckContext = {
    verbosity,
    deadline,
    signal: abort.signal,
    debug: (level, line) => {
      if (verbosity >= level) debugLines.push(line);
    },
  };

  let report: Report;
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  try {
    const timeUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new CheckError(`no result within the timeout of ${timeoutSeconds} s`, { timedOut: true }));
      }, Math.max(0, deadline - Date.now()));
    });
    // Stopped from outside: UNKNOWN (not --timeout-state), rendered in the format asked for.
    const stopped = new Promise<never>((_, reject) => {
      onStop = () => reject(new CheckError(`stopped by ${String(stop?.reason)}`));
      if (stop?.aborted) onStop();
      else stop?.addEventListener('abort', onStop);
    });
    report = await Promise.race([plugin.check(config, context), timeUp, stopped]);
  } catch (error) {
    report = failureReport(...judgeFailure(error, timeoutState, context), plugin.factsWhenUnknown);
  } finally {
    clearTimeout(timer);
    if (onStop !== undefined) stop?.removeEventListener('abort', onStop);
    abort.abort();
  }

  const rendered = render(report, { service: plugin.service, metricPrefix: plugin.metricPrefix, verbosity, debug: debugLines });
  return { exitCode: reportState(report).code, stdout: rendered.stdout, stderr: rendered.stderr ?? '' };
}

/** The one place where every failure becomes a state and a sentence. */
function judgeFailure(error: unknown, timeoutState: State, context: CheckContext): [State, string] {
  if (error instanceof CheckError) return [error.timedOut ? timeoutState : UNKNOWN, error.message];
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  context.debug(3, error instanceof Error && error.stack !== undefined ? error.stack : text);
  return [UNKNOWN, `internal error: ${text} (run with -vvv for details, and please report it)`];
}

function usageOutcome(plugin: PluginDefinition<unknown>, message: string): Outcome {
  // The core reads a `|` on any line as the start of perfdata: the synopsis's alternatives get `/`.
  const stdout =
    `${plugin.service} UNKNOWN - ${sanitize(message)}\n` +
    `Usage: ${plugin.usage.replace(/\|/g, '/')}\n` +
    `Try '${plugin.name} --help' for more information.\n`;
  return { exitCode: 3, stdout, stderr: '' };
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_SECONDS;
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

/**
 * Runs a plugin as a process: prints, and exits with the state's code. SIGTERM and SIGINT from
 * the monitoring core end it with UNKNOWN and one clean line in the chosen format, never a
 * stack trace.
 */
export function main<Config>(plugin: PluginDefinition<Config>): void {
  // -t counts from the start of the process, as the monitoring core's clock does, not from here.
  const startedAt = Date.now() - Math.round(process.uptime() * 1000);
  const finish = (outcome: Outcome): never => {
    write(1, outcome.stdout);
    write(2, outcome.stderr);
    process.exit(outcome.exitCode);
  };
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      const plain = (): never => finish({ exitCode: 3, stdout: `${plugin.service} UNKNOWN - stopped by ${signal}\n`, stderr: '' });
      // The running check ends at once through `execute`, so JSON stays JSON; a second signal,
      // or an execute that does not end, gets the plain line.
      if (stop.signal.aborted) plain();
      stop.abort(signal);
      setTimeout(plain, 500);
    });
  }
  execute(plugin, process.argv.slice(2), process.env, startedAt, stop.signal).then(finish, (error: unknown) =>
    finish({ exitCode: 3, stdout: `${plugin.service} UNKNOWN - internal error: ${sanitize(String(error))}\n`, stderr: '' }),
  );
}

function write(fd: 1 | 2, text: string): void {
  if (text === '') return;
  const buffer = Buffer.from(text);
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(fd, buffer, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      return; // the reader went away (EPIPE): nobody is left to tell
    }
  }
}
