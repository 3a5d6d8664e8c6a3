// Jolokia protocol: requests and responses as the agent's JSON has them (protocol version 7 / 8,
// agents 1.x and 2.x), and how a request is named in messages. No knowledge of any particular
// MBean lives here.

export interface ReadRequest {
  readonly type: 'read';
  readonly mbean: string;
  readonly attribute?: string;
  /** Into the attribute's value: `cassandra.config` of a map, `0` of a list. The agent sends only that part. */
  readonly path?: string;
}

export interface WriteRequest {
  readonly type: 'write';
  readonly mbean: string;
  readonly attribute: string;
  readonly value: unknown;
}

export interface ExecRequest {
  readonly type: 'exec';
  readonly mbean: string;
  /** An operation name, with `(type,…)` appended when it is overloaded. */
  readonly operation: string;
  readonly arguments?: readonly unknown[];
}

export interface SearchRequest {
  readonly type: 'search';
  /** A pattern, e.g. `org.apache.cassandra.db:type=Tables,keyspace=shop,*`. */
  readonly mbean: string;
}

export type JolokiaRequest = ReadRequest | WriteRequest | ExecRequest | SearchRequest;

/** The agent's answer to one request. */
export interface SuccessResponse {
  readonly status: 200;
  readonly value: unknown;
  /** The request as the agent understood it (absent when `includeRequest=false`). */
  readonly request?: Readonly<Record<string, unknown>>;
}

/** The agent's refusal of one request, inside an HTTP 200 (404 no such MBean, 403 the policy says no). */
export interface ErrorResponse {
  readonly status: number;
  readonly error?: string;
  readonly error_type?: string;
  readonly request?: Readonly<Record<string, unknown>>;
}

export type JolokiaResponse = SuccessResponse | ErrorResponse;

/** A response is a success only with status 200 and a value; anything else is the agent saying no. */
export function isSuccess(response: JolokiaResponse): response is SuccessResponse {
  return response.status === 200 && 'value' in response;
}

/** How messages name what a request asked for. */
export function describeTarget(request: JolokiaRequest): string {
  switch (request.type) {
    case 'read':
      return request.attribute === undefined
        ? `MBean ${request.mbean}`
        : `attribute ${request.attribute} of MBean ${request.mbean}`;
    case 'write':
      return `attribute ${request.attribute} of MBean ${request.mbean}`;
    case 'exec':
      return `operation ${request.operation} of MBean ${request.mbean}`;
    case 'search':
      return `MBeans matching ${request.mbean}`;
  }
}
