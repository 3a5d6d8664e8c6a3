// Helpers for the tests that run the real monitoring programs from Debian's packages (Icinga 2,
// Nagios 4, NRPE, check_nrpe, promtool, node_exporter, lintian): find them (a clear failure when missing, never a skip), run them,
// start daemons in their own temp dir and process group, and make sure none outlives the test run.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export { freePorts } from '../../scripts/cassandra/harness.mjs';
import { waitFor } from '../support/process.js';

export const PROGRAMS = {
  icinga2: { path: '/usr/sbin/icinga2', pkg: 'icinga2' },
  nagios4: { path: '/usr/sbin/nagios4', pkg: 'nagios4' },
  nrpe: { path: '/usr/sbin/nrpe', pkg: 'nagios-nrpe-server' },
  check_nrpe: { path: '/usr/lib/nagios/plugins/check_nrpe', pkg: 'nagios-nrpe-plugin' },
  promtool: { path: '/usr/bin/promtool', pkg: 'prometheus' },
  node_exporter: { path: '/usr/bin/prometheus-node-exporter', pkg: 'prometheus-node-exporter' },
  lintian: { path: '/usr/bin/lintian', pkg: 'lintian' },
} as const;

/** The program's path; throws (the test fails, it is not skipped) when Debian's package is not installed. */
export function requireProgram(name: keyof typeof PROGRAMS): string {
  const { path, pkg } = PROGRAMS[name];
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `${path} is missing: this test runs the real ${name} from Debian's package ${pkg}. Install it with: bash scripts/install-monitoring.sh`,
    );
  }
  return path;
}

/** A fresh directory under the system temp dir, readable by other users (daemons that drop privileges). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

export const IS_ROOT = process.getuid?.() === 0;
export const CURRENT_USER = userInfo().username;

/** uid/gid of a local user, or undefined. */
export function userIds(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (line === undefined) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

// ---------------------------------------------------------------------------------------------
// Daemons: own process group (so the daemon's children go with it), output to files, a safety net.

const liveGroups = new Set<number>();
let hookInstalled = false;
function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  // Safety net: a test run that ends without afterAll (crash, Ctrl-C) must not leave a daemon behind.
  const killAll = (): void => {
    for (const pgid of liveGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    liveGroups.clear();
  };
  process.on('exit', killAll);
}

// And for a test process killed by SIGKILL (no exit hook runs): a detached watchdog per daemon kills
// the daemon's group once this process is gone, if the leader's command line still names its dir.
const WATCHDOG = `
n="$1"; g="$2"; d="$3"
while kill -0 "$n" 2>/dev/null && kill -0 "$g" 2>/dev/null; do sleep 2; done
kill -0 "$n" 2>/dev/null && exit 0
if kill -0 "$g" 2>/dev/null && tr '\\0' ' ' < "/proc/$g/cmdline" | grep -qF -- "$d"; then kill -9 -- "-$g"; fi
`;

export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** stdout + stderr of the daemon */
  readonly logFile: string;
  exited(): boolean;
  log(): string;
  /** SIGTERM to the whole group, SIGKILL after graceMs; resolves when the leader has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a daemon in the foreground of its own process group; its command line must name `options.dir` (the watchdog checks). */
export function startDaemon(
  name: string,
  command: string,
  args: readonly string[],
  options: { dir: string; env?: NodeJS.ProcessEnv },
): Daemon {
  installExitHook();
  const logFile = join(options.dir, `${name}.out`);
  const fd = openSync(logFile, 'a');
  const child = spawn(command, [...args], {
    cwd: options.dir,
    env: options.env ?? process.env,
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  liveGroups.add(pid);
  spawn('sh', ['-c', WATCHDOG, 'watchdog', String(process.pid), String(pid), options.dir], {
    detached: true,
    stdio: 'ignore',
  }).unref();
  let exitedAt: number | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exitedAt = Date.now();
      resolve();
    });
    child.on('error', () => {
      exitedAt = Date.now();
      resolve();
    });
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone
    }
  };
  return {
    name,
    pid,
    child,
    logFile,
    exited: () => exitedAt !== undefined,
    log: () => readFileSync(logFile, 'utf8'),
    async stop(graceMs = 10_000) {
      if (!liveGroups.has(pid)) return;
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      // Whatever the leader left in its group (a worker, a plugin still running) goes too.
      await waitFor(() => !groupAlive(pid), `${name}'s process group to end`, { timeoutMs: 5_000 }).catch(() =>
        killGroup('SIGKILL'),
      );
      liveGroups.delete(pid);
    },
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The process list, as `ps` shows it to every local user.

export interface ProcessEntry {
  pid: number;
  /** argv joined by spaces */
  cmdline: string;
  /** the environment, when readable (our own processes, or root) */
  environ?: string[];
  /** the parent's name (/proc/PPID/comm) */
  parentName?: string;
}

export function processTable(withEnviron = false): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const entry: ProcessEntry = { pid: Number(name), cmdline };
      if (withEnviron) {
        try {
          entry.environ = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
        } catch {
          // not ours to read
        }
      }
      entries.push(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  return entries;
}

/**
 * Samples the process list every few milliseconds until stopped; keeps every process whose command
 * line matches `pattern` (with its environment and parent's name), and remembers the command lines
 * matching `watch` that contained `secret`. (Not every process: the suite's Cassandra JVM carries the
 * test agent's password in its own -javaagent options.)
 */
export function sampleProcesses(
  pattern: RegExp,
  secret: string,
  watch: RegExp,
): { stop(): { matches: ProcessEntry[]; secretInArgv: string[]; samples: number } } {
  const matches = new Map<number, ProcessEntry>();
  const secretInArgv: string[] = [];
  let samples = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    samples++;
    for (const entry of processTable(false)) {
      if (watch.test(entry.cmdline) && entry.cmdline.includes(secret)) secretInArgv.push(entry.cmdline.slice(0, 300));
      if (pattern.test(entry.cmdline) && !matches.has(entry.pid)) {
        try {
          entry.environ = readFileSync(`/proc/${entry.pid}/environ`, 'utf8').split('\0');
          const stat = readFileSync(`/proc/${entry.pid}/stat`, 'utf8');
          const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
          entry.parentName = readFileSync(`/proc/${ppid}/comm`, 'utf8').trim();
        } catch {
          // ended meanwhile
        }
        matches.set(entry.pid, entry);
      }
    }
    setTimeout(tick, 3);
  };
  tick();
  return {
    stop() {
      running = false;
      return { matches: [...matches.values()], secretInArgv, samples };
    },
  };
}

/** Removes a temp dir, quietly. */
export function removeDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

/** Whether `user` can read `file` (checked by the kernel, through runuser), when we are root. */
export function readableBy(user: string, file: string): boolean {
  if (!IS_ROOT) return true;
  return spawnSync('runuser', ['-u', user, '--', 'test', '-r', file]).status === 0;
}
