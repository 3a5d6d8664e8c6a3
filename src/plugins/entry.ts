// The registry: what one entry says about a plugin. Plain data, and the check it runs: the
// runtime reads its name, options, formats and manual (PluginInfo); the generators in
// src/generate/ derive the entry files, package.json's bin, the Icinga 2 CheckCommand and the
// Nagios and NRPE examples from it.

import type { PluginInfo } from '../runtime/plugin.js';

/** A Nagios `define command`, as docs/nagios/commands.cfg shows it. */
export interface NagiosCommand {
  readonly name: string;
  /** What follows `$USER1$/<plugin>`; Nagios macros allowed. Unused with `nrpe`. */
  readonly arguments: string;
  /** Run on the node through check_nrpe: the name of the entry's `command[...]` line in nrpe.cfg. */
  readonly nrpe?: string;
  /** Comment lines above the definition. */
  readonly says: readonly string[];
}

/** A `command[...]` line of the node's nrpe.cfg (hard-coded arguments only). */
export interface NrpeCommand {
  readonly name: string;
  readonly arguments: string;
}

export interface PluginEntry extends PluginInfo {
  /** The Icinga 2 CheckCommand's name; its custom variables are `<name>_<option>`. */
  readonly icingaCommand: string;
  readonly nagios: readonly NagiosCommand[];
  readonly nrpe: readonly NrpeCommand[];
}
