// The Debian package's layout and what in it comes from the registry: the plugins' executables as
// installed, starting their bundles from the package's library folder on the distribution's Node.
// scripts/deb.mjs assembles the package around them.

import type { PluginEntry } from '../plugins/entry.js';

export const DEBIAN_PACKAGE = 'cassandra-monitoring-plugins';

export const DEBIAN_LAYOUT = {
  /** Where Debian's monitoring-plugins are, and where $USER1$ and Icinga 2's PluginContribDir point. */
  plugins: '/usr/lib/nagios/plugins',
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
