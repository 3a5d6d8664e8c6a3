// A stand-in for a node's Jolokia agent, for the readers' unit tests: no server, no socket. Each
// request of a bulk gets the response a real agent would send for it (a value, or the error an
// agent puts inside its HTTP 200), wrapped in an Answer as the client wraps it, so the readers'
// own reading of values and errors is what is tested. What the readers sent is kept, bulk by bulk.
// (Here rather than in test/support/ because only the unit tests use it.)

import { Answer } from '../../../src/jolokia/answer.js';
import type { CallLimits } from '../../../src/jolokia/transport.js';
import { Redactor } from '../../../src/jolokia/redact.js';
import type { JolokiaRequest, JolokiaResponse } from '../../../src/jolokia/types.js';
import type { AgentClient, JolokiaSource } from '../../../src/cassandra/source.js';

export const WHERE = 'http://cass1:8778/jolokia';

/** How an agent answers one request: a response, or an error for the whole bulk (no connection, say). */
export type Responder = (request: JolokiaRequest) => JolokiaResponse | Error;

export interface StubAgent extends AgentClient {
  /** The bulks received, in order, each as the list of its requests. */
  readonly sent: JolokiaRequest[][];
  /** The limits each bulk was sent with. */
  readonly limits: CallLimits[];
}

export function stubAgent(respond: Responder, where = WHERE): StubAgent {
  const party = {
    where,
    label: "Cassandra's Jolokia agent",
    redactor: new Redactor(undefined, undefined),
    system: 'Cassandra',
  };
  const sent: JolokiaRequest[][] = [];
  const limits: CallLimits[] = [];
  const bulk = async (requests: readonly JolokiaRequest[], callLimits: CallLimits): Promise<Answer[]> => {
    sent.push([...requests]);
    limits.push(callLimits);
    const responses = requests.map(respond);
    const failure = responses.find((r): r is Error => r instanceof Error);
    if (failure !== undefined) throw failure;
    return requests.map((request, i) => new Answer(request, responses[i] as JolokiaResponse, party));
  };
  return { where, sent, limits, bulk: bulk as unknown as AgentClient['bulk'] };
}

/** The stub as a reader's source, with a deadline far enough away. */
export function sourceOf(agent: StubAgent, limits: Partial<CallLimits> = {}): JolokiaSource {
  return { client: agent, limits: { deadline: Date.now() + 60_000, ...limits } };
}

/** An agent's answer with a value, echoing the request as the 2.x agent does. */
export function value(v: unknown, request?: JolokiaRequest): JolokiaResponse {
  return { status: 200, value: v, ...(request === undefined ? {} : { request: { ...request } }) };
}

/** No such MBean (`javax.management.InstanceNotFoundException`), as inside a 200. */
export function noMBean(request: JolokiaRequest): JolokiaResponse {
  return {
    status: 404,
    error_type: 'javax.management.InstanceNotFoundException',
    error: `javax.management.InstanceNotFoundException : ${request.mbean}`,
  };
}

/** No such attribute, e.g. Decommissioning before 5.0. */
export function noAttribute(request: JolokiaRequest): JolokiaResponse {
  return {
    status: 404,
    error_type: 'javax.management.AttributeNotFoundException',
    error: `No such attribute: ${request.type === 'read' ? String(request.attribute) : ''}`,
  };
}

/** The agent's access policy says no. */
export function forbidden(request: JolokiaRequest): JolokiaResponse {
  return {
    status: 403,
    error_type: 'java.lang.SecurityException',
    error: `Reading attribute ${request.type === 'read' ? String(request.attribute) : ''} is forbidden`,
  };
}

/** A responder for reads by attribute name; anything else is answered `otherwise` (default: no such attribute). */
export function byAttribute(values: Readonly<Record<string, unknown>>, otherwise: Responder = noAttribute): Responder {
  return (request) =>
    request.type === 'read' && request.attribute !== undefined && request.attribute in values
      ? value(values[request.attribute])
      : otherwise(request);
}

/** `mbean attribute` of each read, `mbean operation` of each exec, `search mbean` of each search. */
export function described(requests: readonly JolokiaRequest[]): string[] {
  return requests.map((r) =>
    r.type === 'read'
      ? `${r.mbean} ${r.attribute ?? ''}${r.path === undefined ? '' : ` ${r.path}`}`
      : r.type === 'exec'
        ? `${r.mbean} ${r.operation}`
        : `${r.type} ${r.mbean}`,
  );
}
