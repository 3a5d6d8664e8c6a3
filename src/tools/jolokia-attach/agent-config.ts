// The agent's configuration as one properties file, read by the agent itself inside the JVM: the
// attach names it with `--config FILE`, the -javaagent line of the next start with `config=FILE`.
// So the password is on no command line, and both starts configure the agent alike.

import { AttachError } from './errors.js';

export interface AgentSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Absolute path of the access policy. */
  readonly policyFile: string;
}

/** The properties file's text: java.util.Properties syntax, ISO-8859-1, as the agent loads it. */
export function propertiesText(settings: AgentSettings): string {
  const entries: [string, string][] = [
    ['host', settings.host],
    ['port', String(settings.port)],
    ['user', settings.user],
    ['password', settings.password],
    ['policyLocation', `file://${settings.policyFile}`],
  ];
  return [
    '# The Jolokia agent of this Cassandra node, written by cassandra-jolokia-attach. The same file',
    '# serves the agent attached to the running JVM and the -javaagent line of jvm-server.options.',
    '# It holds the password: keep it mode 0600, owned by the user Cassandra runs as.',
    ...entries.map(([key, value]) => `${key}=${escapeValue(value)}`),
    '',
  ].join('\n');
}

/**
 * A value as Properties.load reads it back: backslashes doubled, a leading blank kept by a
 * backslash, and anything outside printable ASCII (line breaks too) as a \uXXXX escape.
 */
export function escapeValue(value: string): string {
  let escaped = '';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (char === '\\') escaped += '\\\\';
    else if (code >= 0x20 && code <= 0x7e) escaped += char;
    else escaped += utf16Escape(char);
  }
  return escaped.replace(/^ /, '\\ ');
}

/** \uXXXX per UTF-16 unit: a character beyond U+FFFF becomes its surrogate pair, as Java reads it. */
function utf16Escape(char: string): string {
  let out = '';
  for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * The agent decrypts a password written as [[…]] (its `encrypt` command makes them): one of ours
 * must not look like that, nor be empty.
 */
export function checkPassword(password: string): void {
  if (password === '') throw new AttachError('the password is empty');
  if (/^\[\[.*\]\]$/s.test(password))
    throw new AttachError('a password written [[…]] would be taken by the agent for an encrypted one: choose another');
}

/**
 * A path that goes into the -javaagent option: the agent splits its options at ',', the JVM the
 * option at the jar's first '=', Cassandra's start script reads jvm-server.options lines unquoted
 * (blanks split them, '*', '?' and '[' are expanded), cassandra-env.sh reads it in "…".
 */
export function checkAgentPath(option: string, path: string): void {
  if (!path.startsWith('/')) throw new AttachError(`${option}: ${path} must be an absolute path`);
  if (/[\s,"'$`\\*?[]/.test(path) || (option === '--agent-jar' && path.includes('=')))
    throw new AttachError(
      `${option}: ${path} cannot go into a -javaagent option (blanks, quotes, ',', '$', '\\', '*', '?', '['${option === '--agent-jar' ? ", '='" : ''})`,
    );
}

/** The lines that load the same agent with the same file at the next start. */
export function persistentLines(agentJar: string, propertiesFile: string): { jvmOption: string; cassandraEnv: string } {
  const jvmOption = `-javaagent:${agentJar}=config=${propertiesFile}`;
  return { jvmOption, cassandraEnv: `JVM_OPTS="$JVM_OPTS ${jvmOption}"` };
}

/**
 * jvm-server.options with the -javaagent line in it: unchanged when it is there, else appended
 * under a comment. Another -javaagent of a Jolokia jar is left for the operator, named in `note`.
 */
export function withJvmOption(current: string, jvmOption: string): { text: string; changed: boolean; note?: string } {
  const lines = current.split('\n').map((line) => line.trim());
  if (lines.includes(jvmOption)) return { text: current, changed: false };
  const other = lines.find((line) => /^-javaagent:\S*jolokia/i.test(line));
  const text = `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}# The Jolokia agent for the Cassandra monitoring plugins (cassandra-jolokia-attach)\n${jvmOption}\n`;
  return { text, changed: true, ...(other ? { note: `it also has another Jolokia agent: ${other}` } : {}) };
}
