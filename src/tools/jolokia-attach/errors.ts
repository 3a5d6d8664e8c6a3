// What cassandra-jolokia-attach reports instead of a stack trace: a sentence to act on.

/** Something the operator can fix: printed as one line; exit 2 (usage, refused) unless told 1 (the attach itself failed). */
export class AttachError extends Error {
  override name = 'AttachError';

  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

/** The attach was tried and did not give an agent that answers: exit 1, as --help says. */
export class AttachFailed extends AttachError {
  override name = 'AttachFailed';

  constructor(message: string) {
    super(message, 1);
  }
}
