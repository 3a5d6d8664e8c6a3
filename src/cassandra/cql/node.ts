// Cassandra knowledge over CQL: one node's session, and what every reader asks of it. Which
// tables need a grant, and which the version has, are said in the words an operator acts on:
// the GRANT statement to run, or the release that has the table.

import { CqlError } from '../../cql/errors.js';
import { openSession, type CqlEndpoint, type CqlLimits, type CqlSession } from '../../cql/session.js';
import type { Row } from '../../cql/protocol.js';

/** A node over CQL: its session, and whom it is for (the grant names the role). */
export interface CqlNode {
  readonly session: CqlSession;
  readonly endpoint: CqlEndpoint;
}

/** Opens a session, runs `use`, and closes it whatever happens. */
export async function withNode<T>(
  endpoint: CqlEndpoint,
  limits: CqlLimits,
  use: (node: CqlNode) => Promise<T>,
): Promise<T> {
  const session = await openSession(endpoint, limits);
  try {
    return await use({ session, endpoint });
  } finally {
    session.close();
  }
}

/**
 * The least grant that lets a role read every table the checks read in system_views (README.md,
 * "No agent on the nodes"): the keyspace itself on releases with CASSANDRA-20171 (4.0.18, 4.1.9,
 * 5.0.5 and later), where a grant on system_views is accepted; before, only every keyspace's data.
 */
export function leastGrant(role: string, releaseVersion: string | undefined): string {
  return grantsOnVirtualKeyspace(releaseVersion)
    ? `GRANT SELECT ON KEYSPACE system_views TO ${role}`
    : `GRANT SELECT ON ALL KEYSPACES TO ${role}`;
}

/** The first patch release of each line that accepts a grant on system_views. */
const VIRTUAL_KEYSPACE_GRANTS: Readonly<Record<string, number>> = { '4.0': 18, '4.1': 9, '5.0': 5 };

function grantsOnVirtualKeyspace(releaseVersion: string | undefined): boolean {
  const [major, minor, patch] = (releaseVersion ?? '').split(/[.-]/).map(Number);
  if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) return false;
  const first = VIRTUAL_KEYSPACE_GRANTS[`${major}.${minor}`];
  if (first !== undefined) return patch !== undefined && !Number.isNaN(patch) && patch >= first;
  return major > 5 || (major === 5 && minor > 0);
}

/**
 * The rows of a query on `table`, with the failures that concern it worded: a role without the
 * grant (the statement to run), a release without the table (`missing` says what to do instead).
 */
export async function select(
  node: CqlNode,
  table: string,
  cql: string,
  context: { releaseVersion?: string | undefined | Promise<string | undefined>; missing?: string },
): Promise<Row[]> {
  try {
    return await node.session.query(cql);
  } catch (error) {
    if (!(error instanceof CqlError)) throw error;
    // The release names the grant and the table's absence; a failure to read it changes neither.
    const releaseVersion = await Promise.resolve(context.releaseVersion).catch(() => undefined);
    const role = node.endpoint.user ?? 'the role';
    if (error.kind === 'permission')
      throw new CqlError(
        'permission',
        `The role ${role} may not read ${table} on ${node.session.where}: run ${leastGrant(role, releaseVersion)}`,
        { code: error.code, cause: error },
      );
    // The node's words, not the client's ("has no such table or column" names both): a column is its own error.
    if (error.kind === 'no-such-table' && !/undefined column/i.test(error.message))
      throw new CqlError(
        'no-such-table',
        `${node.session.where} has no ${table}${releaseVersion === undefined ? '' : ` (Cassandra ${releaseVersion})`}${context.missing === undefined ? '' : `: ${context.missing}`}`,
        { code: error.code, cause: error },
      );
    throw error;
  }
}

/** What every check wants to know of the node first: its release (system.local needs no grant). */
export async function releaseOf(node: CqlNode): Promise<string | undefined> {
  const [local] = await select(node, 'system.local', 'SELECT release_version FROM system.local', {});
  return releaseText(local?.release_version);
}

/**
 * A promise handed to queries that await it only when they fail (the release, for the wording):
 * its own failure is the caller's to report, never an unhandled rejection, which would end a
 * plugin as an internal error. Answers may come in any order, and the session closes after use.
 */
export function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Only informative, and printed: a release number, or nothing (not whatever came). */
export function releaseText(value: unknown): string | undefined {
  return typeof value === 'string' && /^[0-9A-Za-z.+~-]{1,40}$/.test(value) ? value : undefined;
}

/** The running settings asked for (system_views.settings: the live configuration, as nodetool reads it). */
export async function readSettings(
  node: CqlNode,
  names: readonly string[],
  releaseVersion: string | undefined | Promise<string | undefined>,
): Promise<ReadonlyMap<string, string | null>> {
  const rows = await select(
    node,
    'system_views.settings',
    `SELECT name, value FROM system_views.settings WHERE name IN (${names.map(quoted).join(', ')})`,
    { releaseVersion, missing: 'it came with Cassandra 4.0; use --transport jolokia' },
  );
  return new Map(rows.map((row) => [String(row.name), typeof row.value === 'string' ? row.value : null]));
}

/** A setting that Cassandra prints as `true` / `false`; anything else is not an answer to trust. */
export function booleanSetting(settings: ReadonlyMap<string, string | null>, name: string, where: string): boolean {
  const value = settings.get(name);
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new CqlError(
    'server',
    value === undefined
      ? `${where} has no setting ${name} in system_views.settings`
      : `${where} gave ${name} = ${String(value).slice(0, 20)}, where Cassandra has true or false`,
  );
}

/** A list setting as system_views.settings prints it: `[/a, /b]`. */
export function listSetting(value: string | null | undefined): string[] {
  const inner = (value ?? '').trim().replace(/^\[/, '').replace(/\]$/, '');
  return inner
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A CQL string literal. */
export function quoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
