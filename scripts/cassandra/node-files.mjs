// @ts-check
// One node's files: the work dir's layout, cassandra.yaml, the logback and rack/DC configs.

import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Where one node's files live, all under its work dir (removed when the node is ended).
 * @typedef {object} NodeLayout
 * @property {string} workDir
 * @property {string} confDir first on the class path
 * @property {string} logDir
 * @property {string[]} dataDirs
 * @property {string} commitlogDir
 * @property {string} savedCachesDir
 * @property {string} hintsDir
 * @property {string} storageDir
 * @property {string} homeDir user.home of the node and of nodetool
 * @property {string} tmpDir java.io.tmpdir
 * @property {string} tlsDir made only for an https agent
 * @property {string} cqlTlsDir made only for TLS on the native port
 * @property {string} yamlFile
 * @property {string} logbackFile the node's: system.log
 * @property {string} toolsLogbackFile nodetool's: warnings to stderr
 * @property {string} logFile Cassandra's system.log
 * @property {string} stdoutFile the JVM's stdout and stderr
 */

/**
 * @typedef {object} NodeSettings what cassandra.yaml and the snitch's file say
 * @property {string} cassandraVersion
 * @property {string} address listen and rpc address
 * @property {number} storagePort
 * @property {number} nativePort
 * @property {string} [seeds] default: this node
 * @property {string} [initialToken] default "0"
 * @property {{ datacenter: string, rack: string }} [location] GossipingPropertyFileSnitch; default SimpleSnitch
 * @property {boolean} [incrementalBackups]
 * @property {boolean} [auth] PasswordAuthenticator and CassandraAuthorizer, their caches off
 * @property {import('./cql-tls.mjs').ClientEncryption} [clientEncryption] TLS on the native port
 * @property {string} [clusterName] default "harness"
 * @property {string} [extraYaml] appended to cassandra.yaml
 */

/**
 * @param {string} workDir
 * @param {number} dataDirCount
 * @returns {NodeLayout}
 */
export function nodeLayout(workDir, dataDirCount) {
  /** @param {string} name */
  const at = (name) => path.join(workDir, name);
  const confDir = at('conf');
  const logDir = at('logs');
  return {
    workDir,
    confDir,
    logDir,
    dataDirs: Array.from({ length: dataDirCount }, (_, i) => at(`data${i + 1}`)),
    commitlogDir: at('commitlog'),
    savedCachesDir: at('saved_caches'),
    hintsDir: at('hints'),
    storageDir: at('storage'),
    homeDir: at('home'),
    tmpDir: at('tmp'),
    tlsDir: at('tls'),
    cqlTlsDir: at('tls-cql'),
    yamlFile: path.join(confDir, 'cassandra.yaml'),
    logbackFile: path.join(confDir, 'logback.xml'),
    toolsLogbackFile: path.join(confDir, 'logback-tools.xml'),
    logFile: path.join(logDir, 'system.log'),
    stdoutFile: path.join(logDir, 'stdout.log'),
  };
}

/**
 * Makes the directories and writes the config files of a node about to start.
 * @param {NodeLayout} layout
 * @param {NodeSettings} settings
 */
export async function writeNodeFiles(layout, settings) {
  const { confDir, logDir, commitlogDir, savedCachesDir, hintsDir, storageDir, homeDir, tmpDir, dataDirs } = layout;
  for (const d of [confDir, logDir, commitlogDir, savedCachesDir, hintsDir, storageDir, homeDir, tmpDir, ...dataDirs]) {
    await fsp.mkdir(d, { recursive: true });
  }
  if (settings.location !== undefined) {
    await fsp.writeFile(
      path.join(confDir, 'cassandra-rackdc.properties'),
      `dc=${settings.location.datacenter}\nrack=${settings.location.rack}\n`,
    );
  }
  await fsp.writeFile(layout.yamlFile, cassandraYaml(layout, settings));
  await fsp.writeFile(layout.logbackFile, nodeLogback(layout.logFile));
  await fsp.writeFile(layout.toolsLogbackFile, TOOLS_LOGBACK);
}

/**
 * The node logs to system.log, as a packaged node does.
 * @param {string} logFile
 */
const nodeLogback = (logFile) => `<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${logFile}</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;

// nodetool: warnings only, to stderr, so that its stdout is the answer alone.
const TOOLS_LOGBACK = `<configuration scan="false">
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%-5level %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="STDERR"/></root>
</configuration>
`;

/**
 * A single-token node that starts without bootstrap, its files under the work dir.
 * @param {NodeLayout} layout
 * @param {NodeSettings} s
 * @returns {string}
 */
function cassandraYaml(layout, s) {
  return `# written by scripts/cassandra/node-files.mjs
cluster_name: ${yamlString(s.clusterName ?? 'harness')}
num_tokens: 1
initial_token: ${s.initialToken ?? '0'}
auto_bootstrap: false
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
commitlog_sync: periodic
${commitlogSyncPeriod(s.cassandraVersion)}
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: ${yamlString(s.seeds ?? `${s.address}:${s.storagePort}`)}
listen_address: ${s.address}
rpc_address: ${s.address}
storage_port: ${s.storagePort}
native_transport_port: ${s.nativePort}
endpoint_snitch: ${s.location === undefined ? 'SimpleSnitch' : 'GossipingPropertyFileSnitch'}
memtable_allocation_type: heap_buffers
auto_snapshot: false
incremental_backups: ${s.incrementalBackups ? 'true' : 'false'}
data_file_directories:
${layout.dataDirs.map((d) => `  - ${yamlString(d)}`).join('\n')}
commitlog_directory: ${yamlString(layout.commitlogDir)}
saved_caches_directory: ${yamlString(layout.savedCachesDir)}
hints_directory: ${yamlString(layout.hintsDir)}
${s.auth ? authYaml(s.cassandraVersion) : ''}${s.clientEncryption ? clientEncryptionYaml(s.clientEncryption) : ''}${s.extraYaml ?? ''}
`;
}

/**
 * Password logins and permission checks, with the role, permission and credential caches off, so
 * that a role or a grant a test makes counts at once.
 * @param {string} version
 */
function authYaml(version) {
  const zero = oldSpelling(version)
    ? ['roles_validity_in_ms: 0', 'permissions_validity_in_ms: 0', 'credentials_validity_in_ms: 0']
    : ['roles_validity: 0ms', 'permissions_validity: 0ms', 'credentials_validity: 0ms'];
  return ['authenticator: PasswordAuthenticator', 'authorizer: CassandraAuthorizer', ...zero, ''].join('\n');
}

/**
 * TLS required on the native port (optional: false), from PKCS12 stores.
 * @param {import('./cql-tls.mjs').ClientEncryption} e
 */
function clientEncryptionYaml(e) {
  return `client_encryption_options:
  enabled: true
  optional: false
  keystore: ${yamlString(e.keystore)}
  keystore_password: ${yamlString(e.password)}
  truststore: ${yamlString(e.truststore)}
  truststore_password: ${yamlString(e.password)}
  store_type: PKCS12
  require_client_auth: ${e.requireClientCert ? 'true' : 'false'}
`;
}

/** @param {string} version */
function commitlogSyncPeriod(version) {
  return oldSpelling(version) ? 'commitlog_sync_period_in_ms: 10000' : 'commitlog_sync_period: 10000ms';
}

/**
 * 4.1 renamed the settings with units in their names; 4.0 refuses the new names, 4.1 and 5.0 still
 * read the old ones with a warning. Each release gets the spelling of its own cassandra.yaml.
 * @param {string} version
 * @returns {boolean} true before 4.1
 */
function oldSpelling(version) {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major < 4 || (major === 4 && minor < 1);
}

/**
 * @param {string} s
 * @returns {string}
 */
function yamlString(s) {
  return JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
}
