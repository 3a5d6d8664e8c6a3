// Runtime (presentation): the output formats every plugin gets for free, and the sanitiser that
// keeps text from outside (agent errors, names, paths) from breaking a status line.

import { formatNumber, formatPerfdata } from './perfdata.js';
import { reportState, type Metric, type Report } from './result.js';
import { longOutput, summaryText } from './summary.js';

/** What a renderer needs to know about the plugin and the run besides the report. */
export interface RenderContext {
  /** Status line prefix, e.g. `CASSANDRA BACKUP`. */
  readonly service: string;
  /** Prefix of the metric that carries the check's state in Prometheus output. */
  readonly metricPrefix: string;
  readonly verbosity: number;
  /** Configuration and protocol lines collected at -vv and -vvv. */
  readonly debug: readonly string[];
}

export interface Rendered {
  readonly stdout: string;
  readonly stderr?: string;
}

export type Renderer = (report: Report, context: RenderContext) => Rendered;

const STATUS_TEXT_LIMIT = 200;

/**
 * Control characters (C0, DEL, C1), line and paragraph separators, and the invisible or
 * direction-changing marks that could disguise text. Spelled as ranges, not `\p{…}` classes,
 * whose compilation alone cost a check 2 ms of start-up (docs/DECISIONS.md).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the sanitiser removes control characters
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+/g;
/** A surrogate without its pair (String.prototype.toWellFormed is Node 20+; Debian 12 ships 18). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const DETAIL_LINES_LIMIT = 100;

/**
 * Makes outside text safe for one line of plugin output: no line breaks or control characters,
 * no `|` (it would start perfdata), bounded length (in characters, never splitting one).
 */
export function sanitize(text: string, limit = STATUS_TEXT_LIMIT): string {
  // A lone surrogate (from a \ud800 escape in JSON) is not text: it becomes U+FFFD, as undecodable input does.
  const flat = text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(UNPRINTABLE, ' ')
    .replace(/\|/g, '/')
    .replace(/\s+/g, ' ')
    .trim();
  const characters = Array.from(flat);
  if (characters.length <= limit) return flat;
  return `${characters
    .slice(0, limit - 1)
    .join('')
    .trimEnd()}…`;
}

/** The status line's text, clean and within its length, naming as many whole subjects as fit. */
export function statusText(report: Report): string {
  return sanitize(summaryText(report, STATUS_TEXT_LIMIT));
}

/** `SERVICE STATE - summary | perfdata`, then long output from -v on. */
export const renderNagios: Renderer = (report, context) => {
  const state = reportState(report);
  const perfdata = report.perfdata.map(formatPerfdata).join(' ');
  let text = `${context.service} ${state.name} - ${statusText(report)}`;
  if (perfdata !== '') text += ` | ${perfdata}`;
  const lines = [text];
  if (context.verbosity >= 1) {
    const details = longOutput(report).map((line) => sanitize(line, 400));
    lines.push(...details.slice(0, DETAIL_LINES_LIMIT));
    if (details.length > DETAIL_LINES_LIMIT) lines.push(`… ${details.length - DETAIL_LINES_LIMIT} more lines`);
  }
  lines.push(...context.debug.map((line) => sanitize(line, 2000)));
  return { stdout: `${lines.join('\n')}\n` };
};

/**
 * One JSON object on one line: the check's facts, its subjects (each with its labels, state,
 * message and facts), then state, exit code and message.
 */
export const renderJson: Renderer = (report, context) => {
  const state = reportState(report);
  const subjects = report.subjects;
  const body = {
    ...report.facts,
    ...(subjects === undefined
      ? {}
      : {
          [subjects.plural]: subjects.results.map((r) => ({
            ...r.facts,
            ...r.subject.labels,
            state: r.state.name,
            message: sanitize(r.line, 400),
          })),
        }),
    state: state.name,
    exit_code: state.code,
    message: statusText(report),
    ...(context.verbosity >= 1 ? { details: longOutput(report).map((line) => sanitize(line, 400)) } : {}),
  };
  return { stdout: `${JSON.stringify(body)}\n`, ...debugOnStderr(context) };
};

/** Prometheus text exposition format, for node_exporter's textfile collector. */
export const renderPrometheus: Renderer = (report, context) => {
  const state = reportState(report);
  const subjects = report.subjects;
  const metrics: Metric[] = [
    ...report.metrics,
    ...(subjects?.results ?? []).flatMap((r) => [
      ...(r.metrics ?? []).map((m) => ({ ...m, labels: r.subject.labels })),
      {
        name: `${context.metricPrefix}_${subjects?.kind ?? 'subject'}_state`,
        help: `State of each ${subjects?.kind ?? 'subject'} as the check judged it: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.`,
        type: 'gauge' as const,
        value: r.state.code,
        labels: r.subject.labels,
      },
    ]),
    {
      name: `${context.metricPrefix}_check_state`,
      help: 'State of the monitoring check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.',
      type: 'gauge',
      value: state.code,
    },
  ];
  // The text format wants each family's samples together, after its HELP and TYPE.
  const families = new Map<string, Metric[]>();
  for (const metric of metrics) families.set(metric.name, [...(families.get(metric.name) ?? []), metric]);
  const lines: string[] = [];
  for (const [name, family] of families) {
    const first = family[0] as Metric;
    lines.push(`# HELP ${name} ${first.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${name} ${first.type}`);
    for (const metric of family) lines.push(`${name}${formatLabels(metric.labels)} ${formatNumber(metric.value)}`);
  }
  return { stdout: `${lines.join('\n')}\n`, ...debugOnStderr(context) };
};

function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '';
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

/** Machine formats keep stdout parseable: their -v lines go to stderr. */
function debugOnStderr(context: RenderContext): { stderr?: string } {
  return context.debug.length > 0 ? { stderr: `${context.debug.map((l) => sanitize(l, 2000)).join('\n')}\n` } : {};
}

/**
 * A format of plain lines, such as what a nodetool command prints, so scripts written around it
 * can call the plugin instead. When the report has no such lines (the check could not find out),
 * nothing goes to stdout and the status line to stderr, with the exit code: as nodetool fails.
 */
export function textFormat(lines: (report: Report) => readonly string[] | undefined): Renderer {
  return (report, context) => {
    const text = lines(report);
    if (text !== undefined) return { stdout: `${text.join('\n')}\n` };
    const debug = context.debug.map((line) => `${sanitize(line, 2000)}\n`).join('');
    return { stdout: '', stderr: `${context.service} ${reportState(report).name} - ${statusText(report)}\n${debug}` };
  };
}

export const STANDARD_FORMATS = { nagios: renderNagios, json: renderJson, prometheus: renderPrometheus } as const;
