// What a check over CQL tells the operator to change, per kind of failure: the same words as over
// Jolokia where the cause is the same (test/unit/cli/jolokia-connection.test.ts).
import { describe, expect, it } from 'vitest';
import { CqlFailure, cqlHint } from '../../../src/cli/cql-connection.js';
import type { CqlFailureKind } from '../../../src/cql/errors.js';
import { CheckError } from '../../../src/runtime/errors.js';

const failure = (kind: CqlFailureKind) => new CqlFailure('x', kind, { timedOut: false, cause: undefined });

describe('cqlHint', () => {
  it.each<[CqlFailureKind, string]>([
    ['login-required', 'give -u and a password (--password-file or CASSANDRA_PASSWORD)'],
    ['trust', 'give its CA with --ca-file, or --insecure'],
    ['tls-files', 'check --ca-file, --cert and --key'],
    ['not-cql', 'check -H, --cql-port and --ssl'],
  ])('%s: %s', (kind, hint) => {
    expect(cqlHint(failure(kind))).toBe(hint);
  });

  it('nothing where no option helps (a refused login, a missing grant, the network), nor for other errors', () => {
    for (const kind of ['login-refused', 'permission', 'connection', 'timeout', 'server'] as const)
      expect(cqlHint(failure(kind))).toBeUndefined();
    expect(cqlHint(new CheckError('x'))).toBeUndefined();
  });
});
