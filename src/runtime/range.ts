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

  /**
   * `withUnit` reads an end that is not a plain number: a check may accept units (`6h`, `10G`) and
   * return the number in the perfdata's unit; perfdata then carries the range in that unit.
   */
  static parse(text: string, what = 'range', withUnit?: (text: string) => number): Range {
    const spec = text.trim();
    let body = spec;
    const inside = body.startsWith('@');
    if (inside) body = body.slice(1);
    if (body === '') throw new UsageError(`${what}: empty range`);

    let start = 0;
    let end = Number.POSITIVE_INFINITY;
    const colon = body.indexOf(':');
    let unitsGiven = false;
    const number = (part: string): number => {
      if (withUnit === undefined || NUMBER.test(part)) return parseNumber(part, spec, what);
      unitsGiven = true;
      return withUnit(part);
    };
    if (colon === -1) {
      end = number(body);
    } else {
      const startText = body.slice(0, colon);
      const endText = body.slice(colon + 1);
      if (startText === '~') start = Number.NEGATIVE_INFINITY;
      else if (startText !== '') start = number(startText);
      if (endText !== '') end = number(endText);
    }
    if (start > end) throw new UsageError(`${what}: '${spec}' starts after it ends`);
    return new Range(start, end, inside, unitsGiven ? canonical(start, end, inside, colon === -1) : spec);
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

/** The range in plain numbers, as perfdata must carry it when it was given with units. */
function canonical(start: number, end: number, inside: boolean, endOnly: boolean): string {
  const at = inside ? '@' : '';
  if (endOnly) return `${at}${end}`;
  return `${at}${start === Number.NEGATIVE_INFINITY ? '~' : start}:${end === Number.POSITIVE_INFINITY ? '' : end}`;
}

function parseNumber(text: string, spec: string, what: string): number {
  if (!NUMBER.test(text)) throw new UsageError(`${what}: '${spec}' is not a range ('${text}' is not a number)`);
  return Number(text);
}
