import { parseRetryAfterMs } from './retry-after.js';
import { responseExcerpt } from './response-excerpt.js';
import type { DeliveryOutcome } from './types.js';

/**
 * What a ThingWorx response or a failed request means for the uplink (the DeliveryOutcome contract in
 * types.ts). Pure: facts in, outcome out. Every `detail` starts with a stable code or `HTTP <status>`.
 */

export interface OutcomeContext {
  /** Client clock when the response arrived, for an HTTP-date Retry-After. */
  nowMs: number;
  maxRetryAfterMs: number;
  maxDetailChars: number;
  /** Masked wherever they appear in a detail (the app key). */
  secrets: readonly string[];
}

export interface ResponseFacts {
  status: number;
  retryAfter?: string | undefined;
  /** The start of the body, already capped by the reader. */
  body: Uint8Array;
}

/** 408 and 429 are the 4xx a later retry can fix. */
const RETRYABLE_CLIENT_ERRORS: ReadonlySet<number> = new Set([408, 429]);

function httpDetail(facts: ResponseFacts, context: OutcomeContext): string {
  const excerpt = responseExcerpt(facts.body, context.maxDetailChars, context.secrets);
  return excerpt.length > 0 ? `HTTP ${facts.status}: ${excerpt}` : `HTTP ${facts.status}`;
}

export function outcomeForResponse(facts: ResponseFacts, context: OutcomeContext): DeliveryOutcome {
  const { status } = facts;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 401 || status === 403) return { kind: 'unauthorized', status };
  if (status === 404) return { kind: 'not-found', status };
  if (status >= 400 && status < 500 && !RETRYABLE_CLIENT_ERRORS.has(status)) {
    return { kind: 'rejected', status, detail: httpDetail(facts, context) };
  }
  // 5xx, 408, 429, and what ThingWorx never sends (a redirect from a login gateway, a bogus code):
  // retrying is safe, dropping is not.
  const detail = status >= 300 && status < 400 ? `HTTP ${status}: redirect not followed` : httpDetail(facts, context);
  const retryAfterMs = parseRetryAfterMs(facts.retryAfter, context.nowMs, context.maxRetryAfterMs);
  return retryAfterMs === undefined ? { kind: 'retry', status, detail } : { kind: 'retry', status, retryAfterMs, detail };
}

/** OpenSSL/Node verification results: the server's certificate was not trusted. */
const CERTIFICATE_REFUSED: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNRESET: 'TWX_CONNECTION_RESET',
  EPIPE: 'TWX_CONNECTION_RESET',
  ECONNABORTED: 'TWX_CONNECTION_RESET',
  ECONNREFUSED: 'TWX_CONNECTION_REFUSED',
  ENOTFOUND: 'TWX_DNS_FAILED',
  EAI_AGAIN: 'TWX_DNS_FAILED',
  ETIMEDOUT: 'TWX_NETWORK_UNREACHABLE',
  EHOSTUNREACH: 'TWX_NETWORK_UNREACHABLE',
  ENETUNREACH: 'TWX_NETWORK_UNREACHABLE',
  ENETDOWN: 'TWX_NETWORK_UNREACHABLE',
};

function stableCodeFor(code: string): string {
  if (code.startsWith('TWX_')) return code;
  if (CERTIFICATE_REFUSED.has(code)) return 'TWX_TLS_UNTRUSTED';
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'TWX_TLS_FAILED';
  return NETWORK_CODES[code] ?? 'TWX_REQUEST_FAILED';
}

/**
 * A request that got no HTTP response (timeout, reset, refused, TLS refused): always `retry`.
 * A TLS failure is never answered by trying without verification; the uplink backs off and the
 * detail says why (`TWX_TLS_UNTRUSTED: … (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`).
 */
export function outcomeForRequestError(error: unknown, context: OutcomeContext): DeliveryOutcome {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'UNKNOWN';
  const message = error instanceof Error ? error.message : String(error);
  const text = responseExcerpt(Buffer.from(message, 'utf8'), context.maxDetailChars, context.secrets);
  const stable = stableCodeFor(code);
  const detail = stable === code ? `${stable}: ${text}` : `${stable}: ${text} (${code})`;
  return { kind: 'retry', detail };
}
