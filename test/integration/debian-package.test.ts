// The Debian package as an operator gets it: `npm run deb` builds it, lintian (Debian's package)
// has nothing to say about it, dpkg -i installs it with apt resolving nothing, every plugin runs
// from /usr/lib/nagios/plugins against the suite's real node — on the machine's Node and on Debian
// 12's own Node 18 — and dpkg -r leaves nothing behind. (Icinga 2 running the installed plugins
// through the stock `include <plugins-contrib>`: icinga2.test.ts.)

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGINS } from '../../src/plugins/index.js';
import { TOOLS } from '../../src/tools/index.js';
import { ROOT, runProcess } from '../support/process.js';
import { cassandra } from './cassandra-context.js';
import {
  buildPackage,
  DEBIAN_LAYOUT,
  DEBIAN_PACKAGE,
  installPackage,
  packageStatus,
  removePackage,
} from './debian-package.js';
import { removeDir, requireProgram, tempDir } from './monitoring-tools.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

let dir: string;
let deb: string;
/** What the package installs: paths without the leading `.`, folders with a trailing `/`. */
let contents: string[];

beforeAll(async () => {
  dir = tempDir('it-deb-');
  deb = await buildPackage(dir);
  const listing = spawnSync('dpkg-deb', ['-c', deb], { encoding: 'utf8' });
  contents = listing.stdout
    .trim()
    .split('\n')
    .map((line) => line.split(/\s+/).slice(5).join(' ').replace(/^\./, ''));
}, 180_000);

afterAll(async () => {
  await removePackage();
  removeDir(dir);
});

const field = (name: string): string => spawnSync('dpkg-deb', ['-f', deb, name], { encoding: 'utf8' }).stdout.trim();
const installed = (name: string): string => join(DEBIAN_LAYOUT.plugins, name);

describe('the package file', () => {
  it(`is ${DEBIAN_PACKAGE}_<version>_all.deb: architecture all, on the distribution's Node`, () => {
    expect(deb).toBe(join(dir, `${DEBIAN_PACKAGE}_${version}_all.deb`));
    expect([field('Package'), field('Version'), field('Architecture'), field('Depends')]).toEqual([
      DEBIAN_PACKAGE,
      version,
      'all',
      'nodejs (>= 18)',
    ]);
  });

  it('holds the plugins, their code, the Icinga 2 commands, the examples and the copyright; no code cache, no node_modules', () => {
    for (const plugin of PLUGINS) {
      expect(contents).toContain(installed(plugin.name));
      expect(contents).toContain(`${DEBIAN_LAYOUT.library}/${plugin.name}.cjs`);
    }
    for (const file of [
      `${DEBIAN_LAYOUT.library}/launch.cjs`,
      `${DEBIAN_LAYOUT.library}/js-yaml.cjs`,
      DEBIAN_LAYOUT.icingaCommands,
      `${DEBIAN_LAYOUT.documentation}/copyright`,
      `${DEBIAN_LAYOUT.documentation}/changelog.gz`,
      `${DEBIAN_LAYOUT.documentation}/examples/jolokia-access.xml`,
      `${DEBIAN_LAYOUT.documentation}/examples/nagios-commands.cfg`,
      `${DEBIAN_LAYOUT.documentation}/examples/nrpe.cfg`,
    ]) {
      expect(contents).toContain(file);
    }
    for (const tool of TOOLS) {
      expect(contents).toContain(`${DEBIAN_LAYOUT.tools}/${tool.name}`);
      expect(contents).toContain(`${DEBIAN_LAYOUT.library}/${tool.name}.cjs`);
      expect(contents).toContain(`${DEBIAN_LAYOUT.manuals}/${tool.name}.8.gz`);
    }
    expect(contents.filter((path) => path.endsWith('.cache') || path.includes('node_modules'))).toEqual([]);
  });

  it('lintian (Debian 12) reports nothing: no error, warning, pedantic or informational tag', async () => {
    const lintian = requireProgram('lintian');
    // lintian's scratch files (mldbm-elf-*) stay behind in TMPDIR: the test's own folder takes them.
    const env = { ...process.env, TMPDIR: dir };
    const run = await runProcess(
      lintian,
      ['--info', '--pedantic', '--display-experimental', '--fail-on', 'error,warning', deb],
      { killAfterMs: 300_000, env },
    );
    expect(run.stdout.trim(), run.stdout).toBe('');
    expect(run.code, run.stderr).toBe(0);
    // The one override (see docs/DECISIONS.md D18) hides the plugin folder's tag and nothing else.
    const overridden = await runProcess(lintian, ['--show-overrides', '--pedantic', '--display-experimental', deb], {
      killAfterMs: 300_000,
      env,
    });
    const tags = overridden.stdout.split('\n').filter((line) => line.startsWith('O: '));
    expect(tags.map((line) => line.replace(/ \[.*$/, ''))).toEqual(
      PLUGINS.map(() => `O: ${DEBIAN_PACKAGE}: executable-in-usr-lib`),
    );
  }, 300_000);
});

describe('installed with dpkg -i', () => {
  beforeAll(async () => {
    const install = await installPackage(deb);
    expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);
    expect(await packageStatus()).toBe('install ok installed');
  }, 120_000);

  it.each(PLUGINS.map((p) => p.name))('%s runs from /usr/lib/nagios/plugins: --version', async (name) => {
    expect(statSync(installed(name)).mode & 0o777).toBe(0o755);
    const run = await runProcess(installed(name), ['--version'], { cwd: '/', env: { PATH: '/usr/bin:/bin' } });
    expect([run.code, run.stdout, run.stderr]).toEqual([3, `${name} ${version}\n`, '']);
  });

  it.each(TOOLS.map((t) => t.name))(
    '%s runs from /usr/sbin: --version, and its manual page is its --help',
    async (name) => {
      const installedTool = join(DEBIAN_LAYOUT.tools, name);
      expect(statSync(installedTool).mode & 0o777).toBe(0o755);
      const run = await runProcess(installedTool, ['--version'], { cwd: '/', env: { PATH: '/usr/bin:/bin' } });
      expect([run.code, run.stdout, run.stderr]).toEqual([0, `${name} ${version}\n`, '']);
      const manual = await runProcess('man', ['-l', join(DEBIAN_LAYOUT.manuals, `${name}.8.gz`)], {
        env: { PATH: '/usr/bin:/bin', MANWIDTH: '200', MAN_KEEP_FORMATTING: '' },
      });
      expect(manual.stdout).toContain('--agent-jar JAR');
    },
  );

  it('every plugin checks the real node from there', async () => {
    const url = cassandra().jolokiaUrl;
    const expected: Record<string, RegExp> = {
      check_cassandra_backup: /^CASSANDRA BACKUP (OK|WARNING) - Incremental backup is (enabled|disabled)/,
      check_cassandra_node: /^CASSANDRA NODE (OK|WARNING|CRITICAL) - /,
      check_cassandra_backup_backlog: /^CASSANDRA BACKUP BACKLOG OK - /,
      check_cassandra_snapshots: /^CASSANDRA SNAPSHOTS OK - /,
      check_cassandra_cluster_backup: /^CASSANDRA CLUSTER BACKUP (OK|WARNING) - /,
    };
    for (const plugin of PLUGINS) {
      const run = await runProcess(installed(plugin.name), ['--url', url], {
        cwd: '/',
        env: { PATH: '/usr/bin:/bin' },
      });
      expect(run.code, run.stdout + run.stderr).toBeLessThan(3);
      expect(run.stdout).toMatch(expected[plugin.name] ?? /^$/);
    }
  });

  it('--find-config loads the YAML parser from the package', async () => {
    const run = await runProcess(
      installed('check_cassandra_backup'),
      ['--url', cassandra().jolokiaUrl, '--find-config', '-v'],
      { cwd: '/', env: { PATH: '/usr/bin:/bin' } },
    );
    expect(run.code, run.stdout + run.stderr).toBeLessThan(3);
    expect(run.stdout).toContain('has incremental_backups: false');
  });

  it("the installed plugins run on Debian 12's own Node 18 as well", async () => {
    const wrapper = spawnSync('bash', [join(ROOT, 'scripts', 'debian-node.sh')], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .pop() as string;
    expect((await runProcess(wrapper, ['-p', 'process.versions.node'])).stdout).toMatch(/^18\./);
    const run = await runProcess(
      wrapper,
      [installed('check_cassandra_backup'), '--url', cassandra().jolokiaUrl, '--find-config'],
      { cwd: '/' },
    );
    expect(run.code, run.stdout + run.stderr).toBeLessThan(3);
    expect(run.stdout).toMatch(/^CASSANDRA BACKUP (OK|WARNING) - /);
  });
});

describe('removed with dpkg -r', () => {
  it('leaves nothing behind', async () => {
    const removal = await removePackage();
    expect(removal?.code, `${removal?.stdout}\n${removal?.stderr}`).toBe(0);
    // No conffiles, so nothing is left for a purge: dpkg forgets the package altogether.
    expect(await packageStatus()).toBeUndefined();
    const files = contents.filter((path) => !path.endsWith('/'));
    expect(files.filter((path) => existsSync(path))).toEqual([]);
    expect([DEBIAN_LAYOUT.library, DEBIAN_LAYOUT.documentation].filter((path) => existsSync(path))).toEqual([]);
  });
});
