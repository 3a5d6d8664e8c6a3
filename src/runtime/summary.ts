// Runtime (presentation): the words of a report, computed once for every format. The status line
// says what the results of the worst state say; when all is well, what the check says of its
// subjects as a whole. The long output has the check's own lines, then one line per subject.

import type { PartialResult, Report } from './result.js';
import { reportState } from './result.js';
import { OK } from './state.js';

const SEPARATOR = '; ';

/** The parts of the status line, before they are fitted to its length. */
export function summaryParts(report: Report): string[] {
  const state = reportState(report);
  const parts = report.results.filter((r) => r.state === state).map((r) => r.summary);
  const subjects = report.subjects;
  if (subjects === undefined || subjects.results.length === 0) return parts;
  if (state === OK) {
    return [
      ...parts,
      subjects.okSummary ??
        `${subjects.results.length} ${subjects.results.length === 1 ? subjects.kind : subjects.plural} OK`,
    ];
  }
  return [...parts, ...subjects.results.filter((r) => r.state === state).map(subjectLine)];
}

/**
 * The status line's text: as many whole parts as fit in `limit` characters, then how many more
 * there are, so the subjects it names are never cut in the middle. A single part longer than the
 * limit is left for the sanitiser to shorten.
 */
export function summaryText(report: Report, limit: number): string {
  const parts = summaryParts(report);
  if (parts.length === 0) return 'no results';
  let text = parts[0] as string;
  for (let i = 1; i < parts.length; i++) {
    const more = ` (+${parts.length - i} more)`;
    const next = `${text}${SEPARATOR}${parts[i] as string}`;
    const room = i === parts.length - 1 ? limit : limit - ` (+${parts.length - i - 1} more)`.length;
    if (next.length > room) return `${text}${more}`;
    text = next;
  }
  return text;
}

/** `shop.orders: nothing to flush`. */
export function subjectLine(result: PartialResult): string {
  return `${result.subject.name}: ${result.line}`;
}

/** The long output: the check's lines, then `STATE: subject: line` for every subject. */
export function longOutput(report: Report): string[] {
  return [...report.details, ...(report.subjects?.results ?? []).map((r) => `${r.state.name}: ${subjectLine(r)}`)];
}
