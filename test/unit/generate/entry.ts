// A small registry entry for the generators' tests: the kinds of option they treat differently
// (excluded, excluding, secret in the environment, alias, repeatable, a flag, an Icinga default).

import type { PluginEntry } from '../../../src/plugins/entry.js';
import { failureReport } from '../../../src/runtime/result.js';
import { OK } from '../../../src/runtime/state.js';

export const ENTRY: PluginEntry = {
  name: 'check_x',
  summary: 'checks x',
  service: 'X "QUOTED"',
  metricPrefix: 'x',
  icingaCommand: 'x_cmd',
  formats: ['nodetool'],
  options: [
    { name: 'url', kind: 'value', arg: 'URL', group: 'A', excludes: ['hostname', 'ssl'], help: 'Full URL.' },
    {
      name: 'hostname',
      short: 'H',
      kind: 'value',
      arg: 'HOST',
      default: '127.0.0.1',
      icingaDefault: '$check_address$',
      group: 'A',
      help: 'Host.',
    },
    { name: 'ssl', kind: 'flag', group: 'A', help: 'HTTPS.' },
    { name: 'password-file', kind: 'value', arg: 'FILE', group: 'A', excludes: ['password'], help: 'File.' },
    { name: 'password', kind: 'value', arg: 'PW', group: 'A', environment: 'JOLOKIA_PASSWORD', help: 'The password.' },
    {
      name: 'expect-backup',
      aliases: ['expect'],
      kind: 'value',
      arg: 'E',
      default: 'enabled',
      group: 'A',
      help: 'Expect.',
    },
    { name: 'keyspace', kind: 'list', arg: 'KS', group: 'A', help: 'A "keyspace" \\ path.' },
  ],
  description: ['Checks x.'],
  states: { ok: 'ok', warning: 'warning', critical: 'critical', unknown: 'unknown' },
  perfdata: [],
  examples: [],
  check: { configure: () => ({}), read: async () => ({}), judge: () => failureReport(OK, 'fine') },
  nagios: [
    { name: 'check_x', arguments: '-H $HOSTADDRESS$ -t 10', says: ['From the server.', ''] },
    { name: 'check_x_nrpe', arguments: '', nrpe: 'check_x', says: ['Via NRPE.'] },
  ],
  nrpe: [{ name: 'check_x', arguments: '--keyspace shop -t 20' }],
};
