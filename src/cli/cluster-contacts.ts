// Command line: the cluster audit's contact nodes, over either transport. Each -H (or --url) is
// a contact, asked in turn for the ring; the first one's credentials and TLS settings serve every
// member, whose agent (or native port) the ring tells.

import { readCluster, type ClusterAccess, type ClusterFacts, type ClusterRequest } from '../cassandra/cluster.js';
import type { OptionSpec, ParsedOptions } from '../runtime/options.js';
import { CONNECTION_OPTIONS } from './connection.js';
import type { CheckContext } from '../runtime/plugin.js';
import {
  cqlLimits,
  describeCqlConnection,
  overCql,
  readCqlConnection,
  readTransport,
  type CqlConnection,
} from './cql-connection.js';
import {
  callLimits,
  connectionHint,
  describeConnection,
  jolokiaClient,
  readJolokiaConnections,
  withUrl,
  type JolokiaConnection,
} from './jolokia-connection.js';

const CONTACTS = 'Repeatable: more contact nodes, asked in turn when one does not answer.';

/** The connection options, where --url and -H may name several contact nodes. */
export const CONTACT_OPTIONS: readonly OptionSpec[] = CONNECTION_OPTIONS.map((o) =>
  o.name === 'url' || o.name === 'hostname'
    ? {
        ...o,
        kind: 'list',
        help: `${o.help.replace(/\.$/, '')} of a contact node, which reports the ring. ${CONTACTS}`,
      }
    : o,
);

export type Contacts =
  | { readonly transport: 'jolokia'; readonly jolokia: readonly JolokiaConnection[] }
  | { readonly transport: 'cql'; readonly cql: readonly CqlConnection[] };

export function readContacts(options: ParsedOptions, env: NodeJS.ProcessEnv, plugin: string): Contacts {
  return readTransport(options) === 'cql'
    ? { transport: 'cql', cql: options.list('hostname').map((host) => readCqlConnection(options, env, host)) }
    : { transport: 'jolokia', jolokia: readJolokiaConnections(options, env, plugin) };
}

export function contactWarnings(contacts: Contacts): readonly string[] {
  return (contacts.transport === 'cql' ? contacts.cql[0]?.warnings : contacts.jolokia[0]?.warnings) ?? [];
}

export function describeContacts(contacts: Contacts): string[] {
  return (
    contacts.transport === 'cql' ? contacts.cql.map(describeCqlConnection) : contacts.jolokia.map(describeConnection)
  ).flatMap((lines, i) => lines.map((line) => `contact ${i + 1}: ${line}`));
}

export function readClusterOver(
  contacts: Contacts,
  request: ClusterRequest,
  context: CheckContext,
): Promise<ClusterFacts> {
  if (contacts.transport === 'jolokia') return readCluster(access(contacts.jolokia, context), request);
  const endpoints = contacts.cql.map((c) => c.endpoint);
  return overCql((cql) => cql.readCluster(endpoints, request, cqlLimits(context)));
}

/** The contact nodes' agents, and any member's with the same credentials and TLS settings. */
function access(contacts: readonly JolokiaConnection[], context: CheckContext): ClusterAccess {
  const first = contacts[0] as JolokiaConnection;
  return {
    contacts: contacts.map((contact) => ({ url: contact.endpoint.url.href, client: jolokiaClient(contact) })),
    member: (url) => jolokiaClient(withUrl(first, new URL(url))),
    limits: callLimits(context),
    explain: (error) => {
      const hint = connectionHint(error);
      return hint === undefined ? error.message : `${error.message}: ${hint}`;
    },
  };
}
