// The usage synopsis and the --help manual, laid out from an option table and a manual: the
// alternatives beside the option that excludes them, repeatable options with `...`, aliases and
// defaults in each option's help, everything within 80 columns.
import { describe, expect, it } from 'vitest';
import { optionHelp, renderHelp, usageSynopsis, type Manual } from '../../../src/runtime/help.js';
import type { OptionSpec } from '../../../src/runtime/options.js';

const OPTIONS: OptionSpec[] = [
  { name: 'url', kind: 'value', arg: 'URL', group: 'Agent', excludes: ['hostname', 'port'], help: 'Full URL.' },
  {
    name: 'hostname',
    short: 'H',
    kind: 'value',
    arg: 'HOST',
    default: '127.0.0.1',
    group: 'Agent',
    help: 'Host of the agent.',
  },
  { name: 'port', short: 'p', kind: 'value', arg: 'PORT', default: '8778', group: 'Agent', help: 'Port.' },
  { name: 'keyspace', aliases: ['ks'], kind: 'list', arg: 'KS', group: 'Tables', help: 'A keyspace.' },
  { name: 'ssl', aliases: ['tls', 'https'], kind: 'flag', group: 'Agent', help: 'HTTPS.' },
  { name: 'verbose', short: 'v', kind: 'count', group: 'General', help: 'More output.' },
  { name: 'help', short: 'h', kind: 'flag', group: 'General', help: 'Help.' },
  { name: 'version', short: 'V', kind: 'flag', group: 'General', help: 'Version.' },
];

const MANUAL: Manual = {
  name: 'check_x',
  version: '1.2.3',
  summary: 'checks x',
  description: ['First paragraph. '.repeat(8), 'Second.'],
  states: { ok: 'fine', warning: 'meh', critical: 'bad', unknown: 'no idea' },
  perfdata: [
    { label: 'time', unit: 's', meaning: 'round trip' },
    { label: 'files', meaning: 'files waiting' },
  ],
  examples: [{ says: 'Run it:', command: 'check_x -H cass1' }],
  footer: ['See README.md.'],
};

describe('usageSynopsis', () => {
  it('alternatives beside the option that excludes them, `...` for repeatable ones, -h and -V last', () => {
    expect(usageSynopsis('check_x', OPTIONS)).toBe(
      'Usage: check_x [--url URL | -H HOST [-p PORT]] [--keyspace KS]... [--ssl]\n    [-v]... | -h | -V',
    );
  });

  it('wrapped at 80 columns, never inside a word', () => {
    const many = [
      ...OPTIONS,
      ...Array.from(
        { length: 6 },
        (_, i): OptionSpec => ({ name: `option-${i}`, kind: 'value', arg: 'VALUE', group: 'G', help: 'h' }),
      ),
    ];
    const lines = usageSynopsis('check_cassandra_something_long', many).split('\n');
    expect(lines).toEqual([
      'Usage: check_cassandra_something_long [--url URL | -H HOST [-p PORT]]',
      '    [--keyspace KS]... [--ssl] [-v]... [--option-0 VALUE] [--option-1 VALUE]',
      '    [--option-2 VALUE] [--option-3 VALUE] [--option-4 VALUE] [--option-5 VALUE]',
      '    | -h | -V',
    ]);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('optionHelp', () => {
  it('the help, its aliases and its default', () => {
    expect(optionHelp(OPTIONS[1]!)).toBe('Host of the agent. Default: 127.0.0.1.');
    expect(optionHelp(OPTIONS[3]!)).toBe('A keyspace. --ks is an alias.');
    expect(optionHelp(OPTIONS[4]!)).toBe('HTTPS. --tls, --https are aliases.');
    expect(optionHelp(OPTIONS[0]!)).toBe('Full URL.');
  });
});

describe('renderHelp', () => {
  const help = renderHelp(MANUAL, OPTIONS);

  it('the manual: title, usage, description, options by group, states, perfdata, examples, footer', () => {
    expect(help).toBe(
      [
        'check_x 1.2.3 - checks x',
        '',
        'Usage: check_x [--url URL | -H HOST [-p PORT]] [--keyspace KS]... [--ssl]',
        '    [-v]... | -h | -V',
        '',
        'First paragraph. First paragraph. First paragraph. First paragraph. First',
        'paragraph. First paragraph. First paragraph. First paragraph.',
        '',
        'Second.',
        '',
        'Agent:',
        '      --url=URL',
        '        Full URL.',
        '  -H, --hostname=HOST',
        '        Host of the agent. Default: 127.0.0.1.',
        '  -p, --port=PORT',
        '        Port. Default: 8778.',
        '      --ssl',
        '        HTTPS. --tls, --https are aliases.',
        '',
        'Tables:',
        '      --keyspace=KS',
        '        A keyspace. --ks is an alias.',
        '',
        'General:',
        '  -v, --verbose',
        '        More output.',
        '  -h, --help',
        '        Help.',
        '  -V, --version',
        '        Version.',
        '',
        'States:',
        '  OK (0): fine',
        '  WARNING (1): meh',
        '  CRITICAL (2): bad',
        '  UNKNOWN (3): no idea',
        '',
        'Performance data:',
        '  time (s): round trip',
        '  files: files waiting',
        '',
        'Examples:',
        '  Run it:',
        '    check_x -H cass1',
        '',
        'See README.md.',
        '',
      ].join('\n'),
    );
  });

  it('a long state is wrapped under its name, within 80 columns', () => {
    const long = renderHelp({ ...MANUAL, states: { ...MANUAL.states, warning: 'a word '.repeat(30).trim() } }, OPTIONS);
    const lines = long.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  WARNING (1): a word'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ {4}a word/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('without a footer it ends with the examples and one newline', () => {
    const { footer: _, ...noFooter } = MANUAL;
    expect(renderHelp(noFooter, OPTIONS).endsWith('    check_x -H cass1\n')).toBe(true);
  });
});
