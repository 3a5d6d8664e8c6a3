// check_cassandra_backup's options for the node itself: which tables, how old, which configuration.
import { describe, expect, it } from 'vitest';
import { readAgeLimits, readDriftState, readFreshnessRequest, selectors } from '../../../src/cli/freshness-options.js';
import { entry } from '../../../src/plugins/check_cassandra_backup.js';
import { parseOptions } from '../../../src/runtime/options.js';
import { allOptions } from '../../../src/runtime/standard-options.js';
import { CRITICAL, WARNING } from '../../../src/runtime/state.js';

const options = (...argv: string[]) => parseOptions(allOptions(entry), argv);

describe('readFreshnessRequest', () => {
  it('nothing asked for: no request; --flush and --keyspace as selectors, --data-dir kept', () => {
    expect(readFreshnessRequest(options())).toBeUndefined();
    expect(
      readFreshnessRequest(
        options('--flush', 'shop', '--keyspace', 'billing.invoices', '--exclude', 'shop.sessions', '--data-dir', '/d1'),
      ),
    ).toEqual({
      flush: [{ keyspace: 'shop' }],
      look: [{ keyspace: 'billing', table: 'invoices' }],
      exclude: [{ keyspace: 'shop', table: 'sessions' }],
      dataDirectories: ['/d1'],
    });
    expect(selectors(options('--flush', 'a', '--flush', 'b.c'), 'flush')).toEqual([
      { keyspace: 'a' },
      { keyspace: 'b', table: 'c' },
    ]);
  });

  it('an option that needs tables, without any, is a usage error', () => {
    expect(() => readFreshnessRequest(options('--max-age', '1h'))).toThrow(
      '--max-age needs tables to look at: give --flush or --keyspace',
    );
    expect(() => readFreshnessRequest(options('--keyspace', 'shop', '--data-dir', ' '))).toThrow(
      '--data-dir: empty path',
    );
  });
});

describe('readAgeLimits', () => {
  it('durations as ranges in seconds; critical shorter than warning is refused', () => {
    const limits = readAgeLimits(options('--max-age', '6h', '--critical-age', '2d'));
    expect([limits.warning?.toString(), limits.critical?.toString()]).toEqual(['21600', '172800']);
    expect(() => readAgeLimits(options('--max-age', '2d', '--critical-age', '6h'))).toThrow(
      '--critical-age is shorter than --max-age',
    );
  });
});

describe('readDriftState', () => {
  it('with --config or --find-config, --config-state (default WARNING); without, none', () => {
    expect(readDriftState(options())).toBeUndefined();
    expect(readDriftState(options('--find-config'))).toBe(WARNING);
    expect(readDriftState(options('--config', '/etc/cassandra/cassandra.yaml', '--config-state', 'critical'))).toBe(
      CRITICAL,
    );
  });

  it('contradictions are usage errors', () => {
    expect(() => readDriftState(options('--config-state', 'critical'))).toThrow(
      '--config-state needs --config FILE or --find-config',
    );
    expect(() => readDriftState(options('--config', 'a.yaml', '--find-config'))).toThrow('give one');
    expect(() => readDriftState(options('--config', ' '))).toThrow('--config: empty path');
  });
});
