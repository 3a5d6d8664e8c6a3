// The Debian package in the integration suite: built from the checkout with scripts/deb.mjs,
// installed with dpkg -i (apt resolves nothing: Depends: nodejs is met by the machine's Node),
// removed with dpkg -r. Installing touches the machine, so every test that installs it removes it
// in its afterAll, and a package left over by an interrupted run is removed before the next install.

import { join } from 'node:path';
import { DEBIAN_LAYOUT, DEBIAN_PACKAGE } from '../../src/generate/debian.js';
import { ROOT, runProcess, type ProcessRun } from '../support/process.js';

export { DEBIAN_LAYOUT, DEBIAN_PACKAGE };

const SUDO = process.getuid?.() === 0 ? [] : ['sudo', '-n'];

function asRoot(command: string, args: string[]): Promise<ProcessRun> {
  const [program, ...rest] = [...SUDO, command, ...args] as [string, ...string[]];
  return runProcess(program, rest, { killAfterMs: 120_000 });
}

/** Builds the package from dist/ (npm test built it) into `dir`; returns the .deb's path. */
export async function buildPackage(dir: string): Promise<string> {
  const built = await runProcess(process.execPath, [join(ROOT, 'scripts', 'deb.mjs'), '--out', dir], {
    cwd: ROOT,
    killAfterMs: 120_000,
  });
  if (built.code !== 0) throw new Error(`scripts/deb.mjs failed:\n${built.stdout}\n${built.stderr}`);
  return built.stdout.trim().split('\n').pop() as string;
}

/** dpkg's status of the package: e.g. `install ok installed`, or undefined when dpkg does not know it. */
export async function packageStatus(): Promise<string | undefined> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${Status} is dpkg-query's own format, not ours
  const query = await runProcess('dpkg-query', ['-W', '-f=${Status}', DEBIAN_PACKAGE]);
  return query.code === 0 && query.stdout.trim() !== '' ? query.stdout.trim() : undefined;
}

export async function installPackage(deb: string): Promise<ProcessRun> {
  await removePackage();
  return asRoot('dpkg', ['-i', deb]);
}

/** dpkg -r when the package is installed; the run, or undefined when there was nothing to remove. */
export async function removePackage(): Promise<ProcessRun | undefined> {
  const status = await packageStatus();
  if (status === undefined || !status.endsWith(' installed')) return undefined;
  return asRoot('dpkg', ['-r', DEBIAN_PACKAGE]);
}
