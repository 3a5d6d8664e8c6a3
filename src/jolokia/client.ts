// Jolokia client: bulk requests in one POST, answered as request/response pairs (answer.ts). The
// transport (transport.ts) carries the bytes; this file makes sure the body is a Jolokia answer to
// the requests that were sent, and nothing else.

import { Answer } from './answer.js';
import { answeredOtherRequest, notJolokia, notJson, wrongCount, type Party } from './failures.js';
import { sameObjectName } from './object-names.js';
import { Redactor } from './redact.js';
import { displayUrl, post, type CallLimits, type JolokiaEndpoint } from './transport.js';
import type { JolokiaRequest, JolokiaResponse } from './types.js';

export class JolokiaClient {
  /** The agent's URL as messages show it: no credentials, no query. */
  readonly where: string;
  private readonly party: Party;

  constructor(
    private readonly endpoint: JolokiaEndpoint,
    /** What runs behind the agent, for messages about its values, e.g. `Cassandra`. */
    system?: string,
  ) {
    this.where = displayUrl(endpoint.url);
    this.party = {
      where: this.where,
      label: endpoint.label ?? 'the Jolokia agent',
      redactor: new Redactor(endpoint.user, endpoint.password),
      ...(system === undefined ? {} : { system }),
    };
  }

  /**
   * Sends the requests in one POST (the agent runs them in order) and pairs each with its
   * response. A tuple of requests gives a tuple of answers of the same request types.
   */
  async bulk<const R extends readonly JolokiaRequest[]>(
    requests: R,
    limits: CallLimits,
  ): Promise<{ [K in keyof R]: Answer<R[K]> }> {
    const text = await post(this.endpoint, this.party, JSON.stringify(requests), limits);
    const responses = this.responses(this.parse(text), requests.length);
    return requests.map((request, i) => {
      const response = responses[i] as JolokiaResponse;
      this.checkEcho(response, request);
      return new Answer(request, response, this.party);
    }) as { [K in keyof R]: Answer<R[K]> };
  }

  private parse(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw notJson(this.party, text);
    }
  }

  private responses(parsed: unknown, expected: number): readonly JolokiaResponse[] {
    const list = Array.isArray(parsed) ? parsed : [parsed];
    if (!list.every((item) => isRecord(item) && typeof item['status'] === 'number')) throw notJolokia(this.party);
    const responses = list as JolokiaResponse[];
    const first = responses[0] as JolokiaResponse;
    // One error for the whole bulk request, e.g. a 1.x agent refusing the POST body.
    if (!Array.isArray(parsed) && first.status !== 200) return Array.from({ length: expected }, () => first);
    if (responses.length !== expected) throw wrongCount(this.party, responses.length, expected);
    return responses;
  }

  /** An answer whose echoed request names another MBean or attribute is not an answer to ours. */
  private checkEcho(response: JolokiaResponse, request: JolokiaRequest): void {
    const echo = response.request;
    if (!isRecord(echo)) return;
    const mbean = echo['mbean'];
    const attribute = echo['attribute'];
    const sameMBean = typeof mbean !== 'string' || sameObjectName(mbean, request.mbean);
    const sameAttribute =
      request.type !== 'read' ||
      typeof attribute !== 'string' ||
      request.attribute === undefined ||
      attribute === request.attribute;
    if (!sameMBean || !sameAttribute) throw answeredOtherRequest(this.party, request);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
