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
  const openssl = which('openssl');
  if (!openssl)
    throw new Error(
      'An https Jolokia agent was requested but `openssl` is not on PATH (Debian: apt-get install openssl).',
    );
  await fsp.mkdir(dir, { recursive: true });
  /** @param {string} n */
  const f = (n) => path.join(dir, n);
  const steps = [
    [
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
    ],
    [
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
    ],
    [
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
    ],
  ];
  await fsp.writeFile(
    f('server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' +
      'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  for (const args of steps) {
    const res = await run(openssl, args, { cwd: dir });
    if (res.code !== 0) throw new Error(`openssl ${args[0]} failed:\n${res.stderr}`);
  }
  return { caFile: f('ca.pem'), certFile: f('server.pem'), keyFile: f('server.key') };
}
