// Check: check_cassandra_cluster_backup — the seed's cluster audit as one check. A contact node
// (the first of those given that answers) reports the ring; every member's own agent is asked, all
// at once up to --parallel, each within --node-timeout and all within -t; cluster-audit.ts judges.

import { NODETOOL_BACKUP_WORDS, STORAGE_SERVICE } from '../cassandra/mbeans.js';
import { readRing, type RingMember } from '../cassandra/ring.js';
import { readReleaseVersion, withCassandraHint } from '../cassandra/storage-service.js';
import { callLimits, connectionHint, describeConnection, jolokiaClient, readConnections, withUrl, type ConnectionSettings } from '../cli/connection.js';
import { JolokiaError } from '../jolokia/errors.js';
import type { CallLimits } from '../jolokia/transport.js';
import type { ReadRequest } from '../jolokia/types.js';
import { CheckError, UsageError } from '../runtime/errors.js';
import { readOptionFile } from '../runtime/files.js';
import type { ParsedOptions } from '../runtime/options.js';
import { sanitize, statusText, type RenderContext, type Rendered } from '../runtime/output.js';
import { mapConcurrently } from '../runtime/parallel.js';
import { parseStateOption, type Check } from '../runtime/plugin.js';
import { Range } from '../runtime/range.js';
import { reportState, type Report } from '../runtime/result.js';
import { audit, type AuditPolicy, type Outcome, type Target } from './cluster-audit.js';

export interface ClusterConfig {
  /** The contact nodes, asked in turn for the ring; their credentials and TLS serve every member. */
  readonly contacts: readonly ConnectionSettings[];
  /** Nodes to audit instead of the ring's members (--node). */
  readonly nodes: readonly string[];
  /** `https://{host}:8778/jolokia`: where a member's agent is (--node-url). */
  readonly nodeUrl: string | undefined;
  /** Agents that are elsewhere, by address or node name (--node-url-file). */
  readonly overrides: ReadonlyMap<string, string>;
  /** Audit only the members of these data centers (--dc). */
  readonly datacenters: readonly string[];
  readonly policy: Omit<AuditPolicy, 'ringKnown'>;
  readonly parallel: number;
  readonly nodeTimeoutSeconds: number;
}

/** A ring of thousands is a large answer (a few hundred bytes of gossip state per member). */
const RING_MAX_BYTES = 64 * 1024 * 1024;
const PLUGIN = 'check_cassandra_cluster_backup';

export const clusterBackupCheck: Check<ClusterConfig> = {
  configure(options, env) {
    const expect = expectation(options.value('expect') ?? 'enabled', '--expect');
    const expectByDatacenter = new Map(
      options.list('expect-dc').map((text) => {
        const equals = text.lastIndexOf('=');
        if (equals <= 0) throw new UsageError(`--expect-dc: '${text}' is not DC=enabled or DC=disabled`);
        return [text.slice(0, equals), expectation(text.slice(equals + 1), '--expect-dc')] as const;
      }),
    );
    const range = (name: string, fallback?: string): Range | undefined => {
      const text = options.value(name) ?? fallback;
      return text === undefined || text === '' ? undefined : Range.parse(text, `--${name}`);
    };
    const nodeUrl = options.value('node-url');
    if (nodeUrl !== undefined) checkTemplate(nodeUrl);
    const file = options.value('node-url-file');
    return {
      contacts: readConnections(options, env, PLUGIN),
      nodes: options.list('node'),
      nodeUrl,
      overrides: file === undefined ? new Map() : readOverrides(file),
      datacenters: options.list('dc'),
      policy: {
        expect,
        expectByDatacenter,
        enabledState: parseStateOption('enabled-state', options.value('enabled-state') ?? 'warning'),
        warningDisabled: range('warning-disabled', '0'),
        criticalDisabled: range('critical-disabled'),
        warningUnreachable: range('warning-unreachable', '0'),
        criticalUnreachable: range('critical-unreachable'),
      },
      parallel: wholeNumber(options.value('parallel') ?? '512', '--parallel', 1, 4096),
      nodeTimeoutSeconds: seconds(options.value('node-timeout') ?? '2', '--node-timeout'),
    };
  },

  describe(config) {
    const { policy } = config;
    return [
      ...config.contacts.flatMap((c, i) => describeConnection(c).map((line) => `contact ${i + 1}: ${line}`)),
      `members: ${config.nodes.length > 0 ? config.nodes.join(', ') : 'the ring'}${config.datacenters.length > 0 ? ` in ${config.datacenters.join(', ')}` : ''}`,
      `member agents: ${config.nodeUrl ?? 'the contact URL with the member address'}${config.overrides.size > 0 ? `, ${config.overrides.size} overridden` : ''}`,
      `expect: backup ${policy.expect}${[...policy.expectByDatacenter].map(([dc, e]) => `, ${e} in ${dc}`).join('')}`,
      `thresholds: disabled ${policy.warningDisabled ?? '-'} / ${policy.criticalDisabled ?? '-'}, unreachable ${policy.warningUnreachable ?? '-'} / ${policy.criticalUnreachable ?? '-'}`,
      `at most ${config.parallel} members at once, ${config.nodeTimeoutSeconds} s each`,
    ];
  },

  async run(config, context) {
    const started = process.hrtime.bigint();
    const limits = callLimits(context);
    const ring = await askContacts(config, limits);
    const targets = chooseTargets(config, ring);
    const outcomes = await askAll(ring.answered ?? (config.contacts[0] as ConnectionSettings), targets, config, limits);
    const placed = placeByHostId(targets, outcomes, ring.members ?? []);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { report } = audit(placed, outcomes, { ...config.policy, ringKnown: ring.members !== undefined }, { contact: ring.answered?.endpoint.url.href, seconds });
    return {
      ...report,
      details: [...report.details, ...ring.failures.map((f) => `contact not used: ${f}`), ...config.contacts[0]!.warnings.map((w) => `warning: ${w}`)],
    };
  },

  formats: { nodetool: renderNodetool },
  factsWhenUnknown: { members: null, enabled: null, disabled: null, unreachable: null },
  hint: connectionHint,
};

interface RingAnswer {
  readonly members: readonly RingMember[] | undefined;
  readonly answered: ConnectionSettings | undefined;
  /** Why each contact that was tried before could not be used. */
  readonly failures: readonly string[];
}

/** The ring from the first contact that answers; with --node, the audit goes on without one. */
async function askContacts(config: ClusterConfig, limits: CallLimits): Promise<RingAnswer> {
  const failures: string[] = [];
  for (const contact of config.contacts) {
    try {
      const members = await readRing(jolokiaClient(contact), { ...limits, deadline: nodeDeadline(limits, config.nodeTimeoutSeconds), maxResponseBytes: RING_MAX_BYTES });
      return { members, answered: contact, failures };
    } catch (error) {
      if (!(error instanceof JolokiaError) || limits.signal?.aborted === true) throw error;
      const hint = connectionHint(error);
      failures.push(hint === undefined ? error.message : `${error.message}: ${hint}`);
    }
  }
  if (config.nodes.length === 0) {
    throw new CheckError(failures.length === 1 ? (failures[0] as string) : `No contact node answered: ${failures.join('; ')}`);
  }
  return { members: undefined, answered: undefined, failures };
}

/** The members to audit, each with the URL of its agent. */
function chooseTargets(config: ClusterConfig, ring: RingAnswer): Target[] {
  const base = new URL((ring.answered ?? config.contacts[0]!).endpoint.url.href);
  const inScope = (member: RingMember | undefined): boolean => config.datacenters.length === 0 || (member?.datacenter !== undefined && config.datacenters.includes(member.datacenter));
  const targets =
    config.nodes.length > 0
      ? config.nodes.map((name) => ({ name, member: ring.members?.find((m) => m.address === name) })).filter((t) => t.member === undefined || inScope(t.member))
      : (ring.members ?? []).filter(inScope).map((member) => ({ name: member.address, member }));
  if (targets.length === 0) {
    const known = [...new Set((ring.members ?? []).map((m) => m.datacenter ?? '?'))].join(', ');
    throw new CheckError(`No member of the ring is in ${config.datacenters.join(' or ')} (the ring has ${known})`);
  }
  return targets.map((t) => ({ ...t, url: agentUrl(t.name, t.member?.address, config, base) }));
}

/** Where a member's agent listens: the override file, the template, or the contact's URL with its address. */
function agentUrl(name: string, address: string | undefined, config: ClusterConfig, base: URL): string {
  const override = config.overrides.get(name) ?? (address === undefined ? undefined : config.overrides.get(address));
  if (override !== undefined) return override;
  const host = address ?? name;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  if (config.nodeUrl !== undefined) return config.nodeUrl.replaceAll('{host}', bracketed);
  const url = new URL(base.href);
  url.hostname = bracketed;
  return url.href;
}

/**
 * Every member's outcome, in the targets' order. Members gossip calls down are asked first: if
 * they do not answer, their wait overlaps the rest.
 */
async function askAll(contact: ConnectionSettings, targets: readonly Target[], config: ClusterConfig, limits: CallLimits): Promise<Outcome[]> {
  const down = (i: number): number => Number(targets[i]?.member?.gossip === 'down');
  const order = [...targets.keys()].sort((a, b) => down(b) - down(a));
  const answers = await mapConcurrently(order, config.parallel, (i) => askMember(contact, targets[i] as Target, config.nodeTimeoutSeconds, limits));
  const outcomes: Outcome[] = [];
  order.forEach((target, k) => (outcomes[target] = answers[k] as Outcome));
  return outcomes;
}

/** A node given by name (--node) is placed in the ring by the host id its agent answers with. */
function placeByHostId(targets: readonly Target[], outcomes: readonly Outcome[], members: readonly RingMember[]): Target[] {
  const byHostId = new Map(members.filter((m) => m.hostId !== undefined).map((m) => [m.hostId, m]));
  return targets.map((target, i) => {
    const outcome = outcomes[i] as Outcome;
    return target.member === undefined && outcome.answered && outcome.hostId !== undefined ? { ...target, member: byHostId.get(outcome.hostId) } : target;
  });
}

const read = (attribute: string): ReadRequest => ({ type: 'read', mbean: STORAGE_SERVICE, attribute });

/** One member's backup flag, and the host id its agent answers for; never throws for the member's sake. */
async function askMember(contact: ConnectionSettings, target: Target, timeoutSeconds: number, limits: CallLimits): Promise<Outcome> {
  try {
    const client = jolokiaClient(withUrl(contact, new URL(target.url)));
    const [backup, hostId, release] = await client.bulk([read('IncrementalBackupsEnabled'), read('LocalHostId'), read('ReleaseVersion')] as const, {
      ...limits,
      deadline: nodeDeadline(limits, timeoutSeconds),
    });
    return { answered: true, enabled: withCassandraHint(() => backup.boolean()), hostId: hostId.optional((a) => a.string()), releaseVersion: readReleaseVersion(release) };
  } catch (error) {
    if (!(error instanceof CheckError)) throw error;
    return { answered: false, error };
  }
}

function nodeDeadline(limits: CallLimits, timeoutSeconds: number): number {
  return Math.min(limits.deadline, Date.now() + timeoutSeconds * 1000);
}

/**
 * `--format nodetool`: the seed's audit, line for line: `127.0.0.1: running`, `127.0.0.2: not
 * running`, a member that did not answer `unreachable` (or `unknown`), then its Summary line.
 */
function renderNodetool(report: Report, context: RenderContext): Rendered {
  const nodes = report.subjects?.results ?? [];
  if (nodes.length === 0) {
    const debug = context.debug.map((line) => `${sanitize(line, 2000)}\n`).join('');
    return { stdout: '', stderr: `${context.service} ${reportState(report).name} - ${statusText(report)}\n${debug}` };
  }
  const word = (status: unknown): string =>
    status === 'enabled' ? NODETOOL_BACKUP_WORDS.enabled : status === 'disabled' ? NODETOOL_BACKUP_WORDS.disabled : status === 'unreachable' ? 'unreachable' : 'unknown';
  const lines = nodes.map((n) => `${sanitize(n.subject.name, 100)}: ${word(n.facts?.['status'])}`);
  const { enabled, unreachable, unknown } = report.facts as { enabled: number; unreachable: number; unknown: number };
  const disabled = nodes.filter((n) => n.facts?.['status'] === 'disabled').length;
  const rest = [unreachable > 0 ? `, ${unreachable} unreachable` : '', unknown > 0 ? `, ${unknown} unknown` : ''].join('');
  return { stdout: `${lines.join('\n')}\nSummary: ${enabled} enabled, ${disabled} disabled${rest}\n` };
}

function expectation(text: string, option: string): 'enabled' | 'disabled' {
  if (text !== 'enabled' && text !== 'disabled') throw new UsageError(`${option}: '${text}' is not enabled or disabled`);
  return text;
}

function checkTemplate(template: string): void {
  if (!template.includes('{host}')) throw new UsageError(`--node-url: '${template}' has no {host} for the member's address`);
  let url: URL;
  try {
    url = new URL(template.replaceAll('{host}', 'member.invalid'));
  } catch {
    throw new UsageError(`--node-url: '${template}' is not a URL with {host} in it`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--node-url: the scheme must be http or https, not ${url.protocol.replace(/:$/, '')}`);
}

/** Lines `ADDRESS-OR-NAME URL`; `#` starts a comment. */
function readOverrides(file: string): Map<string, string> {
  const text = readOptionFile('--node-url-file', file);
  const overrides = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const [host, url, extra] = line.split(/\s+/);
    if (host === undefined || url === undefined || extra !== undefined || !/^https?:\/\/[^\s]+$/.test(url)) {
      throw new UsageError(`--node-url-file: line ${i + 1} of ${file} is not 'ADDRESS URL'`);
    }
    overrides.set(host, url);
  });
  return overrides;
}

function wholeNumber(text: string, option: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new UsageError(`${option}: '${text}' is not a whole number from ${min} to ${max}`);
  return n;
}

function seconds(text: string, option: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 3600) throw new UsageError(`${option}: '${text}' is not a number of seconds`);
  return n;
}
