import { PipError } from './errors.js';
import { isReadOnlyOp, type PipOp } from './ops.js';

export const PIP_VERSION = 1;
export const MAX_REQUEST_ID = 0xffff_ffff;

/**
 * One request line: `{"v":1,"id":<u32>,"op":"<op>"}\n`.
 * The op is checked at run time as well as by the type, so a cast cannot smuggle a writing op through.
 */
export function encodeRequest(id: number, op: PipOp): Buffer {
  if (!isReadOnlyOp(op)) {
    throw new PipError('PIP_OP_NOT_ALLOWED', 'op is not on the read-only allowlist', { op: String(op) });
  }
  if (!Number.isInteger(id) || id < 0 || id > MAX_REQUEST_ID) {
    throw new PipError('PIP_BAD_ID', 'request id must be a u32', { id });
  }
  return Buffer.from(`${JSON.stringify({ v: PIP_VERSION, id, op })}\n`, 'utf8');
}

/** The id after `id`, wrapping within u32 and skipping 0 so a fresh connection never reuses the first id by accident. */
export function nextRequestId(id: number): number {
  return id >= MAX_REQUEST_ID ? 1 : id + 1;
}
