import test from 'ava';
import { type OutcomeContext, outcomeForRequestError, outcomeForResponse } from '../../protocols/thingworx/outcome.js';
import { responseExcerpt } from '../../protocols/thingworx/response-excerpt.js';
import { parseRetryAfterMs } from '../../protocols/thingworx/retry-after.js';
import { OUTCOME_DEFAULTS } from '../../config/defaults.js';

const NOW = Date.parse('2026-11-27T10:00:00Z');
const context: OutcomeContext = { nowMs: NOW, maxRetryAfterMs: 300_000, maxDetailChars: 160, secrets: ['app-key-123'] };
const empty = new Uint8Array(0);

test('status → outcome kind', (t) => {
  const kind = (status: number) => outcomeForResponse({ status, body: empty }, context).kind;
  t.is(kind(200), 'delivered');
  t.is(kind(204), 'delivered');
  t.is(kind(401), 'unauthorized');
  t.is(kind(403), 'unauthorized');
  t.is(kind(404), 'not-found');
  for (const status of [400, 405, 406, 409, 413, 415]) t.is(kind(status), 'rejected', `HTTP ${status}`);
  for (const status of [408, 429, 500, 502, 503, 504, 302, 0, 999]) t.is(kind(status), 'retry', `HTTP ${status}`);
});

test('a rejection says which status and what the server said, briefly', (t) => {
  const outcome = outcomeForResponse({ status: 406, body: Buffer.from('<html><body><h1>Not Acceptable</h1></body></html>') }, context);
  t.deepEqual(outcome, { kind: 'rejected', status: 406, detail: 'HTTP 406: Not Acceptable' });
});

test('503 and 429 carry Retry-After in ms, seconds or HTTP-date, capped', (t) => {
  t.deepEqual(outcomeForResponse({ status: 503, retryAfter: '7', body: empty }, context), {
    kind: 'retry',
    status: 503,
    retryAfterMs: 7000,
    detail: 'HTTP 503',
  });
  const date = new Date(NOW + 42_000).toUTCString();
  t.like(outcomeForResponse({ status: 429, retryAfter: date, body: empty }, context), { kind: 'retry', status: 429, retryAfterMs: 42_000 });
  t.like(outcomeForResponse({ status: 503, retryAfter: '86400', body: empty }, context), { retryAfterMs: 300_000 });
  const without = outcomeForResponse({ status: 500, body: empty }, context);
  t.false('retryAfterMs' in without);
});

test('Retry-After parsing refuses what is not a delay', (t) => {
  t.is(parseRetryAfterMs('0', NOW, 1000), 0);
  t.is(parseRetryAfterMs(' 3 ', NOW, 10_000), 3000);
  t.is(parseRetryAfterMs(new Date(NOW - 5000).toUTCString(), NOW, 10_000), 0, 'a date in the past means now');
  t.is(parseRetryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', NOW, 10_000), 0, 'RFC 850 form');
  t.is(parseRetryAfterMs('1.5', NOW, 10_000), undefined);
  t.is(parseRetryAfterMs('-3', NOW, 10_000), undefined);
  t.is(parseRetryAfterMs('soon', NOW, 10_000), undefined);
  t.is(parseRetryAfterMs('', NOW, 10_000), undefined);
  t.is(parseRetryAfterMs(`Mon, ${'9'.repeat(100)}`, NOW, 10_000), undefined);
  t.is(parseRetryAfterMs(undefined, NOW, 10_000), undefined);
});

test('a hostile body becomes a short printable excerpt with the app key masked', (t) => {
  const body = Buffer.from(`\u001b[31mkey app-key-123 rejected\r\n${'x'.repeat(1_000_000)}`);
  const outcome = outcomeForResponse({ status: 500, body }, context);
  t.is(outcome.kind, 'retry');
  const detail = outcome.kind === 'retry' ? outcome.detail : '';
  t.true(detail.startsWith('HTTP 500: [31mkey [REDACTED] rejected x'));
  t.false(detail.includes('app-key-123'));
  t.false([...detail].some((char) => char.charCodeAt(0) < 0x20));
  t.true(detail.length <= 'HTTP 500: '.length + OUTCOME_DEFAULTS.maxDetailChars + 1);
});

test('a secret cut at the excerpt boundary is not shown in part', (t) => {
  const secret = 'SECRETKEY0123456789';
  // 50 tags take 150 of the 160 bytes decoded for a 20-character excerpt: the secret straddles the cut,
  // and once the markup is stripped its first half would lead the excerpt.
  const body = Buffer.from(`${'<b>'.repeat(50)}${secret}tail`);
  const excerpt = responseExcerpt(body, 20, [secret]);
  t.false(excerpt.includes('SECRETKEY'));
});

test('request errors are retries with a stable code first', (t) => {
  const error = (code: string, message: string) => Object.assign(new Error(message), { code });
  const detail = (e: unknown) => {
    const outcome = outcomeForRequestError(e, context);
    t.is(outcome.kind, 'retry');
    return outcome.kind === 'retry' ? outcome.detail : '';
  };
  t.is(detail(error('ECONNRESET', 'socket hang up')), 'TWX_CONNECTION_RESET: socket hang up (ECONNRESET)');
  t.is(
    detail(error('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')),
    'TWX_CONNECTION_REFUSED: connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)',
  );
  t.is(
    detail(error('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate')),
    'TWX_TLS_UNTRUSTED: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
  );
  t.regex(detail(error('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames")), /^TWX_TLS_UNTRUSTED: /);
  t.regex(detail(error('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number')), /^TWX_TLS_FAILED: /);
  t.is(detail(error('TWX_TIMEOUT', 'no response within 200 ms')), 'TWX_TIMEOUT: no response within 200 ms');
  t.regex(detail(new Error('odd')), /^TWX_REQUEST_FAILED: odd \(UNKNOWN\)$/);
  t.notRegex(detail(error('ECONNRESET', 'echo app-key-123')), /app-key-123/);
});
