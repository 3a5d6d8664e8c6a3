// Reports and readings: the worst state over the check and its subjects, a report extended by
// another's parts, and the one idiom for a subject that could not be read (a Reading), which
// never swallows running out of time or a bug.
import { describe, expect, it } from 'vitest';
import { CheckError } from '../../../src/runtime/errors.js';
import {
  attempt,
  attemptAsync,
  extendReport,
  failureReport,
  judgeSubject,
  reportState,
  roundSeconds,
  unreadableResults,
  unreadableSubject,
  type Report,
} from '../../../src/runtime/result.js';
import { CRITICAL, OK, UNKNOWN, WARNING } from '../../../src/runtime/state.js';

const subject = { name: 'shop.orders', labels: { keyspace: 'shop', table: 'orders' } };
const base: Report = {
  results: [{ state: OK, summary: 'Incremental backup is enabled' }],
  perfdata: [{ label: 'backup_enabled', value: 1 }],
  details: ['nodetool statusbackup would print: running'],
  facts: { backup_enabled: true, status: 'running' },
  metrics: [{ name: 'a', help: 'a', type: 'gauge', value: 1 }],
};

describe('attempt', () => {
  it('a value is found', () => {
    expect(attempt(() => 42)).toEqual({ found: 42 });
  });

  it("a CheckError is the subject's reason", () => {
    expect(
      attempt(() => {
        throw new CheckError('Cannot read /data (ELOOP)');
      }),
    ).toEqual({ unreadable: 'Cannot read /data (ELOOP)' });
  });

  it('running out of time ends the check, and a bug is a bug', () => {
    const late = new CheckError('still reading at the timeout', { timedOut: true });
    expect(() =>
      attempt(() => {
        throw late;
      }),
    ).toThrow(late);
    expect(() =>
      attempt(() => {
        throw new TypeError('x is undefined');
      }),
    ).toThrow(TypeError);
  });
});

describe('attemptAsync', () => {
  it('the same for a read that waits', async () => {
    expect(await attemptAsync(async () => 'yaml')).toEqual({ found: 'yaml' });
    expect(await attemptAsync(() => Promise.reject(new CheckError('Cannot read x')))).toEqual({
      unreadable: 'Cannot read x',
    });
    await expect(attemptAsync(() => Promise.reject(new CheckError('late', { timedOut: true })))).rejects.toThrow(
      'late',
    );
    await expect(attemptAsync(() => Promise.reject(new RangeError('bug')))).rejects.toThrow(RangeError);
  });
});

describe('judgeSubject and unreadableSubject', () => {
  it('a reading found is judged, with the subject in front', () => {
    const result = judgeSubject(subject, { found: 3 }, (n) => ({
      state: n > 2 ? WARNING : OK,
      line: `${n} files`,
      facts: { files: n },
    }));
    expect(result).toEqual({ subject, state: WARNING, line: '3 files', facts: { files: 3 } });
  });

  it('an unreadable one is UNKNOWN with why, and the judge is not called', () => {
    let called = false;
    const result = judgeSubject<number>(subject, { unreadable: 'Cannot read it' }, () => {
      called = true;
      return { state: OK, line: '' };
    });
    expect(result).toEqual({ subject, state: UNKNOWN, line: 'Cannot read it' });
    expect(called).toBe(false);
    expect(unreadableSubject(subject, 'why')).toEqual({ subject, state: UNKNOWN, line: 'why' });
  });
});

describe('unreadableResults', () => {
  it('`name: why`, UNKNOWN, about the whole check', () => {
    expect(unreadableResults([{ name: 'shop', reason: 'Cannot read /data/shop (permission denied)' }])).toEqual([
      { state: UNKNOWN, summary: 'shop: Cannot read /data/shop (permission denied)' },
    ]);
    expect(unreadableResults([])).toEqual([]);
  });
});

describe('reportState', () => {
  it('the worst over the results and every subject', () => {
    expect(reportState(base)).toBe(OK);
    const withSubjects: Report = {
      ...base,
      subjects: {
        kind: 'table',
        plural: 'tables',
        results: [
          { subject, state: UNKNOWN, line: 'x' },
          { subject, state: CRITICAL, line: 'y' },
        ],
      },
    };
    expect(reportState(withSubjects)).toBe(CRITICAL);
    expect(reportState({ ...base, results: [] })).toBe(OK);
  });
});

describe('extendReport', () => {
  it('adds results, perfdata, details and metrics after its own, merges facts (the later wins)', () => {
    const extended = extendReport(base, {
      results: [{ state: WARNING, summary: 'enabled until the next restart' }],
      perfdata: [{ label: 'backup_after_restart', value: 0 }],
      details: ['configuration: /etc/cassandra/cassandra.yaml'],
      facts: { status: 'overridden', config_file: '/etc/cassandra/cassandra.yaml' },
      metrics: [{ name: 'b', help: 'b', type: 'gauge', value: 0 }],
    });
    expect(extended.results.map((r) => r.summary)).toEqual([
      'Incremental backup is enabled',
      'enabled until the next restart',
    ]);
    expect(extended.perfdata.map((p) => p.label)).toEqual(['backup_enabled', 'backup_after_restart']);
    expect(extended.details).toEqual([
      'nodetool statusbackup would print: running',
      'configuration: /etc/cassandra/cassandra.yaml',
    ]);
    expect(extended.facts).toEqual({
      backup_enabled: true,
      status: 'overridden',
      config_file: '/etc/cassandra/cassandra.yaml',
    });
    expect(extended.metrics.map((m) => m.name)).toEqual(['a', 'b']);
    expect(reportState(extended)).toBe(WARNING);
  });

  it("subjects: the added ones, else the report's own, else none at all", () => {
    const tables = { kind: 'table', plural: 'tables', results: [] };
    const nodes = { kind: 'node', plural: 'nodes', results: [] };
    expect(extendReport(base, {})).toEqual(base);
    expect(extendReport(base, {})).not.toHaveProperty('subjects');
    expect(extendReport({ ...base, subjects: tables }, {}).subjects).toBe(tables);
    expect(extendReport({ ...base, subjects: tables }, { subjects: nodes }).subjects).toBe(nodes);
  });

  it('leaves the report it extends as it was', () => {
    extendReport(base, { results: [{ state: CRITICAL, summary: 'x' }] });
    expect(base.results).toHaveLength(1);
  });
});

describe('failureReport and roundSeconds', () => {
  it('a report of one result and the facts a consumer can rely on', () => {
    expect(failureReport(UNKNOWN, 'no connection', { backup_enabled: null })).toEqual({
      results: [{ state: UNKNOWN, summary: 'no connection' }],
      perfdata: [],
      details: [],
      facts: { backup_enabled: null },
      metrics: [],
    });
    expect(failureReport(WARNING, 'late').facts).toEqual({});
  });

  it('seconds to the microsecond', () => {
    expect([roundSeconds(0.0123456789), roundSeconds(2), roundSeconds(1.0000004)]).toEqual([0.012346, 2, 1]);
  });
});
