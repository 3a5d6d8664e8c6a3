// @ts-check
// CQL on a started node, for tests and for readiness: a session as a given role (over TLS when the
// node's native port wants it), and a role made by the default superuser.
//
// It uses the `cassandra-driver` package, a devDependency the plugins never load. The import is
// lazy, inside the functions: a node started without auth, client TLS or agent-less readiness
// never loads the driver (about +110 ms and +18 MiB).

import fs from 'node:fs';

/**
 * What a CQL client needs to reach a node; a CassandraNode is one.
 * @typedef {object} CqlTarget
 * @property {string} address
 * @property {number} nativePort
 * @property {string} datacenter the driver's local data center
 * @property {import('./cql-tls.mjs').CqlTlsFiles | null} cqlTls set when the native port wants TLS
 */

/**
 * @typedef {object} CqlAsOptions
 * @property {string | false} [caFile] the CA the client trusts; default the node's (cqlTls.caFile); false: no TLS at all
 * @property {boolean} [clientCert] present the harness's client certificate (default true when the node has TLS)
 * @property {number} [timeoutMs] connect and read timeout, default 12 000 ms
 */

/** The superuser every node with auth has, a few seconds after start (CassandraRoleManager). */
export const DEFAULT_SUPERUSER = Object.freeze({ user: 'cassandra', password: 'cassandra' });

/**
 * A connected driver Client on the node, logged in as `user` (no credentials when user is null).
 * Call `shutdown()` when done. A failed connect rejects with the one host's own error (the driver's
 * AuthenticationError for a refused login, whose `additionalInfo.code` is the server's 0x0100; a
 * TLS error for an untrusted certificate) instead of the driver's NoHostAvailableError wrapper.
 * @param {CqlTarget} node
 * @param {string | null} user
 * @param {string} [password]
 * @param {CqlAsOptions} [options]
 * @returns {Promise<import('cassandra-driver').Client>}
 */
export async function cqlAs(node, user, password = '', options = {}) {
  const { Client, auth } = (await import('cassandra-driver')).default;
  const timeoutMs = options.timeoutMs ?? 12_000;
  const sslOptions = tlsOptions(node, options);
  const client = new Client({
    contactPoints: [`${node.address}:${node.nativePort}`],
    localDataCenter: node.datacenter,
    ...(user === null ? {} : { authProvider: new auth.PlainTextAuthProvider(user, password) }),
    ...(sslOptions ? { sslOptions } : {}),
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
  });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.shutdown().catch(() => {});
    throw soleHostError(err);
  }
}

/**
 * Makes a role that can log in, as the default superuser, and grants it each of `grants`: the
 * part of a GRANT statement before `TO`, e.g. `SELECT ON ALL KEYSPACES`.
 * @param {CqlTarget} node
 * @param {{ name: string, password: string, grants?: string[] }} role
 */
export async function createRole(node, { name, password, grants = [] }) {
  const client = await cqlAs(node, DEFAULT_SUPERUSER.user, DEFAULT_SUPERUSER.password);
  try {
    const role = cqlString(name); // a string literal keeps the name's case, as a quoted identifier would
    await client.execute(`CREATE ROLE ${role} WITH PASSWORD = ${cqlString(password)} AND LOGIN = true`);
    for (const grant of grants) await client.execute(`GRANT ${grant} TO ${role}`);
  } finally {
    await client.shutdown();
  }
}

/**
 * The driver's sslOptions for the node: trust its CA (or the one given) and check its name, present
 * the client certificate; none for a node without client TLS or when asked for none.
 * @param {CqlTarget} node
 * @param {CqlAsOptions} options
 * @returns {import('node:tls').ConnectionOptions | null}
 */
function tlsOptions(node, options) {
  if (!node.cqlTls || options.caFile === false) return null;
  const withCert = options.clientCert ?? true;
  return {
    ca: [fs.readFileSync(options.caFile ?? node.cqlTls.caFile)],
    rejectUnauthorized: true, // the driver's default is false
    ...(withCert
      ? { cert: fs.readFileSync(node.cqlTls.clientCertFile), key: fs.readFileSync(node.cqlTls.clientKeyFile) }
      : {}),
  };
}

/**
 * The error of the one contact point behind the driver's NoHostAvailableError, else `err` itself.
 * @param {unknown} err
 * @returns {unknown}
 */
function soleHostError(err) {
  const inner = /** @type {{ innerErrors?: Record<string, unknown> }} */ (err)?.innerErrors;
  const errors = inner ? Object.values(inner) : [];
  return errors.length === 1 ? errors[0] : err;
}

/**
 * @param {string} s
 * @returns {string} a CQL string literal
 */
function cqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}
