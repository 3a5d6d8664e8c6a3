// @ts-check
// JVM command lines: Cassandra's server flags on Java 17 and nodetool's client flags.

// Module access from conf/jvm17-server.options and conf/jvm17-clients.options of Cassandra 5.0.
const SERVER_EXPORTS = [
  'java.base/jdk.internal.misc',
  'java.management.rmi/com.sun.jmx.remote.internal.rmi',
  'java.rmi/sun.rmi.registry',
  'java.rmi/sun.rmi.server',
  'java.sql/java.sql',
  'java.base/java.lang.ref',
  'jdk.unsupported/sun.misc',
  'jdk.compiler/com.sun.tools.javac.file',
  'jdk.attach/sun.tools.attach',
];
const SERVER_OPENS = [
  'java.base/java.lang.module',
  'java.base/jdk.internal.loader',
  'java.base/jdk.internal.ref',
  'java.base/jdk.internal.reflect',
  'java.base/jdk.internal.math',
  'java.base/jdk.internal.module',
  'java.base/jdk.internal.util.jar',
  'jdk.management/com.sun.management.internal',
  'java.base/sun.nio.ch',
  'java.base/java.io',
  'java.base/java.lang.reflect',
  'jdk.compiler/com.sun.tools.javac',
  'java.base/java.lang',
  'java.base/java.util',
  // Not in 5.0's list: 4.0 and 4.1 ship jamm 0.3.2, whose measureDeep opens fields of these
  // packages (without them the node dies at start, in StorageService's or a table's set-up).
  'java.base/java.util.concurrent',
  'java.base/java.util.concurrent.atomic',
  'java.base/java.nio',
];
// nodetool fails without these ("Cassandra is unable to access required classes": FileUtils needs sun.nio.ch).
const CLIENT_EXPORTS = [
  'java.base/jdk.internal.misc',
  'java.base/jdk.internal.ref',
  'java.base/sun.nio.ch',
  'java.management.rmi/com.sun.jmx.remote.internal.rmi',
  'java.rmi/sun.rmi.registry',
  'java.rmi/sun.rmi.server',
  'java.sql/java.sql',
  'jdk.unsupported/sun.misc',
  'jdk.compiler/com.sun.tools.javac.file',
  'jdk.attach/sun.tools.attach',
];
const CLIENT_OPENS = [
  'java.base/java.lang.module',
  'java.base/jdk.internal.loader',
  'java.base/jdk.internal.ref',
  'java.base/jdk.internal.reflect',
  'java.base/jdk.internal.math',
  'java.base/jdk.internal.module',
  'java.base/jdk.internal.util.jar',
  'jdk.management/com.sun.management.internal',
  'java.base/sun.nio.ch',
  'java.base/java.io',
  'java.base/java.util.concurrent',
  'java.base/java.util',
  'java.base/java.util.concurrent.atomic',
  'java.base/java.lang',
  'java.base/java.math',
  'jdk.compiler/com.sun.tools.javac',
  'java.base/java.lang.reflect',
  'java.base/java.net',
];

/**
 * @param {string[]} exports
 * @param {string[]} opens
 */
const modulePrefs = (exports, opens) => [
  ...exports.flatMap((m) => ['--add-exports', `${m}=ALL-UNNAMED`]),
  ...opens.flatMap((m) => ['--add-opens', `${m}=ALL-UNNAMED`]),
];

// Flags every node gets, whatever its options.
const SERVER_TUNING = [
  '-Xss256k',
  '-XX:+UseG1GC',
  '-XX:+ParallelRefProcEnabled',
  '-XX:MaxTenuringThreshold=1',
  '-XX:G1HeapRegionSize=16m',
  '-XX:G1RSetUpdatingPauseTimePercent=5',
  '-XX:MaxGCPauseMillis=300',
  '-XX:InitiatingHeapOccupancyPercent=70',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djdk.attach.allowAttachSelf=true',
  '-Djava.net.preferIPv4Stack=true',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dio.netty.allocator.useCacheForAllThreads=true',
  '-Dio.netty.allocator.maxOrder=11',
];

/**
 * Cassandra's class path: conf/ first (where the node may find its cassandra.yaml), then every jar.
 * @param {import('./node-files.mjs').NodeLayout} layout
 * @param {string} libDir
 */
export const classPath = (layout, libDir) => `${layout.confDir}:${libDir}/*`;

/**
 * The arguments of `java` that run the node in the foreground.
 * @param {import('./node-files.mjs').NodeLayout} layout
 * @param {{ libDir: string, jammJar: string | null }} art jamm is required as an agent by 4.x, harmless on 5.0
 * @param {object} p
 * @param {string} [p.heap] -Xms and -Xmx, default 1G
 * @param {string[]} p.agentArgs the Jolokia -javaagent flags
 * @param {number} p.jmxPort
 * @param {boolean} [p.configFromClassPath] no -Dcassandra.config: the node looks for cassandra.yaml on its class path
 * @param {boolean} [p.auth] the node has PasswordAuthenticator: make its default superuser at once, not after 10 s
 * @param {string[]} [p.extraJvmArgs]
 * @returns {string[]}
 */
export function cassandraJvmArgs(layout, art, p) {
  const heap = p.heap ?? '1G';
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    ...SERVER_TUNING,
    ...modulePrefs(SERVER_EXPORTS, SERVER_OPENS),
    ...(art.jammJar ? [`-javaagent:${art.jammJar}`] : []),
    ...p.agentArgs,
    ...(p.configFromClassPath ? [] : [`-Dcassandra.config=file://${layout.yamlFile}`]),
    `-Dcassandra.logdir=${layout.logDir}`,
    `-Dcassandra.storagedir=${layout.storageDir}`,
    `-Dlogback.configurationFile=${layout.logbackFile}`,
    '-Dcassandra-foreground=yes',
    `-Dcassandra.jmx.local.port=${p.jmxPort}`,
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.ring_delay_ms=1000',
    ...(p.auth ? ['-Dcassandra.superuser_setup_delay_ms=0'] : []),
    `-Duser.home=${layout.homeDir}`,
    `-Djava.io.tmpdir=${layout.tmpDir}`, // lz4-java unpacks its .so there; a killed JVM would leave it in /tmp
    ...(p.extraJvmArgs ?? []),
    '-cp',
    classPath(layout, art.libDir),
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

/**
 * The arguments of `java` that run nodetool against the node's JMX port; the command goes after them.
 * @param {import('./node-files.mjs').NodeLayout} layout
 * @param {string} libDir
 * @param {number} jmxPort
 * @returns {string[]}
 */
export function nodetoolJvmArgs(layout, libDir, jmxPort) {
  return [
    '-Xmx128m',
    // short-lived client JVM: C1 only + serial GC cut a nodetool call from ~2.2 s to ~1.4 s here
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    ...modulePrefs(CLIENT_EXPORTS, CLIENT_OPENS),
    '-Djdk.attach.allowAttachSelf=true',
    `-Dlogback.configurationFile=${layout.toolsLogbackFile}`,
    `-Duser.home=${layout.homeDir}`, // nodetool appends to ~/.cassandra/nodetool.history
    '-cp',
    classPath(layout, libDir),
    'org.apache.cassandra.tools.NodeTool',
    '-h',
    '127.0.0.1',
    '-p',
    String(jmxPort),
  ];
}
