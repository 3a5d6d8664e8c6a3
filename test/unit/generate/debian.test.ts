// The Debian package's layout and its plugin executables: Debian's own Node starts the bundle
// from the package's library folder. The package built and installed: test/integration/debian-package.test.ts.
import { describe, expect, it } from 'vitest';
import { DEBIAN_LAYOUT, DEBIAN_PACKAGE, debianEntryFile } from '../../../src/generate/debian.js';
import { ENTRY } from './entry.js';

describe('the Debian layout', () => {
  it('the plugins where $USER1$ and PluginContribDir point, the code private to the package, the CheckCommands where <plugins-contrib> reads', () => {
    expect(DEBIAN_PACKAGE).toBe('cassandra-monitoring-plugins');
    expect(DEBIAN_LAYOUT).toEqual({
      plugins: '/usr/lib/nagios/plugins',
      library: '/usr/lib/cassandra-monitoring-plugins',
      icingaCommands: '/usr/share/icinga2/include/plugins-contrib.d/cassandra.conf',
      documentation: '/usr/share/doc/cassandra-monitoring-plugins',
    });
  });
});

describe('debianEntryFile', () => {
  it("Debian's node, the launcher and bundle from the library folder, the service quoted as JSON", () => {
    expect(debianEntryFile(ENTRY)).toBe(
      [
        '#!/usr/bin/node',
        '// check_x: checks x.',
        '// Installed by the cassandra-monitoring-plugins package; the code is in /usr/lib/cassandra-monitoring-plugins.',
        `require('/usr/lib/cassandra-monitoring-plugins/launch.cjs').launch('/usr/lib/cassandra-monitoring-plugins/check_x.cjs', "X \\"QUOTED\\"");`,
        '',
      ].join('\n'),
    );
  });
});
