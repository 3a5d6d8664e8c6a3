// Tests of the test harness itself, against the real node of the integration suite: the node is up,
// nodetool (the oracle) agrees with Jolokia, and every agent variant answers as documented in
// docs/REAL-CASSANDRA.md. Then one node of its own: CQL auth, TLS on the native port and no agent.

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cqlAs,
  createRole,
  httpRequest,
  startCassandra,
  type CassandraNode,
  type CqlTlsFiles,
} from '../../scripts/cassandra/harness.mjs';
import { cassandra, jolokia, nodetool, type AgentName } from './cassandra-context.js';

const SS = 'org.apache.cassandra.db:type=StorageService';
const READ_BACKUPS = { type: 'read', mbean: SS, attribute: 'IncrementalBackupsEnabled' };
const writeBackups = (value: boolean) => ({ type: 'write', mbean: SS, attribute: 'IncrementalBackupsEnabled', value });
const FLUSH_SYSTEM_AUTH = { type: 'exec', mbean: SS, operation: 'forceKeyspaceFlush', arguments: ['system_auth', []] };

interface JolokiaReply {
  status: number;
  value?: unknown;
  error?: string;
  error_type?: string;
}

function reply(res: { json: unknown; text: string }): JolokiaReply {
  expect(res.json, `not JSON: ${res.text.slice(0, 200)}`).toBeTypeOf('object');
  return res.json as JolokiaReply;
}

async function readBackups(agent: AgentName = 'plain2'): Promise<boolean> {
  const res = await jolokia(agent, READ_BACKUPS);
  expect(res.status).toBe(200);
  const r = reply(res);
  expect(r.status).toBe(200);
  expect(r.value).toBeTypeOf('boolean');
  return r.value as boolean;
}

async function statusbackup(): Promise<string> {
  const res = await nodetool('statusbackup');
  expect(res.code, res.stderr).toBe(0);
  return res.stdout;
}

afterAll(async () => {
  await jolokia('plain2', writeBackups(false)); // leave the node as the setup made it
});

describe('the node', () => {
  it('is Cassandra 5.0 in OperationMode NORMAL, with two data directories', async () => {
    const c = cassandra();
    expect(c.cassandraVersion).toMatch(/^5\.0\.\d+$/);
    const res = await jolokia('plain2', [
      { type: 'read', mbean: SS, attribute: 'OperationMode' },
      { type: 'read', mbean: SS, attribute: 'ReleaseVersion' },
      { type: 'read', mbean: SS, attribute: 'AllDataFileLocations' },
    ]);
    expect(res.status).toBe(200);
    const [mode, release, locations] = res.json as JolokiaReply[];
    expect(mode?.value).toBe('NORMAL');
    expect(release?.value).toBe(c.cassandraVersion);
    expect(locations?.value).toEqual(c.dataDirs);
    expect(c.dataDirs).toHaveLength(2);
    for (const d of c.dataDirs) expect(fs.existsSync(d)).toBe(true);
  });

  it('starts with incremental backups off (cassandra.yaml incremental_backups: false)', async () => {
    expect(await readBackups()).toBe(false);
    expect(await statusbackup()).toBe('not running\n');
  });
});

describe('nodetool statusbackup agrees with Jolokia', () => {
  it('after a Jolokia write on the 2.x agent', async () => {
    const res = await jolokia('plain2', writeBackups(true));
    expect(reply(res)).toMatchObject({ status: 200, value: false }); // a write answers the previous value
    expect(await readBackups()).toBe(true);
    expect(await statusbackup()).toBe('running\n');

    await jolokia('plain2', writeBackups(false));
    expect(await readBackups()).toBe(false);
    expect(await statusbackup()).toBe('not running\n');
  });

  it('after a Jolokia write on the 1.x agent', async () => {
    expect(reply(await jolokia('plain1', writeBackups(true)))).toMatchObject({ status: 200, value: false });
    expect(await readBackups('plain1')).toBe(true);
    expect(await statusbackup()).toBe('running\n');
    expect(reply(await jolokia('plain1', writeBackups(false)))).toMatchObject({ status: 200, value: true });
    expect(await statusbackup()).toBe('not running\n');
  });

  it('after nodetool enablebackup / disablebackup', async () => {
    let res = await nodetool('enablebackup');
    expect(res).toMatchObject({ code: 0, stdout: '' });
    expect(await readBackups()).toBe(true);
    expect(await readBackups('plain1')).toBe(true);
    expect(await statusbackup()).toBe('running\n');

    res = await nodetool('disablebackup');
    expect(res.code).toBe(0);
    expect(await readBackups()).toBe(false);
    expect(await statusbackup()).toBe('not running\n');
  });

  it('nodetool fails with exit 1 against a closed JMX port', async () => {
    const c = cassandra();
    const spec = { ...c.nodetool, args: c.nodetool.args.map((a) => (a === String(c.jmxPort) ? '1' : a)) };
    const { runNodetool } = await import('../../scripts/cassandra/harness.mjs');
    const res = await runNodetool(spec, 'statusbackup');
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain("Failed to connect to '127.0.0.1:1'");
  });
});

describe('Jolokia 2.x, plain', () => {
  it('answers application/json', async () => {
    const res = await jolokia('plain2', READ_BACKUPS);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json; charset=utf-8');
    expect(cassandra().agents.plain2.agentVersion).toMatch(/^2\./);
  });

  it('reports a missing MBean / attribute as HTTP 200 with inner status 404', async () => {
    const mbean = reply(
      await jolokia('plain2', { type: 'read', mbean: 'org.apache.cassandra.db:type=NoSuch', attribute: 'X' }),
    );
    expect(mbean).toMatchObject({
      status: 404,
      error_type: 'javax.management.InstanceNotFoundException',
      error: 'org.apache.cassandra.db:type=NoSuch',
    });
    const attr = reply(await jolokia('plain2', { type: 'read', mbean: SS, attribute: 'NoSuchAttr' }));
    expect(attr).toMatchObject({
      status: 404,
      error_type: 'javax.management.AttributeNotFoundException',
      error: 'No such attribute: NoSuchAttr',
    });
  });

  it('executes forceKeyspaceFlush with varargs as an empty array', async () => {
    expect(reply(await jolokia('plain2', FLUSH_SYSTEM_AUTH))).toMatchObject({ status: 200, value: null });
  });

  it('answers a request it cannot map (wrong argument count) with HTTP 400 text/plain, not JSON, even in a bulk', async () => {
    const bad = { type: 'exec', mbean: SS, operation: 'forceKeyspaceFlush', arguments: ['system_auth'] };
    for (const body of [bad, [READ_BACKUPS, bad]]) {
      const res = await jolokia('plain2', body);
      expect(res.status).toBe(400);
      expect(res.contentType).toBe('text/plain; charset=utf-8');
      expect(res.json).toBeUndefined();
      expect(res.text).toContain('Invalid number of operation arguments');
    }
  });

  it('honours ?mimeType on POST but not a per-request config.mimeType', async () => {
    const q = await jolokia('plain2', READ_BACKUPS, { query: { mimeType: 'text/plain' } });
    expect(q.contentType).toBe('text/plain; charset=utf-8');
    const cfg = await jolokia('plain2', { ...READ_BACKUPS, config: { mimeType: 'text/plain' } });
    expect(cfg.contentType).toBe('application/json; charset=utf-8');
  });
});

describe('Jolokia 1.x, plain', () => {
  it('is really 1.x and answers text/plain with a JSON body', async () => {
    expect(cassandra().agents.plain1.agentVersion).toMatch(/^1\./);
    const res = await jolokia('plain1', READ_BACKUPS);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/plain; charset=utf-8');
    expect(reply(res)).toMatchObject({ status: 200, value: false });
  });

  it('answers application/json with ?mimeType=application/json on POST (single and bulk), not with config.mimeType', async () => {
    const single = await jolokia('plain1', READ_BACKUPS, { query: { mimeType: 'application/json' } });
    expect(single.contentType).toBe('application/json; charset=utf-8');
    const bulk = await jolokia('plain1', [READ_BACKUPS, READ_BACKUPS], { query: { mimeType: 'application/json' } });
    expect(bulk.contentType).toBe('application/json; charset=utf-8');
    expect(bulk.json).toHaveLength(2);
    const cfg = await jolokia('plain1', [{ ...READ_BACKUPS, config: { mimeType: 'application/json' } }]);
    expect(cfg.contentType).toBe('text/plain; charset=utf-8');
  });

  it('reports errors as HTTP 200 with an inner status (and a stacktrace)', async () => {
    const mbean = reply(
      await jolokia('plain1', { type: 'read', mbean: 'org.apache.cassandra.db:type=NoSuch', attribute: 'X' }),
    );
    expect(mbean).toMatchObject({
      status: 404,
      error_type: 'javax.management.InstanceNotFoundException',
      error: 'javax.management.InstanceNotFoundException : org.apache.cassandra.db:type=NoSuch',
    });
    const attr = reply(await jolokia('plain1', { type: 'read', mbean: SS, attribute: 'NoSuchAttr' }));
    expect(attr).toMatchObject({ status: 404, error_type: 'javax.management.AttributeNotFoundException' });
    const bad = await jolokia('plain1', {
      type: 'exec',
      mbean: SS,
      operation: 'forceKeyspaceFlush',
      arguments: ['system_auth'],
    });
    expect(bad.status).toBe(200);
    expect(reply(bad)).toMatchObject({ status: 400, error_type: 'java.lang.IllegalArgumentException' });
  });

  it('executes forceKeyspaceFlush with varargs as an empty array', async () => {
    expect(reply(await jolokia('plain1', FLUSH_SYSTEM_AUTH))).toMatchObject({ status: 200, value: null });
  });

  it('answers 404 to POST /jolokia without the trailing slash (2.x accepts both)', async () => {
    const url1 = cassandra().agents.plain1.url.replace(/\/$/, '');
    expect((await httpRequest(url1, { body: READ_BACKUPS })).status).toBe(404);
    const url2 = cassandra().agents.plain2.url.replace(/\/$/, '');
    expect((await httpRequest(url2, { body: READ_BACKUPS })).status).toBe(200);
  });
});

describe('Jolokia 2.x with basic auth', () => {
  it('answers 401 without credentials, with an empty body', async () => {
    const res = await jolokia('auth', READ_BACKUPS, { credentials: false });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="jolokia", charset="UTF-8"');
    expect(res.text).toBe('');
  });

  it('answers 401 with a wrong password', async () => {
    const res = await jolokia('auth', READ_BACKUPS, { password: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
  });

  it('answers with the right credentials', async () => {
    const { user, password } = cassandra().credentials;
    const res = await jolokia('auth', READ_BACKUPS, { user, password });
    expect(res.status).toBe(200);
    expect(reply(res)).toMatchObject({ status: 200, value: false });
  });
});

describe('Jolokia 2.x over HTTPS', () => {
  it('answers with the harness CA, for 127.0.0.1 and localhost', async () => {
    const c = cassandra();
    expect(reply(await jolokia('https', READ_BACKUPS))).toMatchObject({ status: 200, value: false });
    const res = await httpRequest(c.agents.https.url.replace('127.0.0.1', 'localhost'), {
      body: READ_BACKUPS,
      caFile: c.caFile,
    });
    expect(res.status).toBe(200);
  });

  it('is refused by a client that does not trust the CA', async () => {
    // The agent sends only its own certificate (no chain): Node says "unable to verify the first certificate".
    const err: unknown = await jolokia('https', READ_BACKUPS, { caFile: null }).then(
      () => new Error('expected a TLS error'),
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      message: 'unable to verify the first certificate',
    });
  });

  it('answers plain HTTP on its port with a closed connection', async () => {
    const url = cassandra().agents.https.url.replace('https:', 'http:');
    await expect(httpRequest(url, { body: READ_BACKUPS })).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});

describe('Jolokia 2.x with the project policy (docs/jolokia-access.xml)', () => {
  const denied = (r: JolokiaReply, error: string) =>
    expect(r).toMatchObject({ status: 403, error_type: 'java.lang.Exception', error });

  it('allows reads of StorageService and Table metrics, and the flush', async () => {
    expect(await readBackups('policy')).toBe(false);
    const metric = reply(
      await jolokia('policy', {
        type: 'read',
        mbean: 'org.apache.cassandra.metrics:type=Table,keyspace=system,scope=local,name=MemtableLiveDataSize',
        attribute: 'Value',
      }),
    );
    expect(metric.status).toBe(200);
    expect(reply(await jolokia('policy', FLUSH_SYSTEM_AUTH))).toMatchObject({ status: 200, value: null });
  });

  it('forbids (HTTP 200, inner 403) writes, other MBeans, other operations and list', async () => {
    const write = await jolokia('policy', writeBackups(true));
    expect(write.status).toBe(200);
    denied(reply(write), `Writing attribute IncrementalBackupsEnabled forbidden for MBean ${SS}`);
    denied(
      reply(await jolokia('policy', { type: 'read', mbean: 'java.lang:type=Memory', attribute: 'HeapMemoryUsage' })),
      'Reading attribute HeapMemoryUsage is forbidden for MBean java.lang:type=Memory',
    );
    denied(
      reply(await jolokia('policy', { type: 'exec', mbean: SS, operation: 'stopGossiping', arguments: [] })),
      `Operation stopGossiping forbidden for MBean ${SS}`,
    );
    denied(reply(await jolokia('policy', { type: 'list' })), 'Command type LIST not allowed due to policy used');
    expect(await readBackups()).toBe(false);
  });

  it('the strict variant, without the flush grant: the exec is denied with inner status 403, also inside a bulk', async () => {
    const res = await jolokia('policyStrict', [READ_BACKUPS, FLUSH_SYSTEM_AUTH]);
    expect(res.status).toBe(200);
    const [read, exec] = res.json as JolokiaReply[];
    expect(read).toMatchObject({ status: 200, value: false });
    denied(exec as JolokiaReply, `Operation forceKeyspaceFlush forbidden for MBean ${SS}`);
  });

  it('the strict variant refuses the system properties the full policy grants', async () => {
    const properties = {
      type: 'read',
      mbean: 'java.lang:type=Runtime',
      attribute: 'SystemProperties',
      path: 'cassandra.config',
    };
    expect(reply(await jolokia('policy', properties))).toMatchObject({
      status: 200,
      value: expect.stringMatching(/^file:\/\/.*cassandra\.yaml$/),
    });
    denied(
      reply(await jolokia('policyStrict', properties)),
      'Reading attribute SystemProperties is forbidden for MBean java.lang:type=Runtime',
    );
  });
});

describe('a node with CQL auth, TLS with client certificates on the native port, and no agent', () => {
  let node: CassandraNode | undefined;
  const started = (): CassandraNode => node as CassandraNode;
  const tlsFiles = (): CqlTlsFiles => started().cqlTls as CqlTlsFiles;
  /** How a connect that must fail failed: the error's name, code and message. */
  const refusal = (attempt: Promise<{ shutdown(): Promise<void> }>) =>
    attempt.then(
      async (client) => {
        await client.shutdown();
        return { name: 'accepted' };
      },
      (e: { name?: string; code?: string; message?: string; additionalInfo?: { code?: number } }) => ({
        name: e.name,
        code: e.code ?? e.additionalInfo?.code,
        message: e.message,
      }),
    );

  beforeAll(async () => {
    node = await startCassandra({
      agents: {},
      auth: true,
      clientTls: { requireClientCert: true },
      heap: '512M',
      log: (m) => process.stderr.write(`[cql node] ${m}\n`),
    });
  }, 600_000);
  afterAll(async () => node?.stop());

  it('starts with nothing installed: no agent, no Jolokia URL; nodetool answers', async () => {
    expect(started()).toMatchObject({ jolokiaUrl: null, mainAgent: null, agents: {}, auth: true, caFile: null });
    expect(fs.readdirSync(started().workDir)).not.toContain('tls');
    expect(fs.readFileSync(started().stdoutFile, 'utf8')).not.toMatch(/jolokia/i);
    const res = await started().nodetool('statusbackup');
    expect(res).toMatchObject({ code: 0, stdout: 'not running\n' });
  });

  it("refuses a wrong password with the server's Bad credentials error (0x0100)", async () => {
    expect(await refusal(cqlAs(started(), 'cassandra', 'wrong'))).toEqual({
      name: 'AuthenticationError',
      code: 0x0100,
      message: 'Provided username cassandra and/or password are incorrect',
    });
  });

  it('accepts a role the superuser made, with its grant and nothing more', async () => {
    // SELECT ON ALL KEYSPACES does not reach the virtual keyspace system_views (4.0.19, 4.1.10, 5.0.9)
    await createRole(started(), { name: 'monitor', password: 'pw', grants: ['SELECT ON KEYSPACE system_views'] });
    const client = await cqlAs(started(), 'monitor', 'pw');
    try {
      const rs = await client.execute("SELECT value FROM system_views.settings WHERE name = 'incremental_backups'");
      expect(rs.first()?.['value']).toBe('false');
      await expect(client.execute("CREATE ROLE other WITH PASSWORD = 'x'")).rejects.toMatchObject({ code: 0x2100 });
    } finally {
      await client.shutdown();
    }
  });

  it('over TLS: accepts a client that trusts the CA, refuses one that trusts another CA or shows no certificate', async () => {
    const client = await cqlAs(started(), 'cassandra', 'cassandra');
    await client.shutdown();
    expect(await refusal(cqlAs(started(), 'cassandra', 'cassandra', { caFile: tlsFiles().otherCaFile }))).toEqual({
      name: 'Error',
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
      message: 'self-signed certificate in certificate chain',
    });
    // TLS 1.3: the server checks the client's certificate after the handshake, and answers with an alert
    expect(await refusal(cqlAs(started(), 'cassandra', 'cassandra', { clientCert: false }))).toMatchObject({
      name: 'Error',
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
    // plain CQL on the TLS port: the node closes the connection
    expect(await refusal(cqlAs(started(), 'cassandra', 'cassandra', { caFile: false, timeoutMs: 5000 }))).toEqual({
      name: 'Error',
      code: 'ECONNRESET',
      message: 'read ECONNRESET',
    });
  });
});
