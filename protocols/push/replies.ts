/**
 * Adapter → printer frames. The adapter never sends anything else: `{"ack":<seq>}` once a message
 * is delivered, `{"error":{"code","message"}}` right before it closes for bad input.
 */
export type AdapterFrame =
  | { kind: 'ack'; seq: number }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'invalid'; reason: string };

/** Close codes the adapter uses (RFC 6455 §7.4; 4000 is ours, from the private range). */
export const PUSH_CLOSE_CODES = Object.freeze({
  normal: 1000,
  shuttingDown: 1001,
  /** A binary frame: the protocol is text only (RFC 6455 names 1003 for exactly this). */
  unsupportedData: 1003,
  policy: 1008,
  tooBig: 1009,
  /** The same printer connected again; the older connection gives way. */
  replaced: 4000,
});

/** A close reason must fit a control frame: 123 bytes of UTF-8. */
const MAX_CLOSE_REASON_BYTES = 123;

/** `seq` is a validated safe integer, which prints as JSON does: no object and no JSON.stringify per ack. */
export function encodeAck(seq: number): string {
  return `{"ack":${seq}}`;
}

export function encodeError(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason, 'utf8') > MAX_CLOSE_REASON_BYTES) reason = reason.slice(0, -1);
  return reason;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the client makes of a frame from the adapter; never throws. */
export function decodeAdapterFrame(text: string): AdapterFrame {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not valid JSON' };
  }
  if (!isRecord(parsed)) return { kind: 'invalid', reason: 'not an object' };
  const { ack, error } = parsed;
  if (typeof ack === 'number' && Number.isSafeInteger(ack) && ack >= 0 && error === undefined) {
    return { kind: 'ack', seq: ack };
  }
  if (isRecord(error) && ack === undefined && typeof error.code === 'string' && typeof error.message === 'string') {
    return { kind: 'error', code: error.code, message: error.message };
  }
  return { kind: 'invalid', reason: 'neither {"ack":<seq>} nor {"error":{code,message}}' };
}
