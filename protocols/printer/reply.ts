import type { PipCodecLimits } from './codec-limits.js';
import { PipError } from './errors.js';
import { MAX_REQUEST_ID, PIP_VERSION } from './request.js';
import { PIP_CODEC_LIMITS } from '../../config/defaults.js';

/** A parsed JSON object whose fields are not yet trusted. */
export type UntrustedObject = { readonly [field: string]: unknown };

/** A reply envelope with every field checked; `result` is still raw until decoded for its op. */
export type PipReply =
  | { readonly v: 1; readonly id: number; readonly ok: true; readonly result: UntrustedObject }
  | { readonly v: 1; readonly id: number; readonly ok: false; readonly error: PipRemoteError };

export interface PipRemoteError {
  readonly code: string;
  readonly message: string;
}

const REMOTE_ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function isUntrustedObject(value: unknown): value is UntrustedObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lineTooLong(limits: PipCodecLimits): PipError {
  return new PipError('PIP_LINE_TOO_LONG', 'line exceeds the size limit', {
    limit: 'maxLineBytes',
    limitValue: limits.maxLineBytes,
  });
}

function envelopeError(field: string, message: string): PipError {
  return new PipError('PIP_BAD_ENVELOPE', message, { field });
}

/**
 * One reply line (bytes without the newline, or text) into a checked envelope.
 * Throws PipError: PIP_LINE_TOO_LONG, PIP_BAD_UTF8, PIP_BAD_JSON, PIP_BAD_ENVELOPE. Unknown envelope fields are ignored.
 */
export function decodeReply(line: Uint8Array | string, limits: PipCodecLimits = PIP_CODEC_LIMITS): PipReply {
  if (typeof line === 'string' && Buffer.byteLength(line, 'utf8') > limits.maxLineBytes) throw lineTooLong(limits);
  const text = typeof line === 'string' ? line : decodeUtf8(line, limits);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PipError('PIP_BAD_JSON', 'reply is not JSON', { cause: error instanceof Error ? error.message : 'unknown' });
  }
  if (!isUntrustedObject(parsed)) throw envelopeError('', 'reply is not a JSON object');
  if (parsed.v !== PIP_VERSION) throw envelopeError('v', 'unsupported protocol version');
  const id = parsed.id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_REQUEST_ID) {
    throw envelopeError('id', 'id must be a u32');
  }
  if (parsed.ok === true) {
    if (parsed.error !== undefined) throw envelopeError('error', 'a successful reply carries no error');
    if (!isUntrustedObject(parsed.result)) throw envelopeError('result', 'result must be an object');
    return { v: PIP_VERSION, id, ok: true, result: parsed.result };
  }
  if (parsed.ok === false) {
    if (parsed.result !== undefined) throw envelopeError('result', 'a failed reply carries no result');
    return { v: PIP_VERSION, id, ok: false, error: decodeRemoteError(parsed.error, limits) };
  }
  throw envelopeError('ok', 'ok must be a boolean');
}

function decodeUtf8(line: Uint8Array, limits: PipCodecLimits): string {
  if (line.byteLength > limits.maxLineBytes) throw lineTooLong(limits);
  try {
    return utf8.decode(line);
  } catch {
    throw new PipError('PIP_BAD_UTF8', 'reply is not valid UTF-8');
  }
}

function decodeRemoteError(error: unknown, limits: PipCodecLimits): PipRemoteError {
  if (!isUntrustedObject(error)) throw envelopeError('error', 'error must be an object');
  const { code, message } = error;
  if (typeof code !== 'string' || !REMOTE_ERROR_CODE.test(code)) {
    throw envelopeError('error.code', 'error code must be an UPPER_SNAKE token');
  }
  if (typeof message !== 'string' || message.length > limits.maxErrorMessageLength) {
    throw envelopeError('error.message', 'error message must be a string within the limit');
  }
  return { code, message };
}
