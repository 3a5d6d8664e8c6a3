// Jolokia protocol: requests and responses as the agent's JSON has them (protocol version 7 / 8,
// agents 1.x and 2.x). No knowledge of any particular MBean lives here.

/** Processing parameters sent with every request. */
export interface ProcessingConfig {
  readonly mimeType?: 'application/json' | 'text/plain';
  readonly includeStackTrace?: boolean;
  readonly serializeException?: boolean;
  readonly maxDepth?: number;
  readonly maxCollectionSize?: number;
  readonly maxObjects?: number;
  readonly ignoreErrors?: boolean;
}

export interface ReadRequest {
  readonly type: 'read';
  readonly mbean: string;
  readonly attribute?: string | readonly string[];
  readonly path?: string;
  readonly config?: ProcessingConfig;
}

export interface WriteRequest {
  readonly type: 'write';
  readonly mbean: string;
  readonly attribute: string;
  readonly value: unknown;
  readonly path?: string;
  readonly config?: ProcessingConfig;
}

export interface ExecRequest {
  readonly type: 'exec';
  readonly mbean: string;
  /** An operation name, with `(type,…)` appended when it is overloaded. */
  readonly operation: string;
  readonly arguments?: readonly unknown[];
  readonly config?: ProcessingConfig;
}

export interface SearchRequest {
  readonly type: 'search';
  readonly mbean: string;
  readonly config?: ProcessingConfig;
}

export interface VersionRequest {
  readonly type: 'version';
  readonly config?: ProcessingConfig;
}

export type JolokiaRequest = ReadRequest | WriteRequest | ExecRequest | SearchRequest | VersionRequest;

export interface SuccessResponse {
  readonly status: 200;
  readonly value: unknown;
  readonly timestamp?: number;
  /** The request as the agent understood it (absent when `includeRequest=false`). */
  readonly request?: Partial<Record<string, unknown>>;
}

export interface ErrorResponse {
  readonly status: number;
  readonly error?: string;
  readonly error_type?: string;
  readonly stacktrace?: string;
  readonly request?: Partial<Record<string, unknown>>;
}

export type JolokiaResponse = SuccessResponse | ErrorResponse;
