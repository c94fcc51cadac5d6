/** How a failure becomes the `error` of a reply: a stable code always, the message capped. */
import { ControlError } from './errors.js';
import type { ControlErrorBody } from './messages.js';

const STABLE_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * ControlErrors keep their code; other errors that carry an upper-case `code` (SupervisionError's
 * NOT_RUNNING, say) keep theirs too, so the CLI can tell them apart; anything else is CONTROL_INTERNAL.
 */
export function errorBodyOf(error: unknown, maxMessageLength: number): ControlErrorBody {
  const message = error instanceof Error ? error.message : String(error);
  const capped = message.length > maxMessageLength ? `${message.slice(0, maxMessageLength - 1)}…` : message;
  if (error instanceof ControlError) return { code: error.code, message: capped };
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && STABLE_CODE.test(code)) return { code, message: capped };
  return { code: 'CONTROL_INTERNAL', message: capped };
}
