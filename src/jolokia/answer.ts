// Jolokia client: one request of a bulk together with the agent's response to it, and typed
// readers of its value. A reader returns the value as the type the caller expects, or throws an
// error that says which request got what instead; an error response becomes the agent's error.
// Every check reads values this way, so none does index arithmetic or its own type checks.

import { JolokiaProtocolError } from './errors.js';
import { agentRefused, type Party } from './failures.js';
import { describeTarget, isSuccess, type JolokiaRequest, type JolokiaResponse } from './types.js';

export class Answer<R extends JolokiaRequest = JolokiaRequest> {
  constructor(
    readonly request: R,
    readonly response: JolokiaResponse,
    private readonly party: Party,
  ) {}

  /** Whether the agent answered this request with a value (status 200). */
  get ok(): boolean {
    return isSuccess(this.response);
  }

  /** The value, whatever its type; the agent's error (JolokiaAgentError) when it refused. */
  value(): unknown {
    if (isSuccess(this.response)) return this.response.value;
    throw agentRefused(this.party, this.request, this.response);
  }

  boolean(): boolean {
    return this.expect(this.value(), (v): v is boolean => typeof v === 'boolean', 'a boolean');
  }

  string(): string {
    return this.expect(this.value(), (v): v is string => typeof v === 'string', 'a string');
  }

  /** A finite number. */
  number(): number {
    return this.expect(this.value(), (v): v is number => typeof v === 'number' && Number.isFinite(v), 'a number');
  }

  /** A list of strings (JMX `String[]`, `List<String>`, `Set<String>`). */
  strings(): string[] {
    return this.expect(
      this.value(),
      (v): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string'),
      'a list of strings',
    );
  }

  /** A map (JMX `Map`, a CompositeData, a TabularData keyed by its index). */
  map(): Record<string, unknown> {
    return this.expect(
      this.value(),
      (v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
      'a map',
    );
  }

  /** A reader's result, or undefined when the agent refused or sent another type: for values that are only informative. */
  optional<T>(read: (answer: this) => T): T | undefined {
    try {
      return read(this);
    } catch {
      return undefined;
    }
  }

  private expect<T>(value: unknown, is: (value: unknown) => value is T, wanted: string): T {
    if (is(value)) return value;
    const { where, system, redactor } = this.party;
    // A read names its attribute, as the operator knows it from the MBean's documentation.
    const asked =
      this.request.type === 'read' && this.request.attribute !== undefined
        ? this.request.attribute
        : describeTarget(this.request);
    const instead = redactor.redact(describeValue(value));
    throw new JolokiaProtocolError(
      `The agent at ${where} gave ${instead} for ${asked}, where ${system === undefined ? `${wanted} was expected` : `${system} has ${wanted}`}`,
    );
  }
}

/** What we got instead, in a few words that never quote more than a little of the agent's text. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string "${value.slice(0, 20)}"`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
