// cassandra-jolokia-attach's command line: the options, their defaults, and the manual --help prints.

import { parseArgs } from 'node:util';
import { AttachError } from './errors.js';

export const TOOL = 'cassandra-jolokia-attach';
export const PASSWORD_ENV = 'JOLOKIA_PASSWORD';
export const DEFAULT_PROPERTIES = '/etc/cassandra/jolokia-agent.properties';
export const DEFAULT_POLICY = '/etc/cassandra/jolokia-access.xml';

export interface Settings {
  readonly pid: number | undefined;
  readonly agentJar: string | undefined;
  readonly java: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly passwordFile: string | undefined;
  readonly policyFile: string;
  readonly propertiesFile: string;
  readonly jvmOptionsFile: string | undefined;
  readonly statusOnly: boolean;
  readonly timeoutMs: number;
}

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; settings: Settings };

const OPTIONS = {
  pid: { type: 'string' },
  'agent-jar': { type: 'string' },
  java: { type: 'string' },
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '8778' },
  user: { type: 'string', short: 'u' },
  'password-file': { type: 'string' },
  policy: { type: 'string', default: DEFAULT_POLICY },
  properties: { type: 'string', default: DEFAULT_PROPERTIES },
  'write-jvm-options': { type: 'string' },
  status: { type: 'boolean', default: false },
  timeout: { type: 'string', default: '60' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'V', default: false },
} as const;

export function parseCommand(argv: readonly string[]): Command {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (error) {
    throw new AttachError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  return {
    kind: 'run',
    settings: {
      pid: values.pid === undefined ? undefined : whole('--pid', values.pid, 1, 4_194_304),
      agentJar: values['agent-jar'],
      java: values.java,
      host: values.host,
      port: whole('--port', values.port, 1, 65_535),
      user: values.user,
      passwordFile: values['password-file'],
      policyFile: values.policy,
      propertiesFile: values.properties,
      jvmOptionsFile: values['write-jvm-options'],
      statusOnly: values.status,
      timeoutMs: whole('--timeout', values.timeout, 1, 3600) * 1000,
    },
  };
}

function whole(option: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw new AttachError(`${option} must be a whole number from ${min} to ${max}`);
  return value;
}

export function helpText(version: string): string {
  return `${TOOL} ${version}

Attaches the Jolokia JVM agent to a running Cassandra node, without a restart, configured for the
Cassandra monitoring plugins: a port, a user and password, and their access policy. Then prints
the line that loads the same agent, with the same configuration, at the node's next start.

Usage: ${TOOL} --agent-jar JAR -u USER --password-file FILE [options]
       ${TOOL} --agent-jar JAR --status [--pid PID]

What it does:
  1. Finds the node's JVM: the java process running org.apache.cassandra.service.CassandraDaemon
     (or --pid).
  2. Asks it whether a Jolokia agent is attached already; if one is, says where, and attaches
     nothing.
  3. Writes the agent's configuration to the properties file (host, port, user, password,
     policyLocation): mode 0600, owned by the user Cassandra runs as. The password goes on no
     command line: the agent reads the file inside the JVM.
  4. Installs the plugins' access policy as --policy when no file is there.
  5. Runs the agent jar's own attach with the JVM's own java, as the JVM's user: the JDK attaches
     only from the same user. Run as root, it switches to that user; run as another user, it
     refuses.
  6. Waits until the agent answers with these credentials, and prints how long the attach took.

Options:
  --agent-jar JAR        The Jolokia JVM agent, 2.x: jolokia-agent-jvm-<version>-javaagent.jar,
                         Maven artifact org.jolokia:jolokia-agent-jvm:<version>:javaagent.
  --pid PID              The Cassandra JVM (default: the one running CassandraDaemon).
  --host ADDRESS         Where the agent listens (default 127.0.0.1; the node's address, or
                         0.0.0.0, for checks from another host).
  --port PORT            The agent's port (default 8778).
  -u, --user USER        The user of the agent's HTTP basic authentication.
  --password-file FILE   Its password: the first line of FILE (mode 0600). Or the ${PASSWORD_ENV}
                         environment variable.
  --policy FILE          The Jolokia access policy (default ${DEFAULT_POLICY}; the
                         plugins' own is written there when the file does not exist).
  --properties FILE      The agent's configuration (default ${DEFAULT_PROPERTIES}).
  --write-jvm-options FILE
                         Also add the -javaagent line to FILE, e.g. /etc/cassandra/jvm-server.options,
                         unless it is there already.
  --java JAVA            The java that attaches (default: the one running the JVM).
  --status               Only say whether an agent is attached (exit 0) or not (exit 1).
  --timeout SECONDS      How long to wait for the agent's first answer (default 60).
  -h, --help             This text.
  -V, --version          The version.

Exit: 0 attached (now or before), 1 no agent (--status) or the attach failed, 2 usage or refused.

At the next start (the same agent, the same properties file), in jvm-server.options (4.0+):
  -javaagent:JAR=config=${DEFAULT_PROPERTIES}
or in cassandra-env.sh:
  JVM_OPTS="$JVM_OPTS -javaagent:JAR=config=${DEFAULT_PROPERTIES}"

Then check it: check_cassandra_node -H 127.0.0.1 -u USER --password-file FILE
`;
}
