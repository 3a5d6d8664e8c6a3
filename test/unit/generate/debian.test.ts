// The Debian package's layout and its plugin executables: Debian's own Node starts the bundle
// from the package's library folder. The package built and installed: test/integration/debian-package.test.ts.
import { describe, expect, it } from 'vitest';
import {
  DEBIAN_LAYOUT,
  DEBIAN_PACKAGE,
  debianEntryFile,
  debianToolFile,
  manualPage,
} from '../../../src/generate/debian.js';
import { TOOLS } from '../../../src/tools/index.js';
import { ENTRY } from './entry.js';

describe('the Debian layout', () => {
  it('the plugins where $USER1$ and PluginContribDir point, the code private to the package, the CheckCommands where <plugins-contrib> reads', () => {
    expect(DEBIAN_PACKAGE).toBe('cassandra-monitoring-plugins');
    expect(DEBIAN_LAYOUT).toEqual({
      plugins: '/usr/lib/nagios/plugins',
      tools: '/usr/sbin',
      manuals: '/usr/share/man/man8',
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

describe('the tools', () => {
  const tool = { name: 'tool-x', summary: 'does x', source: 'src/tools/x.ts' };

  it("debianToolFile: Debian's node runs the bundle from the library folder", () => {
    expect(debianToolFile(tool)).toBe(
      [
        '#!/usr/bin/node',
        '// tool-x: does x.',
        '// Installed by the cassandra-monitoring-plugins package; the code is in /usr/lib/cassandra-monitoring-plugins.',
        "require('/usr/lib/cassandra-monitoring-plugins/tool-x.cjs');",
        '',
      ].join('\n'),
    );
  });

  it('manualPage: the --help text unfilled under NAME, dashes and backslashes escaped, no line read as a request', () => {
    const help = 'tool-x 1.0\n\nUsage: tool-x --flag\n.dot first\n  a \\ b\n';
    expect(manualPage(tool, help, '1.0', '2026-01-02')).toBe(
      [
        '.TH TOOL-X 8 "2026-01-02" "cassandra-monitoring-plugins 1.0" "System Administration"',
        '.SH NAME',
        'tool\\-x \\- does x',
        '.SH DESCRIPTION',
        '.nf',
        'Usage: tool\\-x \\-\\-flag',
        '\\&.dot first',
        '  a \\e b',
        '.fi',
        '',
      ].join('\n'),
    );
  });

  it('every tool has a summary for its NAME line and a source in src/tools/', () => {
    for (const t of TOOLS) {
      expect(t.summary).toMatch(/^[a-z].*[^.]$/);
      expect(t.source).toMatch(/^src\/tools\/.*\.ts$/);
    }
  });
});
