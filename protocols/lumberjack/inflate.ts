import { inflateSync } from 'node:zlib';
import { LumberjackError } from './errors.js';

/**
 * Inflates a `C` payload (zlib, RFC 1950), stopping as soon as the output passes `maxBytes`: zlib
 * then throws ERR_BUFFER_TOO_LARGE, so a bomb costs at most `maxBytes` of memory and the time to
 * produce them. Synchronous on purpose: the parser stays pure, and one payload is bounded by the
 * limits (a Beat's window of 2048 events inflates in about a millisecond).
 */
export function inflateCapped(payload: Buffer, maxBytes: number): Buffer {
  // Refusing a bad header here is cheap; a failing zlib call is not (~0.1 ms and a 16 KiB buffer until GC).
  if (!hasZlibHeader(payload)) {
    throw new LumberjackError('LJ_ERR_INFLATE_FAILED', 'compressed frame does not start with a zlib header', {
      compressedBytes: payload.length,
    });
  }
  try {
    return inflateSync(payload, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new LumberjackError('LJ_ERR_INFLATE_LIMIT', `compressed frame inflates past maxInflatedBytes (${maxBytes})`, {
        limit: 'maxInflatedBytes',
        max: maxBytes,
        compressedBytes: payload.length,
      });
    }
    throw new LumberjackError('LJ_ERR_INFLATE_FAILED', `compressed frame is not a valid zlib stream: ${String(code)}`, {
      zlibCode: typeof code === 'string' ? code : undefined,
      compressedBytes: payload.length,
    });
  }
}

/** RFC 1950: deflate (CM 8) with a window of at most 32 KiB, no preset dictionary, and the FCHECK sum. */
function hasZlibHeader(payload: Buffer): boolean {
  if (payload.length < 2) return false;
  const cmf = payload[0]!;
  const flg = payload[1]!;
  const deflate = (cmf & 0x0f) === 8 && cmf >> 4 <= 7;
  const noDictionary = (flg & 0x20) === 0;
  return deflate && noDictionary && ((cmf << 8) | flg) % 31 === 0;
}
