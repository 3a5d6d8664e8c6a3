// Where the agent is: from --url, or from --hostname with --port, --path and --ssl; each mistake
// a usage error naming its option.
import { describe, expect, it } from 'vitest';
import { agentUrl, decodeUserInfo, parseGivenUrl, parsePort } from '../../../src/cli/agent-url.js';
import { JOLOKIA_OPTIONS } from '../../../src/cli/jolokia-connection.js';
import { UsageError } from '../../../src/runtime/errors.js';
import { parseOptions } from '../../../src/runtime/options.js';

const options = (...argv: string[]) => parseOptions(JOLOKIA_OPTIONS, argv);

describe('agentUrl', () => {
  it('the defaults: the local agent on its port and path', () => {
    expect(agentUrl(options()).href).toBe('http://127.0.0.1:8778/jolokia');
  });

  it('a host with --port, --path and --ssl; an IPv6 address in brackets', () => {
    expect(agentUrl(options('-H', 'cass1', '-p', '9000', '--path', '/j', '--ssl')).href).toBe('https://cass1:9000/j');
    expect(agentUrl(options('-H', '2001:db8::1')).href).toBe('http://[2001:db8::1]:8778/jolokia');
  });

  it('--url as given, alone', () => {
    expect(agentUrl(options('--url', 'https://cass1:8443/jolokia')).href).toBe('https://cass1:8443/jolokia');
    expect(() => agentUrl(options('--url', 'http://cass1:8778/jolokia', '-p', '1'))).toThrow(
      '--url already says where the agent is: leave out --port',
    );
  });

  it.each([
    [['-H', 'bad host'], "--hostname: 'bad host' is not a host name or address"],
    [['--path', 'jolokia'], "--path: 'jolokia' must start with /"],
    [['-p', '70000'], "--port: '70000' is not a port number (1-65535)"],
  ])('%j is a usage error', (argv, message) => {
    expect(() => agentUrl(options(...argv))).toThrow(message);
  });
});

describe('parseGivenUrl', () => {
  it('http or https, without a query; a URL that may hold a password is not echoed', () => {
    expect(() => parseGivenUrl('ftp://cass1/', options())).toThrow('the scheme must be http or https, not ftp');
    expect(() => parseGivenUrl('http://cass1:8778/jolokia?x=1', options())).toThrow('without a query or fragment');
    expect(() => parseGivenUrl('http://u:s3cret@[bad', options())).toThrow('not shown: it may hold a password');
  });
});

describe('decodeUserInfo and parsePort', () => {
  it('%-encoding is decoded; a broken one is a usage error', () => {
    expect(decodeUserInfo('p%40ss')).toBe('p@ss');
    expect(() => decodeUserInfo('%E0%A4%A')).toThrow(UsageError);
  });

  it('ports from 1 to 65535', () => {
    expect(parsePort('8778')).toBe(8778);
    expect(() => parsePort('0')).toThrow(UsageError);
  });
});
