// --format nodetool: what the nodetool commands print, read from a report's facts; and, when the
// check could not find out, nothing on stdout and the status line on stderr, as nodetool fails.
import { describe, expect, it } from 'vitest';
import { clusterLoopFormat, healthScriptFormat, statusbackupFormat } from '../../../src/checks/nodetool-formats.js';
import { failureReport, type PartialResult, type Report } from '../../../src/runtime/result.js';
import { OK, UNKNOWN, WARNING } from '../../../src/runtime/state.js';
import type { RenderContext } from '../../../src/runtime/output.js';

const context: RenderContext = {
  service: 'CASSANDRA BACKUP',
  metricPrefix: 'cassandra_backup',
  verbosity: 0,
  debug: [],
};
const report = (facts: Record<string, unknown>, subjects?: PartialResult[]): Report => ({
  results: [{ state: OK, summary: 'fine' }],
  perfdata: [],
  details: [],
  facts,
  metrics: [],
  ...(subjects === undefined ? {} : { subjects: { kind: 'node', plural: 'nodes', results: subjects } }),
});
const unknown = failureReport(UNKNOWN, 'Cannot connect to the agent: connection refused', {
  backup_enabled: null,
  status: 'unknown',
});

describe('statusbackupFormat', () => {
  it('running / not running, one line', () => {
    expect(statusbackupFormat(report({ backup_enabled: true }), context)).toEqual({ stdout: 'running\n' });
    expect(statusbackupFormat(report({ backup_enabled: false }), context)).toEqual({ stdout: 'not running\n' });
  });

  it('could not find out: nothing on stdout, the status line (and -vvv lines) on stderr', () => {
    expect(statusbackupFormat(unknown, { ...context, debug: ['> POST http://cass1:8778/jolokia/'] })).toEqual({
      stdout: '',
      stderr:
        'CASSANDRA BACKUP UNKNOWN - Cannot connect to the agent: connection refused\n> POST http://cass1:8778/jolokia/\n',
    });
  });
});

describe('healthScriptFormat', () => {
  it('the three lines of the health-check script', () => {
    expect(
      healthScriptFormat(report({ binary_running: true, gossip_running: false, backup_enabled: true }), context).stdout,
    ).toBe('Binary: running\nGossip: not running\nBackup: running\n');
  });

  it('gossip not told (CQL on a release without gossip_info): Gossip: unknown, the other two as ever', () => {
    const rendered = healthScriptFormat(report({ binary_running: true, gossip_running: null, backup_enabled: false }), {
      ...context,
      service: 'CASSANDRA NODE',
    });
    expect(rendered.stdout).toBe('Binary: running\nGossip: unknown\nBackup: not running\n');
  });

  it('the binary or backup flag missing (could not find out): nothing on stdout', () => {
    const rendered = healthScriptFormat(report({ binary_running: true, gossip_running: true, backup_enabled: null }), {
      ...context,
      service: 'CASSANDRA NODE',
    });
    expect(rendered).toEqual({ stdout: '', stderr: 'CASSANDRA NODE OK - fine\n' });
  });
});

describe('clusterLoopFormat', () => {
  const member = (name: string, status: string, state = OK): PartialResult => ({
    subject: { name, labels: { node: name } },
    state,
    line: '',
    facts: { status },
  });

  it('the loop, line for line, then its Summary; a member that did not answer is unreachable or unknown', () => {
    const r = report({ enabled: 1, unreachable: 1, unknown: 2 }, [
      member('10.0.0.1', 'running'),
      member('10.0.0.2', 'not running', WARNING),
      member('10.0.0.3', 'unreachable', WARNING),
      member('10.0.0.4', 'refused', UNKNOWN),
      member('10.0.0.5', 'wrong-node', UNKNOWN),
    ]);
    expect(clusterLoopFormat(r, context).stdout).toBe(
      [
        '10.0.0.1: running',
        '10.0.0.2: not running',
        '10.0.0.3: unreachable',
        '10.0.0.4: unknown',
        '10.0.0.5: unknown',
        'Summary: 1 enabled, 1 disabled, 1 unreachable, 2 unknown',
        '',
      ].join('\n'),
    );
  });

  it('the Summary names unreachable and unknown only when there are some; disabled counts every member not running', () => {
    const r = report({ enabled: 0, unreachable: 0, unknown: 0, disabled: 0 }, [
      member('10.0.0.1', 'not running'),
      member('10.0.0.2', 'not running'),
    ]);
    expect(clusterLoopFormat(r, context).stdout.split('\n').at(-2)).toBe('Summary: 0 enabled, 2 disabled');
  });

  it('a name with a line break cannot add a line', () => {
    const r = report({ enabled: 1, unreachable: 0, unknown: 0 }, [member('evil\nSummary: 9 enabled', 'running')]);
    expect(clusterLoopFormat(r, context).stdout).toBe(
      'evil Summary: 9 enabled: running\nSummary: 1 enabled, 0 disabled\n',
    );
  });

  it('no members (the check could not find out): nothing on stdout', () => {
    expect(
      clusterLoopFormat(failureReport(UNKNOWN, 'No contact node answered'), {
        ...context,
        service: 'CASSANDRA CLUSTER BACKUP',
      }),
    ).toEqual({
      stdout: '',
      stderr: 'CASSANDRA CLUSTER BACKUP UNKNOWN - No contact node answered\n',
    });
  });
});
