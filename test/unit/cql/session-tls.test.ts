// The session over TLS (src/cql/session.ts through node:tls): a node:tls server with a self-signed
// certificate made by the openssl CLI (as scripts/cassandra/tls.mjs runs it), in front of the fake
// CQL server (scripts/fake-cql.mjs). Untrusted or misnamed certificates are 'trust' failures before
// any password is sent; TLS against a plain port, and plain against a TLS port, fail cleanly; a
// handshake that never ends times out by the deadline.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, which } from '../../../scripts/cassandra/commands.mjs';
import { type FakeCql, startFakeCql } from '../../../scripts/fake-cql.mjs';
import { CqlError } from '../../../src/cql/errors.js';
import { type CqlEndpoint, type CqlTls, openSession } from '../../../src/cql/session.js';
import { CERT_OTHER_NAME, KEY_127, KEY_OTHER_NAME } from '../../support/tls-fixture.js';
import { closeAll, listen, silentServer, track, trackSocket } from './servers.js';

const USER = 'monitor';
const PASSWORD = 'tls-Pa55word';

let dir: string;
let fake: FakeCql;
/** The self-signed certificate (SAN IP:127.0.0.1) of the TLS front, PEM. */
let cert: string;
/** A TLS front with the self-signed certificate; one with a certificate for another name. */
let port: number;
let otherNamePort: number;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cql-tls-'));
  const { certFile, keyFile } = await selfSigned(dir);
  cert = await readFile(certFile, 'utf8');
  fake = await startFakeCql({
    credentials: { user: USER, password: PASSWORD },
    latencyMs: [0, 5],
    endpoint: () => ({
      conduct: 'answer',
      table: () => ({ columns: [{ name: 'key', type: 'varchar' }], rows: [{ key: 'local' }] }),
    }),
  });
  port = await tlsFront(cert, await readFile(keyFile, 'utf8'));
  otherNamePort = await tlsFront(CERT_OTHER_NAME, KEY_OTHER_NAME);
});
afterAll(async () => {
  await closeAll();
  await fake?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const node = (tls: CqlTls | undefined, over: Partial<CqlEndpoint> = {}): CqlEndpoint => ({
  host: '127.0.0.1',
  port,
  user: USER,
  password: PASSWORD,
  ...(tls === undefined ? {} : { tls }),
  ...over,
});
const within = (ms = 5000) => ({ deadline: Date.now() + ms });

async function failure(promise: Promise<unknown>): Promise<CqlError> {
  const error = await promise.then(
    () => new Error('it did not fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CqlError);
  return error as CqlError;
}

describe('certificates', () => {
  it('a self-signed certificate without its CA: trust, and the password never reached the node', async () => {
    const before = fake.connections;
    const error = await failure(openSession(node({}), within()));
    expect(error.kind).toBe('trust');
    expect(error.timedOut).toBe(false);
    expect(error.message).toBe(
      `Cannot connect to Cassandra's native port at 127.0.0.1:${port}: its TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)`,
    );
    expect(fake.connections).toBe(before);
  });

  it('with the certificate as tls.ca: logged in and answered, the trace saying TLS', async () => {
    const lines: string[] = [];
    const session = await openSession(node({ ca: cert }), { ...within(), trace: (line) => lines.push(line) });
    try {
      expect(await session.query('SELECT key FROM system.local')).toEqual([{ key: 'local' }]);
    } finally {
      session.close();
    }
    expect(lines[0]).toBe(`127.0.0.1:${port} connected to 127.0.0.1:${port} (TLS)`);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  it('tls.insecure: no verification, asked for explicitly', async () => {
    const session = await openSession(node({ insecure: true }), within());
    session.close();
  });

  it('a trusted certificate for another name: trust (ERR_TLS_CERT_ALTNAME_INVALID)', async () => {
    const error = await failure(openSession(node({ ca: CERT_OTHER_NAME }, { port: otherNamePort }), within()));
    expect(error.kind).toBe('trust');
    expect(error.message).toMatch(/its TLS certificate is not trusted \(ERR_TLS_CERT_ALTNAME_INVALID\)$/);
  });

  it('TLS files node:tls cannot use (a key not the certificate’s, no PEM at all): tls-files, not a stray exception', async () => {
    const mismatch = await failure(openSession(node({ ca: cert, cert: CERT_OTHER_NAME, key: KEY_127 }), within()));
    expect(mismatch.kind).toBe('tls-files');
    expect(mismatch.message).toMatch(
      new RegExp(
        `^Cannot connect to Cassandra's native port at 127\\.0\\.0\\.1:${port}: the TLS files given cannot be used \\(.*key values mismatch\\)$`,
      ),
    );
    const garbage = await failure(
      openSession(node({ ca: cert, cert: 'not a certificate', key: 'nor a key' }), within()),
    );
    expect(garbage.kind).toBe('tls-files');
  });
});

describe('TLS on one side only', () => {
  it('a TLS client against a plain CQL port: a clean error, at once', async () => {
    const started = Date.now();
    const error = await failure(openSession(node({ insecure: true }, { port: fake.port }), within(10_000)));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(['not-cql', 'connection']).toContain(error.kind);
    expect(error.message).toContain(`127.0.0.1:${fake.port}`);
  });

  it('a plain client against a TLS port: not-cql, at once', async () => {
    const started = Date.now();
    const error = await failure(openSession(node(undefined), within(10_000)));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.kind).toBe('not-cql');
  });

  it('a handshake that never ends: timeout by the deadline, the handshake named', async () => {
    const silent = await silentServer();
    const deadline = Date.now() + 300;
    const error = await failure(openSession(node({ ca: cert }, { port: silent }), { deadline }));
    expect(Date.now()).toBeLessThanOrEqual(deadline + 150);
    expect([error.kind, error.timedOut]).toEqual(['timeout', true]);
    expect(error.message).toMatch(/^Connected to 127\.0\.0\.1:\d+, but the TLS handshake did not finish in time/);
  });
});

/** A TLS server on 127.0.0.1 passing each connection, decrypted, to the fake CQL server. */
async function tlsFront(certificate: string, key: string): Promise<number> {
  const server = track(
    createTlsServer({ cert: certificate, key }, (secure) => {
      secure.on('error', () => undefined);
      const upstream = trackSocket(connectTcp(fake.port, '127.0.0.1'));
      secure.pipe(upstream).pipe(secure);
    }),
  );
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

/** A self-signed EC certificate for IP 127.0.0.1 (CA:TRUE, so that it can be its own CA), one day. */
async function selfSigned(into: string): Promise<{ certFile: string; keyFile: string }> {
  const openssl = which('openssl');
  if (openssl === null) throw new Error('the TLS tests need `openssl` on PATH (Debian: apt-get install openssl)');
  const certFile = path.join(into, 'node.pem');
  const keyFile = path.join(into, 'node.key');
  const args = [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=cql-test-node'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE'],
  ];
  const result = await run(openssl, args, { cwd: into, timeoutMs: 30_000 });
  if (result.code !== 0) throw new Error(`openssl req failed:\n${result.stderr}`);
  return { certFile, keyFile };
}
