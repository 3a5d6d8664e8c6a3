// The Debian package's layout and what in it comes from the registry: the plugins' executables as
// installed, starting their bundles from the package's library folder on the distribution's Node.
// scripts/deb.mjs assembles the package around them.

import type { PluginEntry } from '../plugins/entry.js';
import type { ToolEntry } from '../tools/index.js';

export const DEBIAN_PACKAGE = 'cassandra-monitoring-plugins';

export const DEBIAN_LAYOUT = {
  /** Where Debian's monitoring-plugins are, and where $USER1$ and Icinga 2's PluginContribDir point. */
  plugins: '/usr/lib/nagios/plugins',
  /** The tools (src/tools/): run by root on a node, so in the administrator's path. */
  tools: '/usr/sbin',
  /** Their manual pages: section 8, system administration. */
  manuals: '/usr/share/man/man8',
  /** The bundles, their launcher and the YAML parser: private to the package. */
  library: `/usr/lib/${DEBIAN_PACKAGE}`,
  /** Icinga 2's stock `include <plugins-contrib>` reads every file in that folder, as the ITL's own. */
  icingaCommands: '/usr/share/icinga2/include/plugins-contrib.d/cassandra.conf',
  documentation: `/usr/share/doc/${DEBIAN_PACKAGE}`,
} as const;

/** An installed plugin: Debian's own Node (Depends: nodejs) runs the bundle through the launcher. */
export function debianEntryFile(plugin: PluginEntry): string {
  const { library } = DEBIAN_LAYOUT;
  return [
    '#!/usr/bin/node',
    `// ${plugin.name}: ${plugin.summary}.`,
    `// Installed by the ${DEBIAN_PACKAGE} package; the code is in ${library}.`,
    `require('${library}/launch.cjs').launch('${library}/${plugin.name}.cjs', ${JSON.stringify(plugin.service)});`,
    '',
  ].join('\n');
}

/** An installed tool: Debian's own Node runs its bundle from the library folder. */
export function debianToolFile(tool: ToolEntry): string {
  const { library } = DEBIAN_LAYOUT;
  return [
    '#!/usr/bin/node',
    `// ${tool.name}: ${tool.summary}.`,
    `// Installed by the ${DEBIAN_PACKAGE} package; the code is in ${library}.`,
    `require('${library}/${tool.name}.cjs');`,
    '',
  ].join('\n');
}

/**
 * A tool's manual page: its --help text as it prints it, set as-is (roff no-fill), under the
 * NAME line `man` and `apropos` index. Every '-' and '\' is escaped, so that options stay
 * copyable; a line starting with '.' or "'" is guarded from being read as a request.
 */
export function manualPage(tool: ToolEntry, help: string, version: string, date: string): string {
  const body = help
    .replace(/^[^\n]*\n\n/, '') // the first line is the name and version, already in .TH
    .trimEnd()
    .split('\n')
    .map((line) => {
      const escaped = line.replace(/\\/g, '\\e').replace(/-/g, '\\-');
      return /^['.]/.test(escaped) ? `\\&${escaped}` : escaped;
    });
  return [
    `.TH ${tool.name.toUpperCase()} 8 "${date}" "${DEBIAN_PACKAGE} ${version}" "System Administration"`,
    '.SH NAME',
    `${tool.name.replace(/-/g, '\\-')} \\- ${tool.summary}`,
    '.SH DESCRIPTION',
    '.nf',
    ...body,
    '.fi',
    '',
  ].join('\n');
}
