// StorageService read through a stub agent: the one bulk request, what is made of each answer,
// and what is left out rather than printed when the agent's answer is not what Cassandra says.
import { describe, expect, it } from 'vitest';
import { readBackupStatus, readReleaseVersion, withCassandraHint } from '../../../src/cassandra/storage-service.js';
import { Answer } from '../../../src/jolokia/answer.js';
import { JolokiaAgentError, JolokiaProtocolError } from '../../../src/jolokia/errors.js';
import { Redactor } from '../../../src/jolokia/redact.js';
import type { JolokiaResponse, ReadRequest } from '../../../src/jolokia/types.js';
import { byAttribute, described, forbidden, noMBean, sourceOf, stubAgent, WHERE } from './stub-agent.js';

const SS = 'org.apache.cassandra.db:type=StorageService';
const NODE = {
  IncrementalBackupsEnabled: true,
  ReleaseVersion: '5.0.9',
  AllDataFileLocations: ['/var/lib/cassandra/data', '/data2'],
};

describe('readBackupStatus', () => {
  it('asks for the flag and the release in one bulk request, nothing else', async () => {
    const agent = stubAgent(byAttribute(NODE));
    const status = await readBackupStatus(sourceOf(agent));
    expect(agent.sent.map(described)).toEqual([[`${SS} IncrementalBackupsEnabled`, `${SS} ReleaseVersion`]]);
    expect(status).toMatchObject({ where: WHERE, incrementalBackupsEnabled: true, releaseVersion: '5.0.9' });
    expect(status).not.toHaveProperty('dataFileLocations');
    expect(status.roundTripSeconds).toBeGreaterThanOrEqual(0);
  });

  it('with dataFileLocations: AllDataFileLocations in the same request', async () => {
    const agent = stubAgent(byAttribute({ ...NODE, IncrementalBackupsEnabled: false }));
    const status = await readBackupStatus(sourceOf(agent), { dataFileLocations: true });
    expect(agent.sent.map(described)).toEqual([
      [`${SS} IncrementalBackupsEnabled`, `${SS} ReleaseVersion`, `${SS} AllDataFileLocations`],
    ]);
    expect(status).toMatchObject({
      incrementalBackupsEnabled: false,
      dataFileLocations: ['/var/lib/cassandra/data', '/data2'],
    });
  });

  it('the release is only informative: a policy that forbids it leaves it out', async () => {
    const status = await readBackupStatus(
      sourceOf(stubAgent(byAttribute({ IncrementalBackupsEnabled: true }, forbidden))),
    );
    expect(status.incrementalBackupsEnabled).toBe(true);
    expect(status).not.toHaveProperty('releaseVersion');
  });

  it('the flag is not: a string where Cassandra has a boolean is an error naming the attribute', async () => {
    const agent = stubAgent(byAttribute({ ...NODE, IncrementalBackupsEnabled: 'running' }));
    await expect(readBackupStatus(sourceOf(agent))).rejects.toThrow(
      new JolokiaProtocolError(
        `The agent at ${WHERE} gave the string "running" for IncrementalBackupsEnabled, where Cassandra has a boolean`,
      ),
    );
  });

  it('no StorageService: the agent is not (yet) in front of a Cassandra node, and the message says so', async () => {
    const error = await readBackupStatus(sourceOf(stubAgent(noMBean))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JolokiaAgentError);
    expect((error as Error).message).toBe(
      `The agent at ${WHERE} has no MBean ${SS} (is this a Cassandra node, and has it finished starting?)`,
    );
  });

  it('data directories that are not a list of strings are an error, not an empty list', async () => {
    const agent = stubAgent(byAttribute({ ...NODE, AllDataFileLocations: '/var/lib/cassandra/data' }));
    await expect(readBackupStatus(sourceOf(agent), { dataFileLocations: true })).rejects.toThrow(
      /for AllDataFileLocations, where Cassandra has a list of strings/,
    );
  });
});

describe('readReleaseVersion', () => {
  const request: ReadRequest = { type: 'read', mbean: SS, attribute: 'ReleaseVersion' };
  const party = { where: WHERE, label: 'the agent', redactor: new Redactor(undefined, undefined) };
  const answer = (response: JolokiaResponse) => new Answer(request, response, party);

  it.each([
    ['5.0.9', '5.0.9'],
    ['4.1.10-SNAPSHOT', '4.1.10-SNAPSHOT'],
    ['3.11.17+dse~1', '3.11.17+dse~1'],
  ])('%s is a release', (text, release) =>
    expect(readReleaseVersion(answer({ status: 200, value: text }))).toBe(release),
  );

  it.each<[string, JolokiaResponse]>([
    ['text that would break a status line', { status: 200, value: '5.0.9 | fake=1\nOK' }],
    ['an empty string', { status: 200, value: '' }],
    ['more than 40 characters', { status: 200, value: '1'.repeat(41) }],
    ['a number', { status: 200, value: 5 }],
    ['a refusal', { status: 403, error: 'forbidden' }],
  ])('%s is left out', (_name, response) => expect(readReleaseVersion(answer(response))).toBeUndefined());
});

describe('withCassandraHint', () => {
  it('passes values and other errors through unchanged', () => {
    expect(withCassandraHint(() => 42)).toBe(42);
    const forbiddenError = new JolokiaAgentError(403, undefined, 'forbidden');
    expect(() =>
      withCassandraHint(() => {
        throw forbiddenError;
      }),
    ).toThrow(forbiddenError);
  });

  it('a 404 keeps its status and error type, and gains the hint', () => {
    const error = (() => {
      try {
        return withCassandraHint(() => {
          throw new JolokiaAgentError(404, 'javax.management.InstanceNotFoundException', 'no MBean');
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({
      status: 404,
      errorType: 'javax.management.InstanceNotFoundException',
      message: 'no MBean (is this a Cassandra node, and has it finished starting?)',
    });
  });
});
