// @ts-check
// Throw-away TLS material made with the openssl CLI: a CA and certificates it signs, for an https
// Jolokia agent (makeTls) and for CQL's client encryption (cql-tls.mjs).

import fsp from 'node:fs/promises';
import path from 'node:path';
import { run, which } from './commands.mjs';

/**
 * @typedef {object} TlsFiles
 * @property {string} caFile the CA certificate (PEM) clients trust
 * @property {string} certFile the server certificate, SAN localhost, 127.0.0.1 and the node's address
 * @property {string} keyFile its unencrypted key
 */

/** @typedef {{ certFile: string, keyFile: string }} Ca a CA that can sign: its certificate and key */

/**
 * Makes a CA and a server certificate (SAN localhost, 127.0.0.1, `address`) signed by it, in `dir`.
 * @param {string} dir
 * @param {string} [address] the node's, when not 127.0.0.1
 * @returns {Promise<TlsFiles>}
 */
export async function makeTls(dir, address = '127.0.0.1') {
  await fsp.mkdir(dir, { recursive: true });
  const ca = await makeCa(dir, 'ca', 'cassandra-test CA');
  const sans = [...new Set(['DNS:localhost', 'IP:127.0.0.1', `IP:${address}`])].join(',');
  const server = await makeSigned(dir, 'server', ca, { cn: 'localhost', sans, usage: 'serverAuth' });
  return { caFile: ca.certFile, ...server };
}

/**
 * A self-signed CA, key and certificate valid 30 days: `<name>.key`, `<name>.pem` in `dir`.
 * @param {string} dir
 * @param {string} name
 * @param {string} cn
 * @returns {Promise<Ca>}
 */
export async function makeCa(dir, name, cn) {
  const ca = { certFile: path.join(dir, `${name}.pem`), keyFile: path.join(dir, `${name}.key`) };
  await openssl(dir, [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', ca.keyFile, '-out', ca.certFile],
    ...['-days', '30', '-subj', `/CN=${cn}`],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  return ca;
}

/**
 * A key and a certificate signed by `ca`, valid 30 days: `<name>.key`, `<name>.pem` in `dir`.
 * @param {string} dir
 * @param {string} name
 * @param {Ca} ca
 * @param {{ cn: string, sans?: string, usage: 'serverAuth' | 'clientAuth' }} what sans: openssl's subjectAltName list
 * @returns {Promise<{ certFile: string, keyFile: string }>}
 */
export async function makeSigned(dir, name, ca, what) {
  /** @param {string} ext */
  const f = (ext) => path.join(dir, `${name}.${ext}`);
  // The signing step reads the certificate's extensions from this file.
  await fsp.writeFile(
    f('ext'),
    `${what.sans ? `subjectAltName=${what.sans}\n` : ''}basicConstraints=CA:FALSE\n` +
      `keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=${what.usage}\n`,
  );
  await openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('key'),
    '-out',
    f('csr'),
    '-subj',
    `/CN=${what.cn}`,
  ]);
  await openssl(dir, [
    ...['x509', '-req', '-in', f('csr'), '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial'],
    ...['-out', f('pem'), '-days', '30', '-extfile', f('ext')],
  ]);
  return { certFile: f('pem'), keyFile: f('key') };
}

/**
 * Runs openssl in `dir`; a failure quotes its stderr.
 * @param {string} dir
 * @param {string[]} args
 */
export async function openssl(dir, args) {
  const res = await run(requireOpenssl(), args, { cwd: dir });
  if (res.code !== 0) throw new Error(`openssl ${args[0]} failed:\n${res.stderr}`);
}

/**
 * The openssl binary; without it no TLS material can be made, so say how to get it.
 * @returns {string}
 */
function requireOpenssl() {
  const openssl = which('openssl');
  if (!openssl)
    throw new Error(
      'TLS was requested (an https agent or CQL client encryption) but `openssl` is not on PATH (Debian: apt-get install openssl).',
    );
  return openssl;
}
