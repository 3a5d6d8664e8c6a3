// Installable: `npm pack` (with its real prepare step, the build) makes a tarball whose bin entries
// put every check_cassandra_* plugin on PATH. Installed into a temporary prefix with production
// dependencies only, each plugin answers --version and runs a real check against the suite's node,
// also through a symlink in a plugin folder, as Nagios ($USER1$) and Icinga 2 (PluginContribDir) use it.

import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGINS as REGISTRY } from '../../src/plugins/index.js';
import { runProcess } from '../support/process.js';
import { ROOT } from '../support/run-plugin.js';
import { cassandra, jolokia } from './cassandra-context.js';
import { removeDir, tempDir } from './monitoring-tools.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
};
/** Every plugin of the registry. */
const PLUGINS = REGISTRY.map((p) => p.name);

let dir: string;
let tarball: string;
let packedFiles: string[];
let prefix: string;
let installLog: string;

/** Runs an installed plugin by name, found through PATH alone (nothing from the checkout). */
function runInstalled(name: string, args: string[], path = join(prefix, 'bin')) {
  return runProcess(name, args, {
    cwd: dir,
    env: { PATH: `${path}:/usr/local/bin:/usr/bin:/bin` },
    killAfterMs: 30_000,
  });
}

beforeAll(async () => {
  dir = tempDir('it-package-');
  // Pack a copy of the checkout, so that the real `npm pack` (prepare: the build) never rewrites the
  // dist/ that other tests are running at the same time. node_modules is shared (esbuild for the build).
  const staging = join(dir, 'staging');
  mkdirSync(staging);
  for (const entry of readdirSync(ROOT)) {
    if (['node_modules', '.cache', 'dist', '.git', 'coverage'].includes(entry) || entry.endsWith('.tgz')) continue;
    cpSync(join(ROOT, entry), join(staging, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(staging, 'node_modules'));
  const out = join(dir, 'out');
  mkdirSync(out);
  const npmEnv = { ...process.env, npm_config_cache: join(dir, 'npm-cache'), npm_config_update_notifier: 'false' };
  const packed = await runProcess('npm', ['pack', '--pack-destination', out, '--json', '--no-audit', '--no-fund'], {
    cwd: staging,
    env: npmEnv,
    killAfterMs: 120_000,
  });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stdout}\n${packed.stderr}`);
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(out, info[0]?.filename as string);
  packedFiles = (info[0]?.files ?? []).map((f) => f.path);

  // Production dependencies only, offline: the package must need nothing from a registry.
  prefix = join(dir, 'prefix');
  const installed = await runProcess(
    'npm',
    ['install', '--global', '--prefix', prefix, '--omit=dev', '--offline', '--no-audit', '--no-fund', tarball],
    { cwd: dir, env: npmEnv, killAfterMs: 120_000 },
  );
  installLog = `${installed.stdout}\n${installed.stderr}`;
  if (installed.code !== 0) throw new Error(`npm install of the tarball failed:\n${installLog}`);
});

afterAll(() => removeDir(dir));

describe('npm pack', () => {
  it('holds the built plugins, the Icinga 2 commands and the docs; no sources, tests or scripts', () => {
    expect(existsSync(tarball)).toBe(true);
    for (const name of PLUGINS) {
      expect(packedFiles).toContain(`plugins/${name}`);
      expect(packedFiles).toContain(`dist/${name}.cjs`);
    }
    for (const file of [
      'package.json',
      'README.md',
      'icinga-commands.conf',
      'docs/nagios/commands.cfg',
      'docs/nagios/services.cfg',
      'docs/nrpe.cfg',
    ]) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.filter((f) => /^(src|test|scripts|\.ci|\.cache|node_modules)\//.test(f))).toEqual([]);
  });

  it('declares a bin entry for every check_cassandra_* plugin', () => {
    expect(PLUGINS.length).toBeGreaterThan(0);
    for (const name of PLUGINS) expect(pkg.bin[name], `bin.${name}`).toBe(`plugins/${name}`);
  });
});

describe('installed from the tarball into a prefix, production dependencies only', () => {
  const installedPackage = () => join(prefix, 'lib', 'node_modules', pkg.name);

  it('puts every plugin on PATH, linked into the installed package', () => {
    for (const name of PLUGINS) {
      const bin = join(prefix, 'bin', name);
      expect(lstatSync(bin).isSymbolicLink() || lstatSync(bin).isFile(), bin).toBe(true);
      expect(realpathSync(bin)).toBe(join(realpathSync(installedPackage()), 'plugins', name));
    }
    // Nothing else came along: the package has no runtime dependencies.
    expect(existsSync(join(installedPackage(), 'node_modules'))).toBe(false);
    expect(existsSync(join(installedPackage(), 'src'))).toBe(false);
  });

  it('puts cassandra-jolokia-attach on PATH too: --version, exit 0', async () => {
    const result = await runInstalled('cassandra-jolokia-attach', ['--version']);
    expect([result.code, result.stdout.trim(), result.stderr]).toEqual([
      0,
      `cassandra-jolokia-attach ${pkg.version}`,
      '',
    ]);
  });

  it.each(PLUGINS)('%s --version: the package version, exit 3 (Monitoring Plugins convention)', async (name) => {
    const result = await runInstalled(name, ['--version']);
    expect(result.stdout.trim()).toBe(`${name} ${pkg.version}`);
    expect(result.code).toBe(3);
  });

  it('check_cassandra_backup from PATH: a real check against the node, OK then WARNING', async () => {
    const url = cassandra().jolokiaUrl;
    for (const enabled of [true, false]) {
      const res = await jolokia('plain2', {
        type: 'write',
        mbean: 'org.apache.cassandra.db:type=StorageService',
        attribute: 'IncrementalBackupsEnabled',
        value: enabled,
      });
      expect((res.json as { status: number }).status).toBe(200);
      const result = await runInstalled('check_cassandra_backup', ['--url', url]);
      expect(result.code, result.stdout + result.stderr).toBe(enabled ? 0 : 1);
      expect(result.stdout).toMatch(
        enabled
          ? /^CASSANDRA BACKUP OK - Incremental backup is enabled \| backup_enabled=1;/
          : /^CASSANDRA BACKUP WARNING - Incremental backup is disabled/,
      );
    }
  });

  it('check_cassandra_backup --find-config from PATH: the YAML parser shipped beside the bundles', async () => {
    expect(packedFiles).toContain('dist/js-yaml.cjs');
    expect(readFileSync(join(installedPackage(), 'dist', 'js-yaml.cjs'), 'utf8')).toMatch(
      /^\/\*! js-yaml \d+\.\d+\.\d+\n\(The MIT License\)/,
    );
    const result = await runInstalled('check_cassandra_backup', [
      '--url',
      cassandra().jolokiaUrl,
      '--find-config',
      '-v',
    ]);
    expect(result.code, result.stdout + result.stderr).toBeLessThan(3);
    expect(result.stdout).toContain('has incremental_backups: false');
  });

  it('through a symlink in a plugin folder (as /usr/lib/nagios/plugins), the way Nagios and Icinga 2 run it', async () => {
    const pluginFolder = join(dir, 'nagios-plugins');
    mkdirSync(pluginFolder);
    for (const name of PLUGINS) symlinkSync(join(prefix, 'bin', name), join(pluginFolder, name));
    const result = await runInstalled(
      join(pluginFolder, 'check_cassandra_backup'),
      ['--url', cassandra().jolokiaUrl, '--format', 'nodetool'],
      '/nonexistent',
    );
    expect(result.stderr).toBe('');
    expect(['running\n', 'not running\n']).toContain(result.stdout);
  });
});
