// What check_cassandra_node asks of a node, read through a stub agent: nine attributes in one
// bulk request; the four nodetool asks for must be there, the flags beside them may be missing.
import { describe, expect, it } from 'vitest';
import { readNodeHealth } from '../../../src/cassandra/node-health.js';
import { JolokiaAgentError, JolokiaProtocolError } from '../../../src/jolokia/errors.js';
import { byAttribute, described, forbidden, noMBean, sourceOf, stubAgent, WHERE } from './stub-agent.js';

const SS = 'org.apache.cassandra.db:type=StorageService';
/** A 5.0.9 node serving requests, as its agent answers. */
const NODE_50 = {
  NativeTransportRunning: true,
  GossipRunning: true,
  IncrementalBackupsEnabled: false,
  OperationMode: 'NORMAL',
  Joined: true,
  Drained: false,
  Draining: false,
  Decommissioning: false,
  ReleaseVersion: '5.0.9',
};

describe('readNodeHealth', () => {
  it('one bulk request, in the order the script asks, then the mode and its flags', async () => {
    const agent = stubAgent(byAttribute(NODE_50));
    const health = await readNodeHealth(sourceOf(agent));
    expect(agent.sent.map(described)).toEqual([
      [
        'NativeTransportRunning',
        'GossipRunning',
        'IncrementalBackupsEnabled',
        'OperationMode',
        'Joined',
        'Drained',
        'Draining',
        'Decommissioning',
        'ReleaseVersion',
      ].map((a) => `${SS} ${a}`),
    ]);
    expect(health).toEqual({
      binary: true,
      gossip: true,
      backup: false,
      mode: 'NORMAL',
      joined: true,
      drained: false,
      draining: false,
      decommissioning: false,
      releaseVersion: '5.0.9',
      roundTripSeconds: expect.any(Number),
      where: WHERE,
    });
  });

  it('4.x has no Decommissioning, and a policy may forbid the other flags: undefined, not an error', async () => {
    const without = (...attributes: string[]) =>
      Object.fromEntries(Object.entries(NODE_50).filter(([name]) => !attributes.includes(name)));
    // Decommissioning before 5.0: AttributeNotFoundException.
    const fromOld = await readNodeHealth(
      sourceOf(stubAgent(byAttribute({ ...without('Decommissioning'), ReleaseVersion: '4.0.19' }))),
    );
    expect(fromOld).toMatchObject({ decommissioning: undefined, releaseVersion: '4.0.19', joined: true });
    const required = without('Joined', 'Drained', 'Draining', 'ReleaseVersion');
    const restricted = await readNodeHealth(sourceOf(stubAgent(byAttribute(required, forbidden))));
    expect(restricted).toMatchObject({
      binary: true,
      mode: 'NORMAL',
      joined: undefined,
      drained: undefined,
      draining: undefined,
      releaseVersion: undefined,
    });
  });

  it('a flag the agent sends as text is undefined, not a guess', async () => {
    const health = await readNodeHealth(sourceOf(stubAgent(byAttribute({ ...NODE_50, Drained: 'false' }))));
    expect(health.drained).toBeUndefined();
  });

  it('the four nodetool reads are required: a forbidden one fails the check, naming it', async () => {
    const rest = Object.fromEntries(Object.entries(NODE_50).filter(([name]) => name !== 'GossipRunning'));
    const error = await readNodeHealth(sourceOf(stubAgent(byAttribute(rest, forbidden)))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JolokiaAgentError);
    expect((error as Error).message).toBe(
      `The Jolokia access policy of the agent at ${WHERE} forbids read of attribute GossipRunning of MBean ${SS}: Reading attribute GossipRunning is forbidden`,
    );
  });

  it('a mode that is not text is a protocol error', async () => {
    await expect(readNodeHealth(sourceOf(stubAgent(byAttribute({ ...NODE_50, OperationMode: 1 }))))).rejects.toThrow(
      new JolokiaProtocolError(`The agent at ${WHERE} gave a number for OperationMode, where Cassandra has a string`),
    );
  });

  it('no StorageService: not a Cassandra node, said so', async () => {
    await expect(readNodeHealth(sourceOf(stubAgent(noMBean)))).rejects.toThrow(
      `has no MBean ${SS} (is this a Cassandra node, and has it finished starting?)`,
    );
  });
});
