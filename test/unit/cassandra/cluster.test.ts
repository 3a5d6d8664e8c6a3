// The cluster audit's reader over stub agents: the contact nodes asked in turn for the ring,
// the members chosen (--dc, --node), where each member's agent is (template, override file, the
// contact's URL), who is asked first, a --node placed in the ring by the host id its agent
// answers with, and how each member's failure is sorted. The ring's parsing: ring.test.ts; the
// judgement: test/unit/checks/cluster-audit.test.ts.
import { describe, expect, it } from 'vitest';
import { memberFailure, readCluster, type ClusterAccess, type ClusterRequest } from '../../../src/cassandra/cluster.js';
import {
  JolokiaAgentError,
  JolokiaConnectionError,
  JolokiaHttpError,
  JolokiaProtocolError,
  JolokiaTimeoutError,
} from '../../../src/jolokia/errors.js';
import { CheckError } from '../../../src/runtime/errors.js';
import { byAttribute, described, noMBean, stubAgent, type Responder, type StubAgent } from './stub-agent.js';

interface Node {
  readonly address: string;
  readonly dc?: string;
  readonly gossip?: 'up' | 'down';
  readonly hostId?: string;
}
const node = (n: number, extra: Partial<Node> = {}): Node => ({
  address: `10.0.0.${n}`,
  dc: 'dc1',
  gossip: 'up',
  hostId: `host-${n}`,
  ...extra,
});
const endpoint = (m: Node): string => (m.address.includes(':') ? `[${m.address}]:7000` : `${m.address}:7000`);

/** A contact node's agent answering the ring's eight reads as a 4.0+ node does. */
function ring(nodes: readonly Node[]): Responder {
  return byAttribute({
    EndpointWithPortToHostId: Object.fromEntries(nodes.map((m) => [endpoint(m), m.hostId])),
    LiveNodesWithPort: nodes.filter((m) => m.gossip !== 'down').map(endpoint),
    UnreachableNodesWithPort: nodes.filter((m) => m.gossip === 'down').map(endpoint),
    AllEndpointStatesWithPort: nodes
      .map(
        (m) =>
          `/${endpoint(m)}\n  DC:12:${m.dc ?? ''}\n  RACK:14:r1\n  HOST_ID:2:${m.hostId ?? ''}\n  STATUS_WITH_PORT:27:NORMAL,0\n`,
      )
      .join(''),
  });
}

/** A member's agent: its backup flag and the host id it answers for. */
const answers = (enabled: boolean, hostId: string): Responder =>
  byAttribute({ IncrementalBackupsEnabled: enabled, LocalHostId: hostId, ReleaseVersion: '5.0.9' });
const refused =
  (url: string): Responder =>
  () =>
    new JolokiaConnectionError(`Cannot connect to Cassandra's Jolokia agent at ${url}: connection refused`);

const CONTACT = 'http://10.0.0.1:8778/jolokia';
const urlOf = (address: string): string => `http://${address}:8778/jolokia`;

const request = (over: Partial<ClusterRequest> = {}): ClusterRequest => ({
  nodes: [],
  nodeUrl: undefined,
  overrides: new Map(),
  datacenters: [],
  parallel: 16,
  nodeTimeoutSeconds: 2,
  ...over,
});

/** Contacts that answer with these responders; members' agents by URL (any other URL refuses the connection). */
function cluster(contacts: [string, Responder][], members: Record<string, Responder>, deadline = Date.now() + 60_000) {
  const asked: string[] = [];
  const agents = new Map<string, StubAgent>();
  const contactAgents = contacts.map(([url, respond]) => ({ url, client: stubAgent(respond, url) }));
  const access: ClusterAccess = {
    contacts: contactAgents,
    member: (url) => {
      asked.push(url);
      const agent = stubAgent(members[url] ?? refused(url), url);
      agents.set(url, agent);
      return agent;
    },
    limits: { deadline },
    explain: (error) => `${error.message}: try another`,
  };
  return { access, asked, agents, contactAgents };
}

/** Every member of these nodes answering with backup on and its own host id. */
const healthy = (nodes: readonly Node[]): Record<string, Responder> =>
  Object.fromEntries(nodes.map((m) => [urlOf(m.address), answers(true, m.hostId ?? '')]));

describe('readCluster: the ring', () => {
  it('from the first contact, in one bulk request of its own; every member asked for its flag, host id and release', async () => {
    const nodes = [node(1), node(2), node(3)];
    const c = cluster([[CONTACT, ring(nodes)]], healthy(nodes));
    const facts = await readCluster(c.access, request());
    expect(facts).toMatchObject({ contact: CONTACT, contactFailures: [], ringKnown: true });
    expect(facts.members.map((m) => [m.target.name, m.target.url, m.target.member?.hostId, m.answer])).toEqual(
      nodes.map((m) => [
        m.address,
        urlOf(m.address),
        m.hostId,
        { found: { status: 'answered', enabled: true, hostId: m.hostId, releaseVersion: '5.0.9' } },
      ]),
    );
    expect(described(c.contactAgents[0]!.client.sent[0]!)).toHaveLength(8);
    expect(c.contactAgents[0]!.client.limits[0]?.maxResponseBytes).toBe(64 * 1024 * 1024);
    expect(described(c.agents.get(urlOf('10.0.0.2'))!.sent[0]!)).toEqual(
      ['IncrementalBackupsEnabled', 'LocalHostId', 'ReleaseVersion'].map(
        (a) => `org.apache.cassandra.db:type=StorageService ${a}`,
      ),
    );
    expect(facts.seconds).toBeGreaterThanOrEqual(0);
  });

  it('a contact that does not answer: the next one, and why the first was not used', async () => {
    const nodes = [node(1), node(2)];
    const second = 'http://10.0.0.2:8778/jolokia';
    const c = cluster(
      [
        [CONTACT, refused(CONTACT)],
        [second, ring(nodes)],
      ],
      healthy(nodes),
    );
    const facts = await readCluster(c.access, request());
    expect(facts.contact).toBe(second);
    expect(facts.contactFailures).toEqual([
      `Cannot connect to Cassandra's Jolokia agent at ${CONTACT}: connection refused: try another`,
    ]);
  });

  it('no contact answers: the one reason, or every reason', async () => {
    await expect(readCluster(cluster([[CONTACT, refused(CONTACT)]], {}).access, request())).rejects.toThrow(
      new CheckError(`Cannot connect to Cassandra's Jolokia agent at ${CONTACT}: connection refused: try another`),
    );
    const other = 'http://10.0.0.9:8778/jolokia';
    await expect(
      readCluster(
        cluster(
          [
            [CONTACT, refused(CONTACT)],
            [other, refused(other)],
          ],
          {},
        ).access,
        request(),
      ),
    ).rejects.toThrow(
      /^No contact node answered: Cannot connect .* at http:\/\/10\.0\.0\.1:8778\/jolokia: connection refused: try another; Cannot connect .* at http:\/\/10\.0\.0\.9:8778\/jolokia: connection refused: try another$/,
    );
  });

  it('no contact answers, but --node names the members: they are audited without a ring', async () => {
    const c = cluster([[CONTACT, refused(CONTACT)]], { [urlOf('10.0.0.5')]: answers(false, 'host-5') });
    const facts = await readCluster(c.access, request({ nodes: ['10.0.0.5'] }));
    expect(facts).toMatchObject({
      contact: undefined,
      ringKnown: false,
      contactFailures: [expect.stringContaining('connection refused')],
    });
    expect(facts.members).toEqual([
      {
        target: { name: '10.0.0.5', member: undefined, url: urlOf('10.0.0.5') },
        answer: { found: { status: 'answered', enabled: false, hostId: 'host-5', releaseVersion: '5.0.9' } },
      },
    ]);
  });

  it("a failure that is not the agent's (a bug) is not taken for a contact that is down", async () => {
    const bug: Responder = () => new TypeError('x is undefined');
    await expect(
      readCluster(
        cluster(
          [
            [CONTACT, bug],
            ['http://10.0.0.2:8778/jolokia', ring([node(2)])],
          ],
          {},
        ).access,
        request(),
      ),
    ).rejects.toThrow(TypeError);
  });
});

describe('readCluster: which members', () => {
  const nodes = [node(1), node(2, { dc: 'eu' }), node(3, { dc: 'eu' }), node(4, { dc: 'us' })];

  it("--dc: only that data center's members, whatever the contact's", async () => {
    const c = cluster([[CONTACT, ring(nodes)]], healthy(nodes));
    const facts = await readCluster(c.access, request({ datacenters: ['eu'] }));
    expect(facts.members.map((m) => m.target.name)).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(c.asked.sort()).toEqual([urlOf('10.0.0.2'), urlOf('10.0.0.3')]);
  });

  it('--dc that no member is in: an error naming those the ring has', async () => {
    await expect(
      readCluster(cluster([[CONTACT, ring(nodes)]], {}).access, request({ datacenters: ['asia'] })),
    ).rejects.toThrow(new CheckError('No member of the ring is in asia (the ring has dc1, eu, us)'));
  });

  it('--node: the named nodes, each with its ring entry when the ring has its address; --dc still applies', async () => {
    const c = cluster([[CONTACT, ring(nodes)]], healthy(nodes));
    const facts = await readCluster(c.access, request({ nodes: ['10.0.0.4', '10.0.0.2'] }));
    expect(facts.members.map((m) => [m.target.name, m.target.member?.datacenter])).toEqual([
      ['10.0.0.4', 'us'],
      ['10.0.0.2', 'eu'],
    ]);
    const inEu = await readCluster(
      cluster([[CONTACT, ring(nodes)]], healthy(nodes)).access,
      request({ nodes: ['10.0.0.4', '10.0.0.2'], datacenters: ['eu'] }),
    );
    expect(inEu.members.map((m) => m.target.name)).toEqual(['10.0.0.2']);
  });

  it('a --node named by host name is placed in the ring by the host id its agent answers with', async () => {
    const c = cluster([[CONTACT, ring(nodes)]], {
      'http://cass3.example:8778/jolokia': answers(true, 'host-3'),
      'http://cass9.example:8778/jolokia': answers(true, 'host-x'),
    });
    const facts = await readCluster(c.access, request({ nodes: ['cass3.example', 'cass9.example'] }));
    expect(facts.members.map((m) => [m.target.name, m.target.member?.address])).toEqual([
      ['cass3.example', '10.0.0.3'],
      ['cass9.example', undefined],
    ]);
  });
});

describe("readCluster: where each member's agent is", () => {
  const nodes = [node(1), node(2), { address: '2001:db8::7', dc: 'dc1', gossip: 'up' as const, hostId: 'host-7' }];
  const urls = async (contact: string, over: Partial<ClusterRequest>) =>
    (await readCluster(cluster([[contact, ring(nodes)]], {}).access, request(over))).members.map((m) => m.target.url);

  it("by default the contact's URL with the member's address: scheme, port and path kept, IPv6 bracketed", async () => {
    expect(await urls('https://10.0.0.1:9443/agent/', {})).toEqual([
      'https://10.0.0.1:9443/agent/',
      'https://10.0.0.2:9443/agent/',
      'https://[2001:db8::7]:9443/agent/',
    ]);
  });

  it("--node-url: {host} is the member's address", async () => {
    expect(await urls(CONTACT, { nodeUrl: 'https://{host}:8443/jolokia' })).toEqual([
      'https://10.0.0.1:8443/jolokia',
      'https://10.0.0.2:8443/jolokia',
      'https://[2001:db8::7]:8443/jolokia',
    ]);
  });

  it('--node-url-file: an override by address wins over the template', async () => {
    const overrides = new Map([['10.0.0.2', 'http://nat.example:18778/jolokia']]);
    expect(await urls(CONTACT, { nodeUrl: 'https://{host}:8443/jolokia', overrides })).toEqual([
      'https://10.0.0.1:8443/jolokia',
      'http://nat.example:18778/jolokia',
      'https://[2001:db8::7]:8443/jolokia',
    ]);
  });

  it('--node-url-file: a --node may be overridden by the name it was given', async () => {
    const overrides = new Map([['cass2', 'http://nat.example:28778/jolokia']]);
    const facts = await readCluster(
      cluster([[CONTACT, ring(nodes)]], {}).access,
      request({ nodes: ['cass2'], overrides }),
    );
    expect(facts.members.map((m) => m.target.url)).toEqual(['http://nat.example:28778/jolokia']);
  });
});

describe('readCluster: asking the members', () => {
  it("members gossip calls down are asked first (their wait overlaps the rest); the answers keep the ring's order", async () => {
    const nodes = [node(1), node(2, { gossip: 'down' }), node(3), node(4, { gossip: 'down' })];
    const c = cluster([[CONTACT, ring(nodes)]], healthy(nodes));
    const facts = await readCluster(c.access, request({ parallel: 1 }));
    expect(c.asked).toEqual([urlOf('10.0.0.2'), urlOf('10.0.0.4'), urlOf('10.0.0.1'), urlOf('10.0.0.3')]);
    expect(facts.members.map((m) => m.target.name)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
  });

  it("each member within --node-timeout, never past the check's own deadline", async () => {
    const nodes = [node(1)];
    const far = cluster([[CONTACT, ring(nodes)]], healthy(nodes), Date.now() + 3_600_000);
    await readCluster(far.access, request({ nodeTimeoutSeconds: 2 }));
    expect(far.agents.get(urlOf('10.0.0.1'))!.limits[0]!.deadline).toBeLessThan(far.access.limits.deadline);
    const near = cluster([[CONTACT, ring(nodes)]], healthy(nodes), Date.now() + 1_000);
    await readCluster(near.access, request({ nodeTimeoutSeconds: 60 }));
    expect(near.agents.get(urlOf('10.0.0.1'))!.limits[0]!.deadline).toBe(near.access.limits.deadline);
    expect(near.contactAgents[0]!.client.limits[0]!.deadline).toBe(near.access.limits.deadline);
  });

  it("each member's failure is its own answer; the others are still asked", async () => {
    const nodes = [node(1), node(2), node(3), node(4)];
    const members: Record<string, Responder> = {
      [urlOf('10.0.0.1')]: answers(true, 'host-1'),
      [urlOf('10.0.0.2')]: () =>
        new JolokiaHttpError(
          401,
          `Authentication failed for user monitor at ${urlOf('10.0.0.2')} (HTTP 401): check the user and password`,
        ),
      [urlOf('10.0.0.3')]: noMBean,
      [urlOf('10.0.0.4')]: byAttribute({ IncrementalBackupsEnabled: 'yes' }),
    };
    const facts = await readCluster(cluster([[CONTACT, ring(nodes)]], members).access, request());
    expect(facts.members.map((m) => m.answer)).toEqual([
      { found: { status: 'answered', enabled: true, hostId: 'host-1', releaseVersion: '5.0.9' } },
      { found: { status: 'refused', reason: expect.stringMatching(/^Authentication failed/) } },
      {
        found: {
          status: 'not-cassandra',
          reason: `The agent at ${urlOf('10.0.0.3')} has no MBean org.apache.cassandra.db:type=StorageService (is this a Cassandra node, and has it finished starting?)`,
        },
      },
      {
        unreadable: `The agent at ${urlOf('10.0.0.4')} gave the string "yes" for IncrementalBackupsEnabled, where Cassandra has a boolean`,
      },
    ]);
  });

  it('a host id the agent does not give is undefined, not an error', async () => {
    const c = cluster([[CONTACT, ring([node(1)])]], {
      [urlOf('10.0.0.1')]: byAttribute({ IncrementalBackupsEnabled: false }),
    });
    const facts = await readCluster(c.access, request());
    expect(facts.members[0]?.answer).toEqual({
      found: { status: 'answered', enabled: false, hostId: undefined, releaseVersion: undefined },
    });
  });

  it('a bug while asking a member ends the check rather than being counted', async () => {
    const c = cluster([[CONTACT, ring([node(1)])]], { [urlOf('10.0.0.1')]: () => new RangeError('bug') });
    await expect(readCluster(c.access, request())).rejects.toThrow(RangeError);
  });
});

describe('memberFailure', () => {
  it.each<[string, CheckError, string | undefined]>([
    ['no connection', new JolokiaConnectionError('refused'), 'unreachable'],
    ['a timeout', new JolokiaTimeoutError('no answer within 2 s'), 'unreachable'],
    ['HTTP 401', new JolokiaHttpError(401, 'authentication failed'), 'refused'],
    ['HTTP 403', new JolokiaHttpError(403, 'forbidden'), 'refused'],
    [
      'no StorageService',
      new JolokiaAgentError(404, 'javax.management.InstanceNotFoundException', 'no MBean'),
      'not-cassandra',
    ],
    ['HTTP 404 on the path', new JolokiaHttpError(404, 'No Jolokia agent'), undefined],
    ['the policy forbids the read', new JolokiaAgentError(403, undefined, 'forbids'), undefined],
    ["an answer that is not Jolokia's", new JolokiaProtocolError('not JSON'), undefined],
    ['any other CheckError', new CheckError('something else'), undefined],
  ])('%s → %s', (_name, error, status) => {
    expect(memberFailure(error)).toEqual(
      status === undefined ? { unreadable: error.message } : { found: { status, reason: error.message } },
    );
  });
});
