// Runtime: threshold ranges in the Monitoring Plugins syntax `[@]start:end`.
//
// | range    | alert when          |
// |----------|---------------------|
// | `10`     | < 0 or > 10         |
// | `10:`    | < 10                |
// | `~:10`   | > 10                |
// | `10:20`  | < 10 or > 20        |
// | `@10:20` | >= 10 and <= 20     |
//
// Ends are inclusive. An omitted start (`:10`) is 0, as in the C plugins.

import { UsageError } from './errors.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export class Range {
  private constructor(
    readonly start: number,
    readonly end: number,
    /** `@`: alert when the value lies inside instead of outside. */
    readonly inside: boolean,
    private readonly spec: string,
  ) {}

  static parse(text: string, what = 'range'): Range {
    const spec = text.trim();
    let body = spec;
    const inside = body.startsWith('@');
    if (inside) body = body.slice(1);
    if (body === '') throw new UsageError(`${what}: empty range`);

    let start = 0;
    let end = Number.POSITIVE_INFINITY;
    const colon = body.indexOf(':');
    if (colon === -1) {
      end = parseNumber(body, spec, what);
    } else {
      const startText = body.slice(0, colon);
      const endText = body.slice(colon + 1);
      if (startText === '~') start = Number.NEGATIVE_INFINITY;
      else if (startText !== '') start = parseNumber(startText, spec, what);
      if (endText !== '') end = parseNumber(endText, spec, what);
    }
    if (start > end) throw new UsageError(`${what}: '${spec}' starts after it ends`);
    return new Range(start, end, inside, spec);
  }

  /** True when the value is fine, false when it must raise an alert. */
  accepts(value: number): boolean {
    const within = value >= this.start && value <= this.end;
    return this.inside ? !within : within;
  }

  /** Says in words why a value that is not accepted raises an alert. */
  violation(): string {
    return this.inside ? `inside ${this.describe()}` : `outside ${this.describe()}`;
  }

  /** The range as perfdata carries it. */
  toString(): string {
    return this.spec;
  }

  private describe(): string {
    const start = this.start === Number.NEGATIVE_INFINITY ? '-inf' : String(this.start);
    const end = this.end === Number.POSITIVE_INFINITY ? 'inf' : String(this.end);
    return `[${start}, ${end}]`;
  }
}

function parseNumber(text: string, spec: string, what: string): number {
  if (!NUMBER.test(text)) throw new UsageError(`${what}: '${spec}' is not a range ('${text}' is not a number)`);
  return Number(text);
}
