// Check (presentation): `--format nodetool`, what the nodetool commands print, so the scripts
// written around them can call the plugins instead and keep testing the printed words. Each format
// reads the report's JSON facts; when they are missing (the check could not find out), the
// runtime's text format prints nothing and says why on stderr, as nodetool does.

import { nodetoolStatusWord } from '../cassandra/mbeans.js';
import { sanitize, textFormat } from '../runtime/output.js';
import { nodetoolLines } from './node-health.js';

/** check_cassandra_backup: `running` or `not running`, as `nodetool statusbackup`. */
export const statusbackupFormat = textFormat((report) => {
  const enabled = report.facts['backup_enabled'];
  return typeof enabled === 'boolean' ? [nodetoolStatusWord(enabled)] : undefined;
});

/** check_cassandra_node: the three lines of a health-check script running statusbinary, statusgossip and statusbackup. */
export const healthScriptFormat = textFormat((report) => {
  const { binary_running: binary, gossip_running: gossip, backup_enabled: backup } = report.facts;
  return typeof binary === 'boolean' && typeof backup === 'boolean'
    ? nodetoolLines(binary, typeof gossip === 'boolean' ? gossip : undefined, backup)
    : undefined;
});

/**
 * check_cassandra_cluster_backup: the cluster-wide loop, line for line — `127.0.0.1: running`,
 * `127.0.0.2: not running`, a member that did not answer `unreachable` (or `unknown`) — then its
 * Summary line.
 */
export const clusterLoopFormat = textFormat((report) => {
  const nodes = report.subjects?.results ?? [];
  if (nodes.length === 0) return undefined;
  const status = (n: (typeof nodes)[number]): unknown => n.facts?.['status'];
  const word = (s: unknown): string => (s === 'running' || s === 'not running' || s === 'unreachable' ? s : 'unknown');
  const { enabled, unreachable, unknown } = report.facts as { enabled: number; unreachable: number; unknown: number };
  const disabled = nodes.filter((n) => status(n) === 'not running').length;
  const rest = [unreachable > 0 ? `, ${unreachable} unreachable` : '', unknown > 0 ? `, ${unknown} unknown` : ''].join(
    '',
  );
  return [
    ...nodes.map((n) => `${sanitize(n.subject.name, 100)}: ${word(status(n))}`),
    `Summary: ${enabled} enabled, ${disabled} disabled${rest}`,
  ];
});
