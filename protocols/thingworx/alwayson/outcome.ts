import { outcomeForResponse } from '../outcome.js';
import type { DeliveryOutcome } from '../types.js';
import type { Message } from './message.js';
import { OUTCOME_DEFAULTS } from '../../../config/defaults.js';

/**
 * An AlwaysOn response code as the HTTP status it stands for. The codes are CoAP-style, a 3-bit class and a 5-bit
 * detail: SUCCESS 0x40 = 2.00, UNAUTHORIZED 0x81 = 4.01, FORBIDDEN 0x83 = 4.03, NOT_FOUND 0x84 = 4.04,
 * ENTITY_TOO_LARGE 0x8D = 4.13, INTERNAL_SERVER_ERROR 0xA0 = 5.00, SERVICE_UNAVAILABLE 0xA3 = 5.03 (PROTOCOLS.md §3).
 */
export function httpStatusOfCode(code: number): number {
  return (code >> 5) * 100 + (code & 0x1f);
}

/**
 * What a response means for the uplink: the REST mapping (outcome.ts) applied to the status the code stands for, so
 * both transports lead to the same outcomes — UNAUTHORIZED a refused key, FORBIDDEN the same Thing-scoped refusal a
 * REST 403 is, NOT_FOUND not-found, 5.xx retry, other 4.xx rejected.
 */
export function outcomeForAlwaysOnResponse(response: Message, secrets: readonly string[], nowMs: number): DeliveryOutcome {
  const reason = response.body.kind === 'response' ? (response.body.reason ?? '') : '';
  return outcomeForResponse(
    { status: httpStatusOfCode(response.header.code), body: Buffer.from(reason, 'utf8') },
    { nowMs, secrets, maxRetryAfterMs: OUTCOME_DEFAULTS.maxRetryAfterMs, maxDetailChars: OUTCOME_DEFAULTS.maxDetailChars },
  );
}
