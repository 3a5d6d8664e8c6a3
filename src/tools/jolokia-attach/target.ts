// The Cassandra JVM as /proc shows it: which process it is, whose it is, and which java runs it.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AttachError } from './errors.js';

export const CASSANDRA_MAIN_CLASS = 'org.apache.cassandra.service.CassandraDaemon';

/** Effective user and group ids: the pair the JDK's attach mechanism compares. */
export interface Identity {
  readonly uid: number;
  readonly gid: number;
}

export interface CassandraJvm {
  readonly pid: number;
  readonly owner: Identity;
  /** The java that runs it: its attach code matches the JVM's release. */
  readonly java: string;
}

/**
 * The pids whose program is a JVM (java, or jsvc as some packages start it) running Cassandra's main
 * class. The program is checked too, so that `grep CassandraDaemon` is never taken for the node.
 */
export function findCassandraPids(procRoot = '/proc'): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(join(procRoot, entry, 'cmdline'), 'latin1').split('\0');
    } catch {
      continue; // ended meanwhile
    }
    if (argv.includes(CASSANDRA_MAIN_CLASS) && /^(java|jsvc)/.test(basename(argv[0] ?? ''))) pids.push(Number(entry));
  }
  return pids.sort((a, b) => a - b);
}

/** The one Cassandra JVM, or --pid's; an error names what was found when that is not one. */
export function chooseCassandraPid(given: number | undefined, procRoot = '/proc'): number {
  if (given !== undefined) return given;
  const pids = findCassandraPids(procRoot);
  if (pids.length === 1) return pids[0] as number;
  if (pids.length === 0)
    throw new AttachError(`no running Cassandra found (no java process runs ${CASSANDRA_MAIN_CLASS}): give --pid`);
  throw new AttachError(`${pids.length} Cassandra JVMs run here (pids ${pids.join(', ')}): choose one with --pid`);
}

/** The effective user and group of a process, from /proc/PID/status. */
export function processOwner(pid: number, procRoot = '/proc'): Identity {
  let status: string;
  try {
    status = readFileSync(join(procRoot, String(pid), 'status'), 'utf8');
  } catch {
    throw new AttachError(`no process ${pid}`);
  }
  const effective = (field: string): number => {
    const ids = new RegExp(`^${field}:\\s+(\\d+)\\s+(\\d+)`, 'm').exec(status);
    if (!ids) throw new AttachError(`cannot read the ${field} of process ${pid}`);
    return Number(ids[2]);
  };
  return { uid: effective('Uid'), gid: effective('Gid') };
}

/** The java binary the process runs, unless it was replaced since (a JDK upgrade): then --java. */
export function processJava(pid: number, procRoot = '/proc'): string {
  let java: string;
  try {
    java = readlinkSync(join(procRoot, String(pid), 'exe'));
  } catch {
    throw new AttachError(`cannot see which java runs process ${pid}: give --java`);
  }
  if (java.endsWith(' (deleted)'))
    throw new AttachError(`the java of process ${pid} (${java}) is gone, replaced since it started: give --java`);
  return java;
}

/** A user's name from /etc/passwd, for messages; the id itself when it has none. */
export function userName(uid: number, passwd = '/etc/passwd'): string {
  try {
    for (const line of readFileSync(passwd, 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && id === String(uid)) return name;
    }
  } catch {
    // no passwd to read: the id will do
  }
  return `uid ${uid}`;
}
