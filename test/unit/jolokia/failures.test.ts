// Every way an exchange with the agent can fail, classified and worded: the error class (which
// the cluster audit sorts members by), the remedy (which the command line words), whether time
// ran out, and a sentence that names the URL and never the password. Built from plain values,
// as the transport and client call them.
import { describe, expect, it } from 'vitest';
import {
  JolokiaAgentError,
  JolokiaConnectionError,
  JolokiaHttpError,
  JolokiaProtocolError,
  JolokiaTimeoutError,
} from '../../../src/jolokia/errors.js';
import {
  agentRefused,
  answeredOtherRequest,
  connectionFailed,
  cutOff,
  httpRefused,
  notJolokia,
  notJson,
  notUtf8,
  timedOut,
  tooLarge,
  unusableTlsSettings,
  wrongCount,
  type Party,
} from '../../../src/jolokia/failures.js';
import { Redactor } from '../../../src/jolokia/redact.js';
import type { JolokiaRequest } from '../../../src/jolokia/types.js';
import { CheckError } from '../../../src/runtime/errors.js';

const WHERE = 'https://cass1:8778/jolokia';
const PASSWORD = 'p4ss/wörd';
const party: Party = { where: WHERE, label: "Cassandra's Jolokia agent", redactor: new Redactor('monitor', PASSWORD) };
const READ: JolokiaRequest = {
  type: 'read',
  mbean: 'org.apache.cassandra.db:type=StorageService',
  attribute: 'IncrementalBackupsEnabled',
};
const errno = (code: string, message = `${code} happened`) => Object.assign(new Error(message), { code });

describe('timedOut', () => {
  it.each([
    ['connect', `No connection to ${WHERE} within 2.5 s (host down, or packets dropped by a firewall?)`],
    [
      'handshake',
      `Connected to ${WHERE}, but the TLS handshake did not finish within 2.5 s (is the agent's JVM frozen, or is it not speaking TLS?)`,
    ],
    ['response', `The agent at ${WHERE} accepted the connection but sent no answer within 2.5 s`],
    ['body', `The answer of ${WHERE} stalled after 42 bytes; gave up after 2.5 s`],
  ] as const)('%s: says which phase, and is a timeout', (phase, message) => {
    const error = timedOut(party, phase, 2480, 42);
    expect(error).toBeInstanceOf(JolokiaTimeoutError);
    expect(error).toBeInstanceOf(CheckError);
    expect([error.message, error.timedOut, error.remedy]).toEqual([message, true, undefined]);
  });
});

describe('connectionFailed', () => {
  it.each<[string, string, string | undefined]>([
    ['ECONNREFUSED', 'connection refused', undefined],
    ['ENOTFOUND', 'host name cass1 does not resolve', undefined],
    ['EAI_AGAIN', 'host name cass1 does not resolve', undefined],
    ['EHOSTUNREACH', 'host unreachable (EHOSTUNREACH)', undefined],
    ['ENETUNREACH', 'host unreachable (ENETUNREACH)', undefined],
    ['ECONNRESET', 'the connection was reset', undefined],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'its TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)', 'trust'],
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'its TLS certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
      'trust',
    ],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'its TLS certificate is not valid for cass1', undefined],
    ['CERT_HAS_EXPIRED', 'its TLS certificate is not valid now (CERT_HAS_EXPIRED)', undefined],
    ['EPROTO', 'the TLS handshake failed (EPROTO): does the agent serve HTTPS on this port?', undefined],
    [
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'the TLS handshake failed (ERR_SSL_WRONG_VERSION_NUMBER): does the agent serve HTTPS on this port?',
      undefined,
    ],
    ['HPE_INVALID_CONSTANT', 'HPE_INVALID_CONSTANT: HPE_INVALID_CONSTANT happened', undefined],
  ])('%s while connecting: %s', (code, words, remedy) => {
    const error = connectionFailed(party, errno(code), 'connect', 0, 'cass1');
    expect(error).toBeInstanceOf(JolokiaConnectionError);
    expect([error.message, error.remedy, error.timedOut]).toEqual([
      `Cannot connect to Cassandra's Jolokia agent at ${WHERE}: ${words}`,
      remedy,
      false,
    ]);
  });

  it('after connecting, the agent failed to answer; an error without a code is its message', () => {
    expect(connectionFailed(party, errno('ECONNRESET'), 'response', 0, 'cass1').message).toBe(
      `The agent at ${WHERE} failed to answer: the connection was reset`,
    );
    expect(connectionFailed(party, new Error('socket hang up'), 'handshake', 0, 'cass1').message).toBe(
      `Cannot connect to Cassandra's Jolokia agent at ${WHERE}: socket hang up`,
    );
  });

  it('while reading the body: cut off, with the bytes received', () => {
    const error = connectionFailed(party, errno('ECONNRESET'), 'body', 11, 'cass1');
    expect(error).toEqual(cutOff(party, 11));
    expect(error.message).toBe(`The agent at ${WHERE} closed the connection after 11 bytes of its answer`);
  });

  it('keeps the socket error as its cause', () => {
    const cause = errno('ECONNREFUSED');
    expect(connectionFailed(party, cause, 'connect', 0, 'cass1').cause).toBe(cause);
  });
});

describe('the body', () => {
  it('too large, not UTF-8, not JSON, not Jolokia, the wrong count, another request: protocol errors', () => {
    const errors = [
      tooLarge(party, 1024),
      notUtf8(party),
      notJson(party, '<html>'),
      notJolokia(party),
      wrongCount(party, 2, 1),
      answeredOtherRequest(party, READ),
    ];
    for (const error of errors) expect(error).toBeInstanceOf(JolokiaProtocolError);
    expect(errors.map((e) => e.message)).toEqual([
      `The answer of ${WHERE} is larger than 1024 bytes; stopped reading`,
      `The answer of ${WHERE} is not valid UTF-8`,
      `The answer of ${WHERE} is not JSON (it starts with "<html>"): is this a Jolokia agent?`,
      `The answer of ${WHERE} is JSON but not a Jolokia answer`,
      `The answer of ${WHERE} holds 2 results for 1 requests`,
      `The agent at ${WHERE} answered a different request than the one sent (attribute IncrementalBackupsEnabled of MBean org.apache.cassandra.db:type=StorageService)`,
    ]);
  });

  it('not JSON: quotes at most 40 characters of the start, with the password blanked out', () => {
    expect(notJson(party, `   password=${PASSWORD} and then a great deal more text than anyone needs`).message).toBe(
      `The answer of ${WHERE} is not JSON (it starts with "password=*** and then a great deal more "): is this a Jolokia agent?`,
    );
  });

  it('TLS settings Node cannot use: said before anything is sent, with the files as the remedy', () => {
    const error = unusableTlsSettings(party, new Error('error:1E08010C:DECODER routines::unsupported'));
    expect([error.message, error.remedy]).toEqual([
      `Cannot send a request to ${WHERE}: its TLS settings cannot be used (error:1E08010C:DECODER routines::unsupported)`,
      'tls-files',
    ]);
  });
});

describe('httpRefused', () => {
  const none = { credentialsGiven: undefined };

  it('a redirect is not followed; the target is shown without the password, decoded first', () => {
    const error = httpRefused(party, 302, '', {
      location: `https://monitor:${encodeURIComponent(PASSWORD)}@elsewhere/x`,
      credentialsGiven: { user: 'monitor' },
    });
    expect(error).toBeInstanceOf(JolokiaHttpError);
    expect([error.status, error.message]).toEqual([
      302,
      `The agent at ${WHERE} redirects to https://monitor:***@elsewhere/x (HTTP 302); not followed, so credentials stay with the configured URL: give that URL instead`,
    ]);
    expect(httpRefused(party, 307, '', none).message).toMatch(/redirects to elsewhere \(HTTP 307\)/);
    expect(httpRefused(party, 301, '', { location: '%E0%A4%A', credentialsGiven: undefined }).message).toMatch(
      /redirects to %E0%A4%A \(HTTP 301\)/,
    );
  });

  it('401: credentials wanted, or the ones given were refused', () => {
    expect(httpRefused(party, 401, '', none)).toMatchObject({
      status: 401,
      remedy: 'credentials',
      message: `The agent at ${WHERE} requires authentication (HTTP 401)`,
    });
    expect(httpRefused(party, 401, '', { credentialsGiven: { user: 'monitor' } })).toMatchObject({
      remedy: undefined,
      message: `Authentication failed for user monitor at ${WHERE} (HTTP 401): check the user and password`,
    });
  });

  it('404: no agent at that path', () => {
    expect(httpRefused(party, 404, 'Not Found', none)).toMatchObject({
      remedy: 'agent-location',
      message: `No Jolokia agent at ${WHERE} (HTTP 404)`,
    });
  });

  it("403 and others: the agent's error text, from JSON or plain text, redacted", () => {
    expect(httpRefused(party, 403, JSON.stringify({ error: `Access denied for ${PASSWORD}` }), none).message).toBe(
      `The agent at ${WHERE} refused the request (HTTP 403): Access denied for ***`,
    );
    // In the raw JSON the password hides behind escapes; it is redacted after parsing.
    expect(httpRefused(party, 500, '{"error":"p4ss\\/w\\u00f6rd leaked"}', none).message).toBe(
      `The agent at ${WHERE} answered HTTP 500: *** leaked`,
    );
    expect(httpRefused(party, 400, '<html><body><h1>Bad request</h1></body></html>', none).message).toBe(
      `The agent at ${WHERE} answered HTTP 400: Bad request`,
    );
    expect(httpRefused(party, 503, '', none).message).toBe(`The agent at ${WHERE} answered HTTP 503`);
    expect(httpRefused(party, 502, '{"status":502}', none).message).toBe(`The agent at ${WHERE} answered HTTP 502`);
    expect(httpRefused(party, 400, 'x'.repeat(300), none).message).toHaveLength(
      `The agent at ${WHERE} answered HTTP 400: `.length + 120,
    );
  });
});

describe('agentRefused', () => {
  it('404: the MBean or only its attribute is missing, as the error type says', () => {
    const mbean = agentRefused(party, READ, {
      status: 404,
      error_type: 'javax.management.InstanceNotFoundException',
      error: 'x',
    });
    expect(mbean).toBeInstanceOf(JolokiaAgentError);
    expect([mbean.status, mbean.errorType, mbean.message]).toEqual([
      404,
      'javax.management.InstanceNotFoundException',
      `The agent at ${WHERE} has no MBean org.apache.cassandra.db:type=StorageService`,
    ]);
    expect(
      agentRefused(party, READ, { status: 404, error_type: 'javax.management.AttributeNotFoundException', error: 'x' })
        .message,
    ).toBe(
      `The agent at ${WHERE} has no attribute IncrementalBackupsEnabled on MBean org.apache.cassandra.db:type=StorageService`,
    );
    expect(agentRefused(party, READ, { status: 404, error: 'gone' }).message).toBe(
      `The agent at ${WHERE} has no attribute IncrementalBackupsEnabled of MBean org.apache.cassandra.db:type=StorageService: gone`,
    );
  });

  it('403: the access policy forbids it; other statuses: the error, redacted', () => {
    const exec: JolokiaRequest = {
      type: 'exec',
      mbean: 'org.apache.cassandra.db:type=StorageService',
      operation: 'forceKeyspaceFlush',
    };
    expect(agentRefused(party, exec, { status: 403, error: 'not allowed' }).message).toBe(
      `The Jolokia access policy of the agent at ${WHERE} forbids exec of operation forceKeyspaceFlush of MBean org.apache.cassandra.db:type=StorageService: not allowed`,
    );
    expect(agentRefused(party, READ, { status: 500, error: `java.lang.RuntimeException: ${PASSWORD}` })).toMatchObject({
      status: 500,
      errorType: undefined,
      message: `The agent at ${WHERE} answered read of attribute IncrementalBackupsEnabled of MBean org.apache.cassandra.db:type=StorageService with error 500: java.lang.RuntimeException: ***`,
    });
  });
});
