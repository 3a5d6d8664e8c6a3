// Cassandra knowledge: where the readers get their facts. Today that is a node's Jolokia agent,
// asked within the check's limits. Readers take a source, never command-line options, so that
// another way of asking a node can feed the same judges.

import type { JolokiaClient } from '../jolokia/client.js';
import type { CallLimits } from '../jolokia/transport.js';

/** What a reader asks of an agent: bulk requests, and where it is for the words of the long output. */
export type AgentClient = Pick<JolokiaClient, 'bulk' | 'where'>;

/** A node's Jolokia agent, and the deadline, abort signal and trace every request to it obeys. */
export interface JolokiaSource {
  readonly client: AgentClient;
  readonly limits: CallLimits;
}
