// Runtime: the process boundary. Runs a plugin as the monitoring core starts it: prints what
// `execute` returns and exits with its code; turns the core's signals and anything that escapes
// into one clean UNKNOWN line.

import { writeSync } from 'node:fs';
import { lastResortLine } from './last-resort.js';
import { execute, type Outcome, type PluginInfo } from './plugin.js';

/**
 * Runs a plugin as a process: prints, and exits with the state's code. SIGTERM and SIGINT from
 * the monitoring core end it with UNKNOWN and one clean line in the chosen format, never a
 * stack trace.
 */
export function main(plugin: PluginInfo): void {
  // -t counts from the start of the process, as the monitoring core's clock does, not from here.
  const startedAt = Date.now() - Math.round(process.uptime() * 1000);
  const finish = (outcome: Outcome): never => {
    write(1, outcome.stdout);
    write(2, outcome.stderr);
    process.exit(outcome.exitCode);
  };
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      const plain = (): never =>
        finish({ exitCode: 3, stdout: `${plugin.service} UNKNOWN - stopped by ${signal}\n`, stderr: '' });
      // The running check ends at once through `execute`, so JSON stays JSON; a second signal,
      // or an execute that does not end, gets the plain line.
      if (stop.signal.aborted) plain();
      stop.abort(signal);
      setTimeout(plain, 500);
    });
  }
  // Whatever escapes execute (a renderer that throws, a callback nobody awaited) is still one line.
  const lastResort = (error: unknown): never =>
    finish({ exitCode: 3, stdout: lastResortLine(plugin.service, 'internal error', error), stderr: '' });
  process.on('uncaughtException', lastResort);
  process.on('unhandledRejection', lastResort);
  execute(plugin, process.argv.slice(2), process.env, startedAt, stop.signal).then(finish, lastResort);
}

function write(fd: 1 | 2, text: string): void {
  if (text === '') return;
  const buffer = Buffer.from(text);
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(fd, buffer, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      return; // the reader went away (EPIPE): nobody is left to tell
    }
  }
}
