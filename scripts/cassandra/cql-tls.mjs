// @ts-check
// TLS on the native (CQL) port: the node's keystore and truststore for cassandra.yaml's
// client_encryption_options, and the PEM files a client uses, all from a throw-away CA (tls.mjs).

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { run } from './commands.mjs';
import { makeCa, makeSigned, openssl } from './tls.mjs';

/**
 * @typedef {object} ClientTlsOptions
 * @property {boolean} [requireClientCert] require_client_auth: a client must present a certificate the CA signed (default false)
 */

/**
 * What a CQL client needs, all PEM.
 * @typedef {object} CqlTlsFiles
 * @property {string} caFile the CA that signed the node's certificate (SAN localhost, 127.0.0.1, the node's address)
 * @property {string} clientCertFile a client certificate the same CA signed
 * @property {string} clientKeyFile its unencrypted key
 * @property {string} otherCaFile a CA that signed nothing of the node's: a client trusting only it must refuse the node
 */

/**
 * The node's side, for client_encryption_options: PKCS12 stores (`store_type: PKCS12`, read by
 * 4.0, 4.1 and 5.0 alike; 4.0 has no PEM option).
 * @typedef {object} ClientEncryption
 * @property {string} keystore the server's key and certificate chain
 * @property {string} truststore the CA, to check client certificates
 * @property {string} password of both stores
 * @property {boolean} requireClientCert
 */

const STORE_PASSWORD = 'cassandra-test';

/**
 * Makes the CA, the node's and a client's certificates, another CA, and the node's two stores, in `dir`.
 * @param {string} dir
 * @param {{ address: string, java: string, requireClientCert: boolean }} p java: keytool is beside it
 * @returns {Promise<{ files: CqlTlsFiles, encryption: ClientEncryption }>}
 */
export async function makeCqlTls(dir, { address, java, requireClientCert }) {
  await fsp.mkdir(dir, { recursive: true });
  const ca = await makeCa(dir, 'ca', 'cassandra-test CQL CA');
  const sans = [...new Set(['DNS:localhost', 'IP:127.0.0.1', `IP:${address}`])].join(',');
  const server = await makeSigned(dir, 'server', ca, { cn: 'localhost', sans, usage: 'serverAuth' });
  const client = await makeSigned(dir, 'client', ca, { cn: 'cql-client', usage: 'clientAuth' });
  const other = await makeCa(dir, 'other-ca', 'a CA the node does not know');
  const keystore = path.join(dir, 'keystore.p12');
  await openssl(dir, [
    ...['pkcs12', '-export', '-in', server.certFile, '-inkey', server.keyFile, '-certfile', ca.certFile],
    ...['-name', 'server', '-out', keystore, '-passout', `pass:${STORE_PASSWORD}`],
  ]);
  const truststore = await trustStore(dir, ca.certFile, java);
  return {
    files: {
      caFile: ca.certFile,
      clientCertFile: client.certFile,
      clientKeyFile: client.keyFile,
      otherCaFile: other.certFile,
    },
    encryption: { keystore, truststore, password: STORE_PASSWORD, requireClientCert },
  };
}

/**
 * A PKCS12 truststore holding the CA, made with the JDK's keytool: Java ignores a certificate
 * without a key in a PKCS12 file unless it carries Oracle's trust attribute, which only keytool
 * (or openssl 3.2's -jdktrust) writes.
 * @param {string} dir
 * @param {string} caFile
 * @param {string} java
 * @returns {Promise<string>}
 */
async function trustStore(dir, caFile, java) {
  const keytool = path.join(path.dirname(fs.realpathSync(java)), 'keytool');
  if (!fs.existsSync(keytool))
    throw new Error(`TLS on the native port needs the JDK's keytool beside ${fs.realpathSync(java)}; it is not there.`);
  const file = path.join(dir, 'truststore.p12');
  const res = await run(keytool, [
    ...['-importcert', '-noprompt', '-alias', 'ca', '-file', caFile],
    ...['-keystore', file, '-storetype', 'PKCS12', '-storepass', STORE_PASSWORD],
  ]);
  if (res.code !== 0) throw new Error(`keytool -importcert failed:\n${res.stdout}${res.stderr}`);
  return file;
}
