// Generated from the registry: docs/nagios/commands.cfg (Nagios 4 `define command`s) and
// docs/nrpe.cfg (the node's `command[...]` lines), from each entry's examples.

import type { NagiosCommand, PluginEntry } from '../plugins/entry.js';

const NAGIOS_HEADER = `# Nagios 4 commands for the Cassandra monitoring plugins.
# Generated from the plugin registry (src/plugins/) by \`npm run generate\`: do not edit.
#
# Debian: copy this file and services.cfg into /etc/nagios4/conf.d/ (nagios.cfg reads that folder),
# then \`nagios4 -v /etc/nagios4/nagios.cfg\` and reload. $USER1$ is the plugin folder
# (/usr/lib/nagios/plugins, set in resource.cfg), where the plugins are installed or linked
# (see README.md). The names do not clash with Debian's stock commands (check_nrpe, ...).
#
# Timeouts, innermost first: the plugin's -t < check_nrpe -t < NRPE's command_timeout (60) and
# Nagios' service_check_timeout (60), so the plugin's own precise message is the one that arrives.
`;

const CHECK_NRPE = `
# On the node itself, through NRPE: $ARG1$ names a command[...] line of the node's nrpe.cfg
# (docs/nrpe.cfg). What reads the data directories must run there. 30:UNKNOWN: after 30 s
# check_nrpe gives up with UNKNOWN, not CRITICAL.
define command {
    command_name    check_nrpe_cassandra
    command_line    $USER1$/check_nrpe -H $HOSTADDRESS$ -c $ARG1$ -t 30:UNKNOWN
}
`;

export function nagiosCommands(plugins: readonly PluginEntry[]): string {
  const commands = plugins.flatMap((plugin) =>
    plugin.nagios.map(
      (command) =>
        `\n${command.says.map((line) => `# ${line}`.trimEnd()).join('\n')}\ndefine command {\n    command_name    ${command.name}\n    command_line    ${commandLine(plugin, command)}\n}\n`,
    ),
  );
  return `${NAGIOS_HEADER}${commands.join('')}${CHECK_NRPE}`;
}

/** The plugin from the Nagios server, or, for what must run on the node, check_nrpe asking its NRPE. */
function commandLine(plugin: PluginEntry, command: NagiosCommand): string {
  if (command.nrpe === undefined) return `$USER1$/${plugin.name} ${command.arguments}`;
  if (!plugin.nrpe.some((line) => line.name === command.nrpe))
    throw new Error(`${command.name}: no NRPE command ${command.nrpe} in ${plugin.name}'s entry`);
  return `$USER1$/check_nrpe -H $HOSTADDRESS$ -c ${command.nrpe} -t 30:UNKNOWN`;
}

const NRPE_HEADER = `# NRPE on each Cassandra node: /etc/nagios/nrpe.d/cassandra.cfg (Debian's nrpe.cfg includes that
# folder). Generated from the plugin registry (src/plugins/) by \`npm run generate\`: do not edit.
# Hard-coded arguments only: keep dont_blame_nrpe=0, so no client can choose them.
# The password file: one line, mode 0600, owner nagios (NRPE runs the plugins as nrpe_user).
# What reads the data directories (--flush, --keyspace) needs read access to them for nagios
# (e.g. \`adduser nagios cassandra\` where they are 0750 cassandra:cassandra).
#
# Timeouts, innermost first: plugin -t (10 / 20) < check_nrpe -t 30:UNKNOWN < command_timeout=60.
`;

export const NRPE_PLUGIN_DIR = '/usr/lib/nagios/plugins';

export function nrpeCommands(plugins: readonly PluginEntry[]): string {
  const lines = plugins.flatMap((plugin) =>
    plugin.nrpe.map((command) => `command[${command.name}]=${NRPE_PLUGIN_DIR}/${plugin.name} ${command.arguments}\n`),
  );
  return `${NRPE_HEADER}\n${lines.join('')}`;
}
