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

/** `{"ack":` in bytes; with `}` and up to 16 digits a payload stays under 126 bytes (7-bit length). */
const ACK_PAYLOAD_START = Buffer.from('{"ack":', 'latin1');
/** First byte of an unfragmented text frame (RFC 6455 §5.2): FIN set, opcode 1. */
const FINAL_TEXT_FRAME = 0x81;
const DIGIT_ZERO = 0x30;
const CLOSING_BRACE = 0x7d;

function decimalDigits(value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

/**
 * The `{"ack":seq}` text frames of `seqs`, back to back, exactly as ws frames them on the server
 * side (unmasked, unfragmented): one buffer for one socket write, with no string, frame header or
 * write request per ack. `seqs` are validated safe integers, so every payload is under 126 bytes.
 */
export function encodeAckFrames(seqs: readonly number[]): Buffer {
  let size = 0;
  for (const seq of seqs) size += 2 + ACK_PAYLOAD_START.length + decimalDigits(seq) + 1;
  const frames = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const seq of seqs) {
    const digits = decimalDigits(seq);
    frames[offset++] = FINAL_TEXT_FRAME;
    frames[offset++] = ACK_PAYLOAD_START.length + digits + 1;
    // A loop, not Buffer#copy: copy makes a Uint8Array view per call.
    for (let index = 0; index < ACK_PAYLOAD_START.length; index++) frames[offset++] = ACK_PAYLOAD_START[index] as number;
    let rest = seq;
    for (let index = offset + digits - 1; index >= offset; index--) {
      frames[index] = DIGIT_ZERO + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    offset += digits;
    frames[offset++] = CLOSING_BRACE;
  }
  return frames;
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

const ACK_START = '{"ack":';

/**
 * The seq of an ack written exactly as encodeAck writes it (1–16 digits, no leading zero), else
 * undefined. Nearly every frame is one: it needs no JSON.parse and no parsed object.
 */
function plainAckSeq(text: string): number | undefined {
  const end = text.length - 1;
  const digits = end - ACK_START.length;
  if (digits < 1 || digits > 16 || text.charCodeAt(end) !== CLOSING_BRACE || !text.startsWith(ACK_START)) return undefined;
  if (digits > 1 && text.charCodeAt(ACK_START.length) === DIGIT_ZERO) return undefined;
  let seq = 0;
  for (let index = ACK_START.length; index < end; index++) {
    const digit = text.charCodeAt(index) - DIGIT_ZERO;
    if (!(digit >= 0 && digit <= 9)) return undefined;
    seq = seq * 10 + digit;
  }
  return Number.isSafeInteger(seq) ? seq : undefined;
}

/** What the client makes of a frame from the adapter; never throws. */
export function decodeAdapterFrame(text: string): AdapterFrame {
  const seq = plainAckSeq(text);
  if (seq !== undefined) return { kind: 'ack', seq };
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
