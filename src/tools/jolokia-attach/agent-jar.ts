// The Jolokia agent jar's own launcher (`java -jar …-javaagent.jar`): `status` asks the JVM whether
// an agent is attached, `start` attaches one. It runs on the JVM's own java, as the JVM's user,
// with a bare environment: nothing of ours (a JOLOKIA_PASSWORD) reaches it.

import { execFile } from 'node:child_process';
import { AttachError, AttachFailed } from './errors.js';
import { type AttachAs, commandAs } from './user.js';

export interface JarRunner {
  readonly as: Exclude<AttachAs, { kind: 'refuse' }>;
  readonly java: string;
  readonly agentJar: string;
}

interface Run {
  readonly code: number;
  readonly output: string;
}

const BARE_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' };

function runJar(runner: JarRunner, args: readonly string[], timeoutMs: number): Promise<Run> {
  const { file, args: argv } = commandAs(runner.as, runner.java, ['-jar', runner.agentJar, ...args]);
  return new Promise((resolve, reject) => {
    execFile(file, argv, { env: BARE_ENV, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      if (code === null) reject(new AttachError(`${file} failed: ${error?.message.split('\n')[0]}`));
      else resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** The URL of the agent attached to the JVM (the jar reads the JVM's jolokia.agent property), or null. */
export async function attachedAgent(runner: JarRunner, pid: number): Promise<string | null> {
  const run = await runJar(runner, ['status', String(pid)], 60_000);
  if (run.code === 0) return /^https?:\/\/\S+/m.exec(run.output)?.[0] ?? 'an unknown URL';
  if (run.code === 1 && /not attached|no jolokia agent|is not running/i.test(run.output)) return null;
  throw new AttachError(`cannot ask process ${pid} for its agent: ${lastLines(run.output)}`);
}

/**
 * Attaches the agent, configured by the properties file that the agent reads inside the JVM. The
 * launcher's own wait for the agent's start (500 ms by default, too short for a busy node: it then
 * reports a failure while the agent starts) is the caller's timeout.
 */
export async function startAgent(
  runner: JarRunner,
  pid: number,
  propertiesFile: string,
  timeoutMs: number,
): Promise<void> {
  const args = ['--startTimeout', String(timeoutMs), '--config', propertiesFile, 'start', String(pid)];
  const run = await runJar(runner, args, timeoutMs + 60_000).catch((error: unknown) => {
    // The launcher killed at our timeout, or gone: the attach itself failed.
    throw error instanceof AttachError ? new AttachFailed(error.message) : error;
  });
  if (run.code !== 0) throw new AttachFailed(`the attach to process ${pid} failed: ${lastLines(run.output)}`);
}

function lastLines(output: string): string {
  return output.split('\n').slice(-4).join(' / ') || 'no output';
}
