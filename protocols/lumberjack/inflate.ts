import { inflate, inflateSync } from 'node:zlib';
import { LumberjackError } from './errors.js';

/**
 * Output buffer size of the asynchronous inflate: zlib runs on the libuv thread pool and hands back
 * one buffer of this size per round trip, so the event loop only ever sees short callbacks.
 */
export const INFLATE_CHUNK_BYTES = 64 * 1024;

/**
 * A payload that inflates to at most this is inflated on the spot (well under a millisecond): most
 * Beats windows of small documents, where a thread-pool round trip would only add latency. A larger
 * one costs this much wasted work, then goes to the thread pool.
 */
export const INLINE_INFLATE_BYTES = 256 * 1024;

/**
 * Inflates one `C` payload with a cap: the bytes at once, or a promise of them. Fails (throws or
 * rejects) with LumberjackError. A live connection uses inflateInline, then inflateOffLoop.
 */
export type Inflater = (payload: Buffer, maxBytes: number) => Buffer | Promise<Buffer>;

/**
 * Inflates a `C` payload (zlib, RFC 1950), stopping as soon as the output passes `maxBytes`: zlib
 * then fails with ERR_BUFFER_TOO_LARGE, so a bomb costs at most `maxBytes` of memory and the time to
 * produce them. Synchronous: for the decoder's own helpers (drainWindows: tests, benchmarks,
 * replay), never on a live connection, where 32 MiB would block every printer for ~250 ms.
 */
export function inflateCapped(payload: Buffer, maxBytes: number): Buffer {
  refuseBadHeader(payload);
  try {
    return inflateSync(payload, { maxOutputLength: maxBytes });
  } catch (error) {
    throw inflateError(error, payload, maxBytes);
  }
}

/**
 * The payload inflated on the spot when it inflates to at most INLINE_INFLATE_BYTES; undefined
 * when it is larger (then inflateOffLoop). Throws LumberjackError for a bad stream.
 */
export function inflateInline(payload: Buffer, maxBytes: number): Buffer | undefined {
  refuseBadHeader(payload);
  if (maxBytes <= INLINE_INFLATE_BYTES) return inflateCapped(payload, maxBytes);
  try {
    return inflateSync(payload, { maxOutputLength: INLINE_INFLATE_BYTES });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_BUFFER_TOO_LARGE') throw inflateError(error, payload, maxBytes);
    return undefined;
  }
}

/** zlib on the thread pool, INFLATE_CHUNK_BYTES per round trip; rejects with LumberjackError. */
export function inflateOffLoop(payload: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    inflate(payload, { maxOutputLength: maxBytes, chunkSize: INFLATE_CHUNK_BYTES }, (error, inflated) => {
      if (error) reject(inflateError(error, payload, maxBytes));
      else resolve(inflated);
    });
  });
}

// Refusing a bad header here is cheap; a failing zlib call is not (~0.1 ms and a 16 KiB buffer until GC).
function refuseBadHeader(payload: Buffer): void {
  if (!hasZlibHeader(payload)) {
    throw new LumberjackError('LJ_ERR_INFLATE_FAILED', 'compressed frame does not start with a zlib header', {
      compressedBytes: payload.length,
    });
  }
}

function inflateError(error: unknown, payload: Buffer, maxBytes: number): LumberjackError {
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') {
    return new LumberjackError('LJ_ERR_INFLATE_LIMIT', `compressed frame inflates past maxInflatedBytes (${maxBytes})`, {
      limit: 'maxInflatedBytes',
      max: maxBytes,
      compressedBytes: payload.length,
    });
  }
  return new LumberjackError('LJ_ERR_INFLATE_FAILED', `compressed frame is not a valid zlib stream: ${String(code)}`, {
    zlibCode: typeof code === 'string' ? code : undefined,
    compressedBytes: payload.length,
  });
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
