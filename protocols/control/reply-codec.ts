/** Reply lines: the daemon encodes what it built; the client checks the shape of what it got. */
import { ControlError } from './errors.js';
import { isJsonObject, parseJsonLine, toJsonLine } from './json-line.js';
import type { ControlErrorBody, ControlReply, ControlRequestId, JsonValue } from './messages.js';

export function successReply(id: ControlRequestId, result: unknown): ControlReply {
  // Validated by encodeReply's JSON round trip; the type here only says "it is JSON".
  return { id, ok: true, result: (result ?? null) as JsonValue };
}

export function errorReply(id: ControlRequestId | null, error: ControlErrorBody): ControlReply {
  return { id, ok: false, error };
}

/** Throws TypeError when the result has no JSON form (BigInt, a cycle); the server answers CONTROL_INTERNAL then. */
export function encodeReply(reply: ControlReply): Buffer {
  return toJsonLine(reply);
}

function badReply(message: string): ControlError {
  return new ControlError('CONTROL_BAD_REPLY', message);
}

function readReplyId(value: unknown): ControlRequestId | null {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw badReply('reply id is not a string, an integer or null');
}

/** One reply line. Extra fields are tolerated (a newer daemon may add some); missing or mistyped ones are not. */
export function decodeReply(line: Buffer): ControlReply {
  const value = parseJsonLine(line);
  if (!isJsonObject(value)) throw badReply('reply is not a JSON object');
  const id = readReplyId(value.id);
  if (value.ok === true) {
    if (!('result' in value)) throw badReply('success reply without result');
    return { id, ok: true, result: value.result as JsonValue };
  }
  if (value.ok === false) {
    const { error } = value;
    if (!isJsonObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
      throw badReply('error reply without error.code and error.message strings');
    }
    return { id, ok: false, error: { code: error.code, message: error.message } };
  }
  throw badReply('reply.ok is not a boolean');
}
