import { describe, expect, it } from 'vitest';
import {
  renderJson,
  renderNagios,
  renderPrometheus,
  sanitize,
  type RenderContext,
} from '../../../src/runtime/output.js';
import type { Report } from '../../../src/runtime/result.js';
import { CRITICAL, OK, UNKNOWN, WARNING, worst } from '../../../src/runtime/state.js';

const context: RenderContext = { service: 'TEST', metricPrefix: 'test', verbosity: 0, debug: [] };

function report(partial: Partial<Report>): Report {
  return { results: [], perfdata: [], details: [], facts: {}, metrics: [], ...partial };
}

describe('worst state', () => {
  it('ranks OK < WARNING < UNKNOWN < CRITICAL', () => {
    expect(worst([])).toBe(OK);
    expect(worst([OK, WARNING])).toBe(WARNING);
    expect(worst([WARNING, UNKNOWN, OK])).toBe(UNKNOWN);
    // A proven problem is not hidden by a sibling we could not assess.
    expect(worst([UNKNOWN, CRITICAL, WARNING])).toBe(CRITICAL);
  });
});

describe('sanitize', () => {
  it('keeps one line with no perfdata separator', () => {
    expect(sanitize('a|b\nc\r\nd\te\u0000f\u2028g')).toBe('a/b c d e f g');
  });
  it('bounds the length', () => {
    const long = sanitize('x'.repeat(500));
    expect(long.length).toBe(200);
    expect(long.endsWith('…')).toBe(true);
  });
  it('removes bidirectional overrides that could disguise text', () => {
    expect(sanitize('ok\u202eKO')).toBe('ok KO');
  });
});

describe('renderNagios', () => {
  it('writes the worst results in the status line, perfdata after |', () => {
    const out = renderNagios(
      report({
        results: [
          { state: OK, summary: 'fine' },
          { state: WARNING, summary: 'table a old' },
          { state: WARNING, summary: 'table b old' },
        ],
        perfdata: [{ label: 'x', value: 1 }],
        details: ['line one', 'line|two'],
      }),
      context,
    );
    expect(out.stdout).toBe('TEST WARNING - table a old; table b old | x=1\n');
  });

  it('adds long output from -v on, each line cleaned', () => {
    const out = renderNagios(
      report({ results: [{ state: OK, summary: 'fine' }], details: ['line one', 'line|two\nthree'] }),
      { ...context, verbosity: 1 },
    );
    expect(out.stdout).toBe('TEST OK - fine\nline one\nline/two three\n');
  });
});

describe('renderJson', () => {
  it('puts facts first and the state after them', () => {
    const out = renderJson(
      report({ results: [{ state: CRITICAL, summary: 'bad|news' }], facts: { a: 1, state: 'spoofed' } }),
      context,
    );
    expect(JSON.parse(out.stdout)).toEqual({ a: 1, state: 'CRITICAL', exit_code: 2, message: 'bad/news' });
  });
});

describe('renderPrometheus', () => {
  it('writes HELP and TYPE once per metric name, with escaped labels', () => {
    const out = renderPrometheus(
      report({
        results: [{ state: OK, summary: 'fine' }],
        metrics: [
          { name: 'm', help: 'help', type: 'gauge', value: 1, labels: { table: 'a"b\\c' } },
          { name: 'm', help: 'help', type: 'gauge', value: 2, labels: { table: 'x' } },
        ],
      }),
      context,
    );
    expect(out.stdout).toBe(
      [
        '# HELP m help',
        '# TYPE m gauge',
        'm{table="a\\"b\\\\c"} 1',
        'm{table="x"} 2',
        '# HELP test_check_state State of the monitoring check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.',
        '# TYPE test_check_state gauge',
        'test_check_state 0',
        '',
      ].join('\n'),
    );
  });
});
