// Runtime: the errors the runtime turns into a state on purpose. Anything else that escapes a
// check is a bug, and is reported as UNKNOWN too, with its stack only at -vvv.

/** The operator asked for something that cannot work: printed with a short usage, exit 3. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The check could not find out (no connection, a refused login, an answer that makes no sense).
 * Its message is a sentence an operator can act on; it becomes the UNKNOWN status line, or the
 * `--timeout-state` line when the reason was running out of time.
 */
export class CheckError extends Error {
  override name = 'CheckError';
  readonly timedOut: boolean;

  constructor(message: string, options: { timedOut?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.timedOut = options.timedOut ?? false;
  }
}
