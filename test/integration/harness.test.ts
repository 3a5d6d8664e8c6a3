// Tests of the test harness itself, against the real node of the integration suite: the node is up,
// nodetool (the oracle) agrees with Jolokia, and every agent variant answers as documented in
// docs/REAL-CASSANDRA.md.

import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../scripts/cassandra/harness.mjs';
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
