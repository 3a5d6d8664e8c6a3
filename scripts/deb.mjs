// npm run deb: cassandra-monitoring-plugins_<version>_all.deb, the way monitoring plugins reach
// their hosts. Built with dpkg-deb from what `npm run build` made (dist/) and from the registry
// (src/generate/debian.ts): the plugins in /usr/lib/nagios/plugins on the distribution's Node
// (Depends: nodejs >= 18), their code in /usr/lib/cassandra-monitoring-plugins, the CheckCommands
// where Icinga 2's `include <plugins-contrib>` finds them, the tools (src/tools/) in /usr/sbin with
// their manual pages, the Nagios, NRPE and Jolokia examples under /usr/share/doc. A native package: the project is its own upstream.
//
//   node scripts/deb.mjs [--out DIR]      prints the path of the .deb (default DIR: the checkout)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadRegistry, root, version } from './registry.mjs';

const { PLUGINS, TOOLS, DEBIAN_PACKAGE, DEBIAN_LAYOUT, debianEntryFile, debianToolFile, manualPage } =
  await loadRegistry();
const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : root;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const maintainer = manifest.author;
if (typeof maintainer !== 'string' || !/^[^<>]+ <[^<>@\s]+@[^<>\s]+>$/.test(maintainer))
  throw new Error('package.json needs "author": "Name <address>" for the Maintainer field');

const dist = join(root, 'dist');
const bundles = ['launch.cjs', 'js-yaml.cjs', 'cql.cjs', ...[...PLUGINS, ...TOOLS].map((p) => `${p.name}.cjs`)];
for (const file of bundles)
  if (!existsSync(join(dist, file))) throw new Error(`dist/${file} is missing: run npm run build first`);

// Dates and times from the last commit, so that the same commit builds the same package.
const epoch = Number(gitOr(['log', '-1', '--format=%ct'], String(Math.floor(Date.now() / 1000))));
const changelogDate = new Date(epoch * 1000)
  .toUTCString()
  .replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1, $2 $3 $4 $5 +0000');

const staging = join(root, '.cache', 'deb', DEBIAN_PACKAGE);
rmSync(staging, { recursive: true, force: true });
/** Writes a file of the package, its folders 0755. */
const put = (path, content, mode = 0o644) => {
  const file = join(staging, path);
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, content);
  chmodSync(file, mode);
};

for (const plugin of PLUGINS) put(`${DEBIAN_LAYOUT.plugins}/${plugin.name}`, debianEntryFile(plugin), 0o755);
// No V8 code caches: they fit only the Node that made them, and the target's is another one.
for (const file of bundles) put(`${DEBIAN_LAYOUT.library}/${file}`, readFileSync(join(dist, file)));
put(DEBIAN_LAYOUT.icingaCommands, readFileSync(join(root, 'icinga-commands.conf')));
// The tools, for root on a node, with their --help as the manual page.
for (const tool of TOOLS) {
  put(`${DEBIAN_LAYOUT.tools}/${tool.name}`, debianToolFile(tool), 0o755);
  const help = execFileSync(process.execPath, [join(dist, `${tool.name}.cjs`), '--help'], { encoding: 'utf8' });
  const date = new Date(epoch * 1000).toISOString().slice(0, 10);
  put(`${DEBIAN_LAYOUT.manuals}/${tool.name}.8.gz`, gzip(manualPage(tool, help, version, date)));
}

const doc = DEBIAN_LAYOUT.documentation;
const examples = {
  'nagios-commands.cfg': 'docs/nagios/commands.cfg',
  'nagios-services.cfg': 'docs/nagios/services.cfg',
  'nrpe.cfg': 'docs/nrpe.cfg',
  'jolokia-access.xml': 'docs/jolokia-access.xml',
  'icinga-director-basket.json': 'icinga-director-basket.json',
};
for (const [name, source] of Object.entries(examples)) put(`${doc}/examples/${name}`, readFileSync(join(root, source)));
for (const name of ['README.md', 'SECURITY.md'])
  put(`${doc}/${name}.gz`, gzip(readFileSync(join(root, name === 'README.md' ? name : `docs/${name}`))));
put(`${doc}/changelog.gz`, gzip(changelog()));
put(`${doc}/copyright`, copyright());
put(`/usr/share/lintian/overrides/${DEBIAN_PACKAGE}`, lintianOverrides());

const installedKiB = Math.ceil(sizeOf(staging) / 1024);
put('DEBIAN/control', control(installedKiB));
put('DEBIAN/md5sums', md5sums());

mkdirSync(out, { recursive: true });
const deb = join(out, `${DEBIAN_PACKAGE}_${version}_all.deb`);
execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', staging, deb], {
  env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
  stdio: ['ignore', 'ignore', 'inherit'],
});
console.log(deb);

function control(installedSize) {
  const names = PLUGINS.map((p) => p.name);
  return `Package: ${DEBIAN_PACKAGE}
Version: ${version}
Architecture: all
Maintainer: ${maintainer}
Installed-Size: ${installedSize}
Depends: nodejs (>= 18)
Suggests: icinga2 | nagios4 | nagios-nrpe-server
Section: net
Priority: optional
Description: Cassandra monitoring plugins for Nagios and Icinga, over Jolokia
 Monitoring plugins that ask Apache Cassandra nodes over the Jolokia JVM
 agent (JMX over HTTP) what nodetool would tell, without starting a JVM per
 check:
${PLUGINS.map((p) => ` .\n${wrap(`${p.name}: ${p.summary}.`, '  ')}`).join('\n')}
 .
 They follow the Monitoring Plugins conventions (status line, perfdata,
 thresholds, -t, -v, --extra-opts) and also print JSON and Prometheus text.
${wrap(`The plugins are installed in ${DEBIAN_LAYOUT.plugins}; the Icinga 2 CheckCommands (${names.map((n) => n.replace(/^check_/, '')).join(', ')}) come with the stock "include <plugins-contrib>".`, ' ')}
`;
}

/** Words wrapped into lines of at most 78 characters, the first starting with `first`, the rest with `indent`. */
function wrap(text, indent, first = indent) {
  const lines = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= 78) lines[last] += ` ${word}`;
    else lines.push(`${last < 0 ? first : indent}${word}`);
  }
  return lines.join('\n');
}

function changelog() {
  return `${DEBIAN_PACKAGE} (${version}) unstable; urgency=medium

${wrap(`Package ${PLUGINS.map((p) => p.name).join(', ')}, built from the project's own sources (npm run deb).`, '    ', '  * ')}

 -- ${maintainer}  ${changelogDate}
`;
}

function copyright() {
  const jsYaml = JSON.parse(readFileSync(join(root, 'node_modules', 'js-yaml', 'package.json'), 'utf8'));
  const jsYamlLicence = readFileSync(join(root, 'node_modules', 'js-yaml', 'LICENSE'), 'utf8');
  const holder = /Copyright \(C\) ([^\n]+)/.exec(jsYamlLicence)?.[1] ?? 'the js-yaml authors';
  const permission = jsYamlLicence.slice(jsYamlLicence.indexOf('Permission is hereby granted'));
  const indent = (text) =>
    text
      .trim()
      .split('\n')
      .map((line) => (line.trim() === '' ? ' .' : ` ${line}`))
      .join('\n');
  return `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ${DEBIAN_PACKAGE}
Upstream-Contact: ${maintainer}

Files: *
Copyright: ${new Date(epoch * 1000).getUTCFullYear()} ${maintainer.replace(/ <.*$/, '')}
License: Apache-2.0

Files: ${DEBIAN_LAYOUT.library.slice(1)}/js-yaml.cjs
Copyright: ${holder.replace(/^(\d{4}-\d{4}) by /, '$1 ')}
Comment: js-yaml ${jsYaml.version}, bundled into one file by esbuild.
License: Expat

License: Apache-2.0
 On Debian systems, the full text of the Apache License, Version 2.0 is in
 /usr/share/common-licenses/Apache-2.0.

License: Expat
${indent(permission)}
`;
}

/**
 * lintian's experimental executable-in-usr-lib asks for /usr/libexec, but /usr/lib/nagios/plugins is
 * where Debian's own monitoring-plugins live and where $USER1$, PluginContribDir and NRPE look.
 */
function lintianOverrides() {
  return `# Monitoring plugins belong where Debian's monitoring-plugins packages put them: /usr/lib/nagios/plugins
# is what Nagios' $USER1$, Icinga 2's PluginContribDir and the NRPE examples point at.
${DEBIAN_PACKAGE}: executable-in-usr-lib [${DEBIAN_LAYOUT.plugins.slice(1)}/*]
`;
}

function md5sums() {
  const lines = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (relative(staging, path) !== 'DEBIAN') walk(path);
      } else {
        lines.push(`${createHash('md5').update(readFileSync(path)).digest('hex')}  ${relative(staging, path)}`);
      }
    }
  };
  walk(staging);
  return `${lines.join('\n')}\n`;
}

function sizeOf(dir) {
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    bytes += stat.isDirectory() ? sizeOf(path) : stat.size;
  }
  return bytes;
}

/** gzip -9n: best compression, no name or time in the header (reproducible; lintian checks it). */
function gzip(content) {
  return gzipSync(content, { level: 9 });
}

function gitOr(args, fallback) {
  try {
    return (
      execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || fallback
    );
  } catch {
    return fallback;
  }
}
