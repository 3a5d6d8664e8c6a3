// Cassandra knowledge: where the readers get their facts. Today that is a node's Jolokia agent,
// asked within the check's limits. Readers take a source, never command-line options, so that
// another way of asking a node can feed the same judges.

import type { JolokiaClient } from '../jolokia/client.js';
import type { CallLimits } from '../jolokia/transport.js';

/** A node's Jolokia agent, and the deadline, abort signal and trace every request to it obeys. */
export interface JolokiaSource {
  readonly client: JolokiaClient;
  readonly limits: CallLimits;
}
