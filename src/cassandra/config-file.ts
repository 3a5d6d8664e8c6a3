// Cassandra knowledge: the cassandra.yaml a node loaded, and what it says of incremental backups.
// `nodetool enablebackup`/`disablebackup` change the running node only; the file says what the
// next restart does. No JMX attribute keeps the file's value (system_views.settings shows the
// runtime one), so comparing the two needs the file itself, read on the node.
//
// Where the node read it: the `cassandra.config` system property (a URL), else the first directory
// of its class path that holds a cassandra.yaml (the start scripts put $CASSANDRA_CONF first),
// else where the packages put it. From 4.1, with `-Dcassandra.config.allow_system_properties=true`,
// `-Dcassandra.settings.incremental_backups=…` overrides the file.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadRequest } from '../jolokia/types.js';
import type { JolokiaSource } from './source.js';
import { CheckError } from '../runtime/errors.js';
import { fileErrorReason } from '../runtime/files.js';

export const RUNTIME = 'java.lang:type=Runtime';
/** Where the Debian and RPM packages put it. */
export const PACKAGED_CONFIG_FILES = ['/etc/cassandra/cassandra.yaml', '/etc/cassandra/conf/cassandra.yaml'];
export const SETTING = 'incremental_backups';

export interface NodeConfigFacts {
  /** The node's cassandra.yaml as found here; undefined when none was found. */
  readonly file: string | undefined;
  /** How it was found (e.g. `the node's class path`), or why it was not. */
  readonly foundBy: string;
  /** 4.1+: the system property that overrides the file, when the node honours it. */
  readonly override: boolean | undefined;
  /** A custom cassandra.config.loader: the node may not read a file at all. */
  readonly loader: string | undefined;
}

const systemProperty = (name: string): ReadRequest => ({
  type: 'read',
  mbean: RUNTIME,
  attribute: 'SystemProperties',
  path: name,
});

/** Overrides by system property came with 4.1; an older node ignores them. Unknown: assume it honours them. */
export function honoursSystemProperties(releaseVersion: string | undefined): boolean {
  const [major, minor] = (releaseVersion ?? '').split('.').map(Number);
  if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) return true;
  return major > 4 || (major === 4 && minor >= 1);
}

/** What the node's JVM says about where its configuration comes from (one bulk request). */
export async function readConfigFacts(
  source: JolokiaSource,
  releaseVersion: string | undefined,
): Promise<NodeConfigFacts> {
  return configFactsOf(await readJvmFacts(source), releaseVersion);
}

/** Where the node's configuration comes from, from what its JVM says (over Jolokia, or CQL's system_properties). */
export function configFactsOf(jvm: JvmFacts, releaseVersion: string | undefined): NodeConfigFacts {
  // Java's Boolean.parseBoolean, as the node reads it.
  const honoured =
    honoursSystemProperties(releaseVersion) && jvm.allow?.toLowerCase() === 'true'
      ? yamlBoolean(jvm.override)
      : undefined;
  return { override: honoured, loader: jvm.loader, ...locateConfigFile(jvm) };
}

/** The system properties and class path that say where the node's configuration comes from. */
export interface JvmFacts {
  readonly config: string | undefined;
  readonly allow: string | undefined;
  readonly override: string | undefined;
  readonly loader: string | undefined;
  readonly classPath: string | undefined;
  /** Why the config property and the class path could not be read (a policy, a missing grant); undefined when they could. */
  readonly refused: string | undefined;
}

async function readJvmFacts({ client, limits }: JolokiaSource): Promise<JvmFacts> {
  const [config, allow, override, loader, classPath] = await client.bulk(
    [
      systemProperty('cassandra.config'),
      systemProperty('cassandra.config.allow_system_properties'),
      systemProperty(`cassandra.settings.${SETTING}`),
      systemProperty('cassandra.config.loader'),
      { type: 'read', mbean: RUNTIME, attribute: 'ClassPath' },
    ] as const,
    limits,
  );
  // Each may be missing where a policy forbids it: --config names the file instead.
  const text = (answer: typeof config): string | undefined =>
    answer.optional((a) => (a.value() === null ? undefined : a.string()));
  return {
    config: text(config),
    allow: text(allow),
    override: text(override),
    loader: text(loader),
    classPath: text(classPath),
    // A policy without java.lang:type=Runtime (docs/jolokia-access.xml says why one might) hides both.
    refused: [config, classPath].some((answer) => answer.response.status === 403)
      ? `the agent's policy forbids reading ${RUNTIME}`
      : undefined,
  };
}

/** Where the node read its cassandra.yaml, in the order the node looks: property, class path, packages. */
function locateConfigFile(jvm: JvmFacts): { file: string | undefined; foundBy: string } {
  const property = jvm.config;
  // The property is a URL, or a resource on the class path (Cassandra tries it as a URL first).
  if (property !== undefined && isUrl(property)) {
    const file = fileOf(property);
    return {
      file,
      foundBy:
        file === undefined
          ? `the node reads ${property.slice(0, 200)}, not a file here`
          : 'the cassandra.config system property',
    };
  }
  const resource = property === undefined ? DEFAULT_RESOURCE : property.replace(/^\/+/, '');
  const fromClassPath = onClassPath(jvm.classPath, resource);
  if (fromClassPath !== undefined) return { file: fromClassPath, foundBy: `the node's class path (${resource})` };
  if (property !== undefined)
    return {
      file: undefined,
      foundBy: `the cassandra.config system property names ${property.slice(0, 200)}, in no class path directory seen from here`,
    };
  const packaged = PACKAGED_CONFIG_FILES.find((candidate) => existsSync(candidate));
  if (packaged !== undefined) return { file: packaged, foundBy: 'where the packages put it' };
  return {
    file: undefined,
    foundBy:
      jvm.refused === undefined
        ? "none on the node's class path or in /etc/cassandra"
        : `${jvm.refused}; none in /etc/cassandra`,
  };
}

/** The resource in the first directory of the class path that holds it (jars are not looked into). */
function onClassPath(classPath: string | undefined, resource: string): string | undefined {
  return (classPath ?? '')
    .split(':')
    .filter((entry) => entry !== '' && !entry.endsWith('.jar'))
    .map((entry) => join(entry, resource))
    .find((candidate) => existsSync(candidate));
}

const DEFAULT_RESOURCE = 'cassandra.yaml';

function isUrl(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(text);
}

/** A `file:` URL as a path; undefined for another scheme (the file is not on this machine). */
function fileOf(url: string): string | undefined {
  try {
    return url.startsWith('file:') ? fileURLToPath(url) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What `file` says of incremental backups: its `incremental_backups`, false when absent (Cassandra's
 * default). The YAML library is loaded here only, so no other check pays for it.
 */
export async function readPersistedSetting(file: string, named: 'by --config' | 'found'): Promise<boolean> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = fileErrorReason(error);
    const fix =
      reason === 'permission denied'
        ? 'let the user running the check read it (e.g. add it to the cassandra group)'
        : named === 'found'
          ? 'run the check on the Cassandra node itself, or give --config'
          : "give --config the node's cassandra.yaml as seen from here";
    throw new CheckError(`Cannot read ${file} (${reason}): ${fix}`);
  }
  // An empty file is Cassandra's defaults; the parser calls it an error.
  if (text.split('\n').every((line) => /^\s*(#.*)?$/.test(line))) return false;
  const { load } = await import('js-yaml');
  let document: unknown;
  try {
    document = load(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CheckError(
      `Cannot parse ${file} as YAML (${reason}): ${named === 'found' ? "is it the node's cassandra.yaml? Give --config" : "is it the node's cassandra.yaml?"}`,
    );
  }
  if (document === null || document === undefined) return false;
  if (typeof document !== 'object' || Array.isArray(document))
    throw new CheckError(
      `${file} is not a cassandra.yaml (no settings in it)${named === 'found' ? ': give --config' : ''}`,
    );
  const value = (document as Record<string, unknown>)[SETTING];
  if (value === undefined || value === null) return false;
  const parsed = typeof value === 'boolean' ? value : yamlBoolean(String(value));
  if (parsed === undefined)
    throw new CheckError(
      `${file} has ${SETTING}: ${String(value).slice(0, 20)}, which Cassandra does not read as true or false`,
    );
  return parsed;
}

/**
 * A boolean as Cassandra reads cassandra.yaml (SnakeYAML, YAML 1.1): yes/no and on/off too, which
 * a YAML 1.2 parser leaves as strings.
 */
function yamlBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (/^(true|True|TRUE|yes|Yes|YES|on|On|ON)$/.test(text.trim())) return true;
  if (/^(false|False|FALSE|no|No|NO|off|Off|OFF)$/.test(text.trim())) return false;
  return undefined;
}
