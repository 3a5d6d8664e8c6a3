// Nagios `define command`s and the node's NRPE lines generated from a registry entry: from the
// server, or through check_nrpe naming one of the entry's NRPE lines (which must exist). The
// committed files against the real registry: test/unit/generate.test.ts; nagios4 -v and NRPE run
// them in test/integration/nagios-nrpe.test.ts.
import { describe, expect, it } from 'vitest';
import { nagiosCommands, NRPE_PLUGIN_DIR, nrpeCommands } from '../../../src/generate/nagios.js';
import { ENTRY } from './entry.js';

describe('nagiosCommands', () => {
  const cfg = nagiosCommands([ENTRY]);

  it("a command from the server: $USER1$ and the entry's arguments, its comment lines above", () => {
    expect(cfg).toContain(
      '\n# From the server.\n#\ndefine command {\n    command_name    check_x\n    command_line    $USER1$/check_x -H $HOSTADDRESS$ -t 10\n}\n',
    );
  });

  it('a command run on the node: check_nrpe naming the NRPE line, UNKNOWN when it times out', () => {
    expect(cfg).toContain(
      '\n# Via NRPE.\ndefine command {\n    command_name    check_x_nrpe\n    command_line    $USER1$/check_nrpe -H $HOSTADDRESS$ -c check_x -t 30:UNKNOWN\n}\n',
    );
  });

  it('the header first, the generic check_nrpe_cassandra last', () => {
    expect(
      cfg.startsWith('# Nagios 4 commands for the Cassandra monitoring plugins.\n# Generated from the plugin registry'),
    ).toBe(true);
    expect(
      cfg
        .trimEnd()
        .endsWith(
          'define command {\n    command_name    check_nrpe_cassandra\n    command_line    $USER1$/check_nrpe -H $HOSTADDRESS$ -c $ARG1$ -t 30:UNKNOWN\n}',
        ),
    ).toBe(true);
  });

  it('an NRPE command the entry does not have is a mistake in the registry', () => {
    expect(() =>
      nagiosCommands([{ ...ENTRY, nagios: [{ name: 'check_x_bad', arguments: '', nrpe: 'check_y', says: [] }] }]),
    ).toThrow("check_x_bad: no NRPE command check_y in check_x's entry");
  });
});

describe('nrpeCommands', () => {
  it("one command[...] line per NRPE example, the plugin in Debian's plugin folder", () => {
    const cfg = nrpeCommands([
      ENTRY,
      {
        ...ENTRY,
        name: 'check_y',
        nrpe: [
          { name: 'check_y', arguments: '-t 10' },
          { name: 'check_y_more', arguments: '-v -t 10' },
        ],
      },
    ]);
    expect(NRPE_PLUGIN_DIR).toBe('/usr/lib/nagios/plugins');
    expect(cfg.split('\n').filter((l) => l.startsWith('command['))).toEqual([
      'command[check_x]=/usr/lib/nagios/plugins/check_x --keyspace shop -t 20',
      'command[check_y]=/usr/lib/nagios/plugins/check_y -t 10',
      'command[check_y_more]=/usr/lib/nagios/plugins/check_y -v -t 10',
    ]);
    expect(cfg).toMatch(/^# NRPE on each Cassandra node: .*\n(# .*\n|#\n)*\ncommand\[/);
  });
});
