// The ring as gossip states it: the text block of AllEndpointStatesWithPort (captured from a real
// 5.0.9 cluster of the suite, host ids shortened) and the endpoint spellings of 3.11 to 5.0.
import { describe, expect, it } from 'vitest';
import { addressOf, parseEndpointStates } from '../../../src/cassandra/ring.js';

const CAPTURED = `/127.0.0.1:37753
  generation:1795857107
  heartbeat:49
  LOAD:34:117136.0
  DC:12:dc1
  RACK:14:r1
  RELEASE_VERSION:5:5.0.9
  HOST_ID:2:ad58bccd
  INTERNAL_ADDRESS_AND_PORT:8:127.0.0.1:37753
  NATIVE_ADDRESS_AND_PORT:3:127.0.0.1:43939
  STATUS_WITH_PORT:27:NORMAL,-9223372036854775808
  TOKENS:26:<hidden>
cass2.example/127.0.0.2:37753
  generation:1795857122
  STATUS:30:NORMAL,-3074457345618258603
  DC:12:dc1
  RACK:14:r2
  HOST_ID:2:5239a951
`;

describe('parseEndpointStates', () => {
  it('reads one block per endpoint, values with colons whole', () => {
    const states = parseEndpointStates(CAPTURED);
    expect([...states.keys()]).toEqual(['127.0.0.1:37753', '127.0.0.2:37753']);
    expect(states.get('127.0.0.1:37753')).toMatchObject({
      generation: '1795857107',
      DC: 'dc1',
      RACK: 'r1',
      HOST_ID: 'ad58bccd',
      INTERNAL_ADDRESS_AND_PORT: '127.0.0.1:37753',
      STATUS_WITH_PORT: 'NORMAL,-9223372036854775808',
    });
    expect(states.get('127.0.0.2:37753')).toMatchObject({
      DC: 'dc1',
      RACK: 'r2',
      STATUS: 'NORMAL,-3074457345618258603',
    });
  });

  it('an empty or refused answer is an empty map', () => {
    expect(parseEndpointStates('').size).toBe(0);
    expect(parseEndpointStates('  DC:1:dc1\n').size).toBe(0);
  });
});

describe('addressOf', () => {
  it.each([
    ['127.0.0.2:7000', '127.0.0.2'],
    ['127.0.0.2', '127.0.0.2'],
    ['[2001:db8::1]:7000', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
  ])('%s → %s', (endpoint, address) => {
    expect(addressOf(endpoint)).toBe(address);
  });
});
