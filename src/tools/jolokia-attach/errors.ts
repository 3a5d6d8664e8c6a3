// What cassandra-jolokia-attach reports instead of a stack trace: a sentence to act on.

/** Something the operator can fix: printed as one line, exit 2. */
export class AttachError extends Error {
  override name = 'AttachError';
}
