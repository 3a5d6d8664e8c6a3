// What the integration tests do to a real node, in one place: switch incremental backup (the
// operator's way with nodetool, or a Jolokia write), make a keyspace and write rows with the real
// CQL driver, read folders that may not exist, move file times back, and run a plugin as a user
// without rights on the node's files.

import { Client } from 'cassandra-driver';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { NodetoolResult } from '../../scripts/cassandra/harness.mjs';
import { PLUGIN_NODE } from '../support/process.js';
import { ROOT } from '../support/run-plugin.js';
import { cassandra, jolokia, nodetool, type AgentName } from './cassandra-context.js';
import { removeDir, tempDir } from './monitoring-tools.js';

/** A node's nodetool: the suite's node by default, a cluster member's, or another release's node. */
export type Nodetool = (...args: string[]) => Promise<NodetoolResult>;

/** Runs nodetool and expects it to succeed (its stderr is the failure message). */
export async function nodetoolOk(args: readonly string[], run: Nodetool = nodetool): Promise<NodetoolResult> {
  const res = await run(...args);
  expect(res.code, `nodetool ${args.join(' ')}: ${res.stderr}`).toBe(0);
  return res;
}

/** Switches incremental backup the operator's way: `nodetool enablebackup` or `disablebackup`. */
export async function setBackupByNodetool(enabled: boolean, run: Nodetool = nodetool): Promise<void> {
  await nodetoolOk([enabled ? 'enablebackup' : 'disablebackup'], run);
}

/** Switches incremental backup with a Jolokia write to StorageService: no nodetool JVM to start. */
export async function setBackupByJolokia(enabled: boolean, agent: AgentName = 'plain2'): Promise<void> {
  const res = await jolokia(agent, {
    type: 'write',
    mbean: 'org.apache.cassandra.db:type=StorageService',
    attribute: 'IncrementalBackupsEnabled',
    value: enabled,
  });
  expect((res.json as { status: number }).status, res.text).toBe(200);
}

/**
 * A CQL session on the node whose native port is given (the suite's node by default), with the
 * keyspace (SimpleStrategy, one replica) and the tables `(id int PRIMARY KEY, body text)` made if
 * they were not there.
 */
export async function openKeyspace(
  keyspace: string,
  tables: readonly string[],
  nativePort = cassandra().nativePort,
): Promise<Client> {
  const cql = new Client({ contactPoints: [`127.0.0.1:${nativePort}`], localDataCenter: 'datacenter1' });
  await cql.connect();
  await cql.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  for (const table of tables)
    await cql.execute(`CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (id int PRIMARY KEY, body text)`);
  return cql;
}

/** Writes rows `from` … `from + rows - 1` into `keyspace.table`, one INSERT each; the body is `row <id>` unless given. */
export async function writeRows(
  cql: Client,
  keyspace: string,
  table: string,
  rows: number,
  { from = 0, body = (id: number) => `row ${id}` }: { from?: number; body?: (id: number) => string } = {},
): Promise<void> {
  for (let id = from; id < from + rows; id++) {
    await cql.execute(`INSERT INTO ${keyspace}.${table} (id, body) VALUES (?, ?)`, [id, body(id)], { prepare: true });
  }
}

/** The names in a folder; none when it does not exist (a table without backups/ yet). */
export function safeList(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

/**
 * The live Data.db files in table directories, and whether each has a hard link (the same inode)
 * in its directory's backups/: what a flush with backup on must leave, read here, not taken from a plugin.
 */
export function liveDataFiles(tableDirectories: readonly string[]): { name: string; linked: boolean }[] {
  const result: { name: string; linked: boolean }[] = [];
  for (const directory of tableDirectories) {
    const backups = new Set(
      safeList(join(directory, 'backups')).map(
        (name) => statSync(join(directory, 'backups', name), { bigint: true }).ino,
      ),
    );
    for (const name of safeList(directory).filter((n) => n.endsWith('-Data.db'))) {
      result.push({ name, linked: backups.has(statSync(join(directory, name), { bigint: true }).ino) });
    }
  }
  return result;
}

/** Moves the access and modification times of the files `seconds` into the past. */
export function ageFiles(paths: Iterable<string>, seconds: number): void {
  const then = new Date(Date.now() - seconds * 1000);
  for (const path of paths) utimesSync(path, then, then);
}

export const NOBODY = 65534;

/**
 * Runs a plugin's bundle as nobody, as a monitoring user without rights on the node's files would:
 * from a copy that nobody can read (the checkout may lie where nobody may not enter).
 */
export function runAsNobody(plugin: string, args: readonly string[]): SpawnSyncReturns<string> {
  const home = tempDir('it-nobody-');
  try {
    cpSync(join(ROOT, 'dist', `${plugin}.cjs`), join(home, 'check.cjs'));
    return spawnSync(PLUGIN_NODE, [join(home, 'check.cjs'), ...args], {
      uid: NOBODY,
      gid: NOBODY,
      encoding: 'utf8',
      timeout: 30_000,
    });
  } finally {
    removeDir(home);
  }
}
