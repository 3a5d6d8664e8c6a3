// cassandra-jolokia-attach: the steps its --help lists, each told in what it prints.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readPasswordFile } from './password.js';
import { checkAgentPath, checkPassword, persistentLines, propertiesText, withJvmOption } from './agent-config.js';
import { attachedAgent, type JarRunner, startAgent } from './agent-jar.js';
import { helpText, PASSWORD_ENV, parseCommand, type Settings } from './cli.js';
import { AttachError, AttachFailed } from './errors.js';
import { installPolicy, readText, rewriteFile, writePrivateFile } from './files.js';
import { POLICY_XML } from './policy.js';
import { localAgentUrl, portTaken, waitForAgent } from './probe.js';
import { chooseCassandraPid, type Identity, processJava, processOwner, userName } from './target.js';
import { attachAs } from './user.js';
import { VERSION } from '../../version.js';

type Print = (line: string) => void;

/** Runs the command; resolves to its exit code. Errors an operator can fix are one line on stderr. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  print: Print,
  warn: Print,
): Promise<number> {
  try {
    const command = parseCommand(argv);
    if (command.kind === 'help') print(helpText(VERSION).trimEnd());
    if (command.kind === 'version') print(`cassandra-jolokia-attach ${VERSION}`);
    if (command.kind !== 'run') return 0;
    return await run(command.settings, env, print);
  } catch (error) {
    if (!(error instanceof AttachError)) throw error;
    warn(`cassandra-jolokia-attach: ${error.message}`);
    return error.exitCode;
  }
}

interface Target {
  readonly pid: number;
  readonly owner: Identity;
  readonly ownerName: string;
  readonly runner: JarRunner;
}

async function run(settings: Settings, env: NodeJS.ProcessEnv, print: Print): Promise<number> {
  const target = findTarget(settings);
  const { pid, ownerName } = target;
  print(`Cassandra: pid ${pid}, user ${ownerName}, java ${target.runner.java}`);
  const attached = await attachedAgent(target.runner, pid);
  if (settings.statusOnly) {
    print(attached ? `A Jolokia agent is attached, at ${attached}` : 'No Jolokia agent is attached.');
    return attached ? 0 : 1;
  }
  if (attached) {
    print(`A Jolokia agent is attached already, at ${attached}: nothing attached.`);
    if (existsSync(settings.propertiesFile)) printPersistent(settings, print);
    return 0;
  }
  const password = readPassword(settings, env);
  const user = settings.user;
  if (user === undefined) throw new AttachError('give the agent a user: -u USER');
  const url = localAgentUrl(settings.host, settings.port);
  if (await portTaken(url))
    throw new AttachError(`something listens at ${url} already: choose another --port (or --host)`);
  writeConfiguration(settings, target, user, password, print);
  print(`Attaching ${settings.agentJar} as ${ownerName} …`);
  const started = Date.now();
  await startAgent(target.runner, pid, resolve(settings.propertiesFile), settings.timeoutMs);
  const answer = await waitForAgent(url, user, password, settings.timeoutMs);
  const attachMs = Date.now() - started;
  if (answer.kind === 'unauthorized') throw new AttachFailed(`the agent at ${url} refuses these credentials`);
  if (answer.kind === 'no-answer')
    throw new AttachFailed(
      `the agent did not answer at ${url} within ${settings.timeoutMs / 1000} s (${answer.detail})`,
    );
  print(`Jolokia ${answer.agentVersion} answers at ${url} as ${user}, ${attachMs} ms after the attach began.`);
  printPersistent(settings, print);
  return 0;
}

/** The JVM, its owner, and how to attach to it from here (or why not). */
function findTarget(settings: Settings): Target {
  const agentJar = settings.agentJar;
  if (agentJar === undefined)
    throw new AttachError(
      '--agent-jar JAR is needed: the Jolokia JVM agent 2.x, Maven artifact org.jolokia:jolokia-agent-jvm:<version>:javaagent',
    );
  checkAgentPath('--agent-jar', agentJar);
  if (!existsSync(agentJar)) throw new AttachError(`--agent-jar: no such file ${agentJar}`);
  const pid = chooseCassandraPid(settings.pid);
  const owner = processOwner(pid);
  const ownerName = userName(owner.uid);
  const as = attachAs({ uid: process.geteuid?.() ?? -1, gid: process.getegid?.() ?? -1 }, owner, ownerName);
  if (as.kind === 'refuse') throw new AttachError(as.reason);
  return { pid, owner, ownerName, runner: { as, java: settings.java ?? processJava(pid), agentJar } };
}

function readPassword(settings: Settings, env: NodeJS.ProcessEnv): string {
  const password =
    settings.passwordFile !== undefined ? readPasswordFile(settings.passwordFile) : env[PASSWORD_ENV] || undefined;
  if (password === undefined)
    throw new AttachError(
      `give the agent a password: --password-file FILE or the ${PASSWORD_ENV} environment variable`,
    );
  checkPassword(password);
  return password;
}

/** The policy where the properties file says, and the properties file, 0600 and the JVM owner's. */
function writeConfiguration(settings: Settings, target: Target, user: string, password: string, print: Print): void {
  const policyFile = resolve(settings.policyFile);
  const propertiesFile = resolve(settings.propertiesFile);
  checkAgentPath('--policy', policyFile);
  checkAgentPath('--properties', propertiesFile);
  if (installPolicy(policyFile, POLICY_XML)) print(`Access policy: ${policyFile}, the plugins' own, installed.`);
  else print(`Access policy: ${policyFile}, kept as it is.`);
  const text = propertiesText({ host: settings.host, port: settings.port, user, password, policyFile });
  const owner = target.runner.as.kind === 'switch' ? target.owner : null;
  const written = writePrivateFile(propertiesFile, text, owner);
  print(`Agent configuration: ${propertiesFile} (mode 0600, ${target.ownerName}'s)${written ? '' : ', unchanged'}.`);
}

/** The lines for the next start, and jvm-server.options updated when asked. */
function printPersistent(settings: Settings, print: Print): void {
  const lines = persistentLines(resolve(settings.agentJar as string), resolve(settings.propertiesFile));
  print('');
  print('To load the same agent at the next start, add to jvm-server.options (Cassandra 4.0 and later):');
  print(`  ${lines.jvmOption}`);
  print('or to cassandra-env.sh:');
  print(`  ${lines.cassandraEnv}`);
  if (settings.jvmOptionsFile === undefined) return;
  const edit = withJvmOption(readText(settings.jvmOptionsFile), lines.jvmOption);
  if (edit.changed) rewriteFile(settings.jvmOptionsFile, edit.text);
  print(`${settings.jvmOptionsFile}: ${edit.changed ? 'the line added' : 'has the line already'}.`);
  if (edit.note) print(`${settings.jvmOptionsFile}: ${edit.note}`);
}
