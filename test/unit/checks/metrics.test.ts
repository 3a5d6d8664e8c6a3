// The Prometheus series more than one plugin writes: one name, one help, whichever plugin wrote it.
import { describe, expect, it } from 'vitest';
import { BACKUP_ENABLED, BACKUPS_FILES, flag, JOLOKIA_ROUND_TRIP, sample } from '../../../src/checks/metrics.js';

describe('shared series', () => {
  it("are named as the README's vocabulary says, all gauges", () => {
    expect([BACKUP_ENABLED, JOLOKIA_ROUND_TRIP, BACKUPS_FILES].map((s) => [s.name, s.type])).toEqual([
      ['cassandra_incremental_backup_enabled', 'gauge'],
      ['cassandra_jolokia_request_duration_seconds', 'gauge'],
      ['cassandra_backups_files', 'gauge'],
    ]);
    for (const series of [BACKUP_ENABLED, JOLOKIA_ROUND_TRIP, BACKUPS_FILES])
      expect(series.help).toMatch(/^[A-Z].*\.$/);
  });
});

describe('sample and flag', () => {
  it('a value of the series, with labels only when given', () => {
    expect(sample(BACKUPS_FILES, 12)).toEqual({ ...BACKUPS_FILES, value: 12 });
    expect(sample(BACKUPS_FILES, 12)).not.toHaveProperty('labels');
    expect(sample(BACKUPS_FILES, 3, { keyspace: 'shop', table: 'orders' })).toEqual({
      ...BACKUPS_FILES,
      value: 3,
      labels: { keyspace: 'shop', table: 'orders' },
    });
  });

  it('a flag is 1 or 0', () => {
    expect(flag(BACKUP_ENABLED, true)).toEqual({ ...BACKUP_ENABLED, value: 1 });
    expect(flag(BACKUP_ENABLED, false).value).toBe(0);
  });
});
