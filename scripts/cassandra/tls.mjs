// @ts-check
// TLS material for an https Jolokia agent: a throw-away CA and a server certificate, made with the openssl CLI.

import fsp from 'node:fs/promises';
import path from 'node:path';
import { run, which } from './commands.mjs';

/**
 * @typedef {object} TlsFiles
 * @property {string} caFile the CA certificate (PEM) clients trust
 * @property {string} certFile the server certificate, SAN localhost and 127.0.0.1
 * @property {string} keyFile its unencrypted key
 */

/**
 * Makes a CA and a server certificate (SAN localhost, 127.0.0.1) signed by it, in `dir`.
 * @param {string} dir
 * @returns {Promise<TlsFiles>}
 */
export async function makeTls(dir) {
  const openssl = requireOpenssl();
  await fsp.mkdir(dir, { recursive: true });
  /** @param {string} n */
  const f = (n) => path.join(dir, n);
  // The signing step reads the server certificate's extensions from this file.
  await writeServerExtensions(f('server.ext'));
  for (const args of [caCertificate(f), serverRequest(f), signServer(f)]) {
    const res = await run(openssl, args, { cwd: dir });
    if (res.code !== 0) throw new Error(`openssl ${args[0]} failed:\n${res.stderr}`);
  }
  return { caFile: f('ca.pem'), certFile: f('server.pem'), keyFile: f('server.key') };
}

/**
 * The openssl binary; without it no https agent can start, so say how to get it.
 * @returns {string}
 */
function requireOpenssl() {
  const openssl = which('openssl');
  if (!openssl)
    throw new Error(
      'An https Jolokia agent was requested but `openssl` is not on PATH (Debian: apt-get install openssl).',
    );
  return openssl;
}

/**
 * The server certificate's extensions: the SANs clients check, and no CA rights.
 * @param {string} file
 */
async function writeServerExtensions(file) {
  await fsp.writeFile(
    file,
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' +
      'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
}

/**
 * openssl arguments: a self-signed CA, key and certificate, valid 30 days.
 * @param {(name: string) => string} f path of a file in the TLS directory
 * @returns {string[]}
 */
function caCertificate(f) {
  return [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '30',
    '-subj',
    '/CN=cassandra-test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ];
}

/**
 * openssl arguments: the server's key and its signing request.
 * @param {(name: string) => string} f path of a file in the TLS directory
 * @returns {string[]}
 */
function serverRequest(f) {
  return [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=localhost',
  ];
}

/**
 * openssl arguments: the CA signs the server's request, with the extensions of server.ext.
 * @param {(name: string) => string} f path of a file in the TLS directory
 * @returns {string[]}
 */
function signServer(f) {
  return [
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-days',
    '30',
    '-extfile',
    f('server.ext'),
  ];
}
