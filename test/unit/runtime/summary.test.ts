// The words of a report: the status line says what the worst results say (or, all well, what the
// check says of its subjects), fitted to its length without cutting a subject in half; the long
// output has the check's lines, then one per subject.
import { describe, expect, it } from 'vitest';
import type { PartialResult, Report, Subjects } from '../../../src/runtime/result.js';
import { CRITICAL, OK, UNKNOWN, WARNING, type State } from '../../../src/runtime/state.js';
import { longOutput, subjectLine, summaryParts, summaryText } from '../../../src/runtime/summary.js';

const table = (name: string, state: State, line: string): PartialResult => ({
  subject: { name, labels: { table: name } },
  state,
  line,
});
const report = (results: Report['results'], subjects?: Partial<Subjects> & { results: PartialResult[] }): Report => ({
  results,
  perfdata: [],
  details: ['data directories: /data'],
  facts: {},
  metrics: [],
  ...(subjects === undefined ? {} : { subjects: { kind: 'table', plural: 'tables', ...subjects } }),
});

describe('summaryParts', () => {
  it('only the results of the worst state', () => {
    expect(
      summaryParts(
        report([
          { state: OK, summary: 'backup enabled' },
          { state: WARNING, summary: 'mode JOINING' },
          { state: WARNING, summary: 'drift' },
        ]),
      ),
    ).toEqual(['mode JOINING', 'drift']);
  });

  it('all well: the results, then the subjects as a whole (the okSummary, else a count)', () => {
    const ok = [table('a', OK, 'fine'), table('b', OK, 'fine')];
    expect(
      summaryParts(
        report([{ state: OK, summary: 'enabled' }], { results: ok, okSummary: '2 tables, newest within 1h' }),
      ),
    ).toEqual(['enabled', '2 tables, newest within 1h']);
    expect(summaryParts(report([], { results: ok }))).toEqual(['2 tables OK']);
    expect(summaryParts(report([], { results: [ok[0]!] }))).toEqual(['1 table OK']);
  });

  it('a problem: the subjects of the worst state, by name', () => {
    const parts = summaryParts(
      report([{ state: OK, summary: 'enabled' }], {
        results: [table('a', WARNING, 'old'), table('b', CRITICAL, 'older'), table('c', CRITICAL, 'oldest')],
      }),
    );
    expect(parts).toEqual(['b: older', 'c: oldest']);
  });

  it('a check result of the worst state comes before the subjects of that state', () => {
    expect(
      summaryParts(
        report([{ state: UNKNOWN, summary: 'shop: Cannot read' }], { results: [table('a', UNKNOWN, 'Cannot read a')] }),
      ),
    ).toEqual(['shop: Cannot read', 'a: Cannot read a']);
  });

  it('no subjects at all: the results alone', () => {
    expect(summaryParts(report([{ state: OK, summary: 'no snapshots' }], { results: [] }))).toEqual(['no snapshots']);
  });
});

describe('summaryText', () => {
  it('parts joined by "; "', () => {
    expect(
      summaryText(
        report([
          { state: WARNING, summary: 'a' },
          { state: WARNING, summary: 'b' },
        ]),
        200,
      ),
    ).toBe('a; b');
  });

  it('as many whole parts as fit, then how many more', () => {
    const results = ['10.0.0.1: disabled', '10.0.0.2: disabled', '10.0.0.3: disabled', '10.0.0.4: disabled'].map(
      (summary) => ({ state: WARNING, summary }),
    );
    const text = summaryText(report(results), 50);
    expect(text).toBe('10.0.0.1: disabled; 10.0.0.2: disabled (+2 more)');
    expect(text.length).toBeLessThanOrEqual(50);
  });

  it('the last part needs no room for a "more"', () => {
    const results = ['aaaa', 'bbbb'].map((summary) => ({ state: WARNING, summary }));
    expect(summaryText(report(results), 10)).toBe('aaaa; bbbb');
    // With a third part, the second must leave room for ` (+1 more)`: it does not, so two more.
    const three = ['aaaa', 'bbbb', 'cccc'].map((summary) => ({ state: WARNING, summary }));
    expect(summaryText(report(three), 14)).toBe('aaaa (+2 more)');
    expect(summaryText(report(three), 20)).toBe('aaaa; bbbb; cccc');
  });

  it('a single part longer than the limit is left whole (the sanitiser shortens it)', () => {
    expect(summaryText(report([{ state: OK, summary: 'x'.repeat(300) }]), 200)).toHaveLength(300);
  });

  it('nothing to say', () => {
    expect(summaryText(report([]), 200)).toBe('no results');
  });
});

describe('subjectLine and longOutput', () => {
  it("`name: line`; the check's lines, then `STATE: name: line` per subject", () => {
    const a = table('shop.orders', OK, 'nothing to flush');
    expect(subjectLine(a)).toBe('shop.orders: nothing to flush');
    expect(longOutput(report([], { results: [a, table('shop.carts', UNKNOWN, 'Cannot read')] }))).toEqual([
      'data directories: /data',
      'OK: shop.orders: nothing to flush',
      'UNKNOWN: shop.carts: Cannot read',
    ]);
    expect(longOutput(report([]))).toEqual(['data directories: /data']);
  });
});
