import { deflateSync } from 'node:zlib';
import { LumberjackError } from '../../protocols/lumberjack/errors.js';
import {
  FRAME_COMPRESSED,
  FRAME_DATA,
  FRAME_JSON,
  FRAME_WINDOW,
  type ProtocolVersion,
  U32_MAX,
  versionByte,
} from '../../protocols/lumberjack/wire.js';

/** version, type, seq, length */
const JSON_FRAME_HEADER_BYTES = 10;

export interface WindowEncoding {
  /** zlib level 1..9 wraps the data frames in one `C` frame; 0 sends them bare (as Beats do). */
  compressionLevel: number;
}

/**
 * A v2 window as libbeat sends it: `2W n`, then the n `2J` frames (seq 1..n) bare or in one `2C`.
 * Throws LJ_ERR_BAD_EVENT for a value JSON cannot represent.
 */
export function encodeWindow(events: readonly unknown[], encoding: WindowEncoding): Buffer {
  return encodeJsonWindow(events.map(serializeEvent), encoding);
}

/** An event as the UTF-8 JSON a `J` frame carries; throws LJ_ERR_BAD_EVENT when JSON cannot represent it. */
export function serializeEvent(event: unknown, index = 0): Buffer {
  return Buffer.from(serializeEventText(event, index), 'utf8');
}

/** `serializeEvent` as JSON text, before its UTF-8 encoding. */
export function serializeEventText(event: unknown, index = 0): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(event);
  } catch (error) {
    throw new LumberjackError('LJ_ERR_BAD_EVENT', `event ${index} cannot be serialized: ${String(error)}`, { index });
  }
  if (json === undefined) {
    throw new LumberjackError('LJ_ERR_BAD_EVENT', `event ${index} has no JSON representation`, { index });
  }
  return json;
}

/** `encodeWindow` for events already serialized (a client re-sending keeps its bytes). */
export function encodeJsonWindow(payloads: readonly Buffer[], encoding: WindowEncoding): Buffer {
  let size = 0;
  for (const payload of payloads) size += JSON_FRAME_HEADER_BYTES + payload.length;
  const frames = Buffer.allocUnsafe(size);
  let offset = 0;
  payloads.forEach((payload, index) => {
    offset = writeHeader(frames, offset, 2, FRAME_JSON);
    offset = frames.writeUInt32BE(index + 1, offset);
    offset = frames.writeUInt32BE(payload.length, offset);
    offset += payload.copy(frames, offset);
  });
  return wrapWindow(2, payloads.length, frames, encoding);
}

/**
 * `encodeJsonWindow` for events kept as JSON text: each is encoded straight into the window's
 * frames, without a Buffer per event (a simulated fleet sends tens of thousands a second).
 */
export function encodeJsonTextWindow(texts: readonly string[], encoding: WindowEncoding): Buffer {
  if (texts.length > U32_MAX) throw new LumberjackError('LJ_ERR_BAD_EVENT', 'too many events for one window', { count: texts.length });
  let size = 0;
  for (const text of texts) size += JSON_FRAME_HEADER_BYTES + Buffer.byteLength(text, 'utf8');
  const compressed = encoding.compressionLevel > 0;
  // Bare frames go straight after the window header; frames to compress go to a reused buffer
  // that deflate only reads (no window-sized allocation per window).
  const target = compressed ? scratchOf(size) : Buffer.allocUnsafe(WINDOW_HEADER_BYTES + size);
  let offset = compressed ? 0 : writeWindowHeader(target, 0, 2, texts.length);
  for (let index = 0; index < texts.length; index++) {
    offset = writeHeader(target, offset, 2, FRAME_JSON);
    offset = target.writeUInt32BE(index + 1, offset);
    const length = target.write(texts[index]!, offset + 4, 'utf8');
    offset = target.writeUInt32BE(length, offset) + length;
  }
  return compressed ? wrapWindow(2, texts.length, target.subarray(0, size), encoding) : target;
}

/** `<version> W <count>` */
const WINDOW_HEADER_BYTES = 6;
/** Windows beyond this size get a buffer of their own rather than growing the shared one for good. */
const MAX_SCRATCH_BYTES = 8 * 1024 * 1024;
let scratch = Buffer.allocUnsafe(0);

/** A buffer of at least `size` bytes, valid until the next call (callers use it synchronously). */
function scratchOf(size: number): Buffer {
  if (size > MAX_SCRATCH_BYTES) return Buffer.allocUnsafe(size);
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, Math.min(MAX_SCRATCH_BYTES, scratch.length * 2)));
  return scratch;
}

function writeWindowHeader(target: Buffer, offset: number, version: ProtocolVersion, count: number): number {
  return target.writeUInt32BE(count, writeHeader(target, offset, version, FRAME_WINDOW));
}

/** A v1 window: `1W n`, then n `1D` key/value frames (seq 1..n), bare or in one `1C`. */
export function encodeKeyValueWindow(events: readonly Readonly<Record<string, string>>[], encoding: WindowEncoding): Buffer {
  const parts: Buffer[] = [];
  events.forEach((fields, index) => {
    const pairs = Object.entries(fields);
    const head = Buffer.allocUnsafe(10);
    writeHeader(head, 0, 1, FRAME_DATA);
    head.writeUInt32BE(index + 1, 2);
    head.writeUInt32BE(pairs.length, 6);
    parts.push(head);
    for (const [key, value] of pairs) parts.push(lengthPrefixed(key), lengthPrefixed(value));
  });
  return wrapWindow(1, events.length, Buffer.concat(parts), encoding);
}

function wrapWindow(version: ProtocolVersion, count: number, frames: Buffer, encoding: WindowEncoding): Buffer {
  if (count > U32_MAX) throw new LumberjackError('LJ_ERR_BAD_EVENT', 'too many events for one window', { count });
  const window = Buffer.allocUnsafe(WINDOW_HEADER_BYTES);
  writeWindowHeader(window, 0, version, count);
  if (encoding.compressionLevel <= 0) return Buffer.concat([window, frames]);
  const compressed = deflateSync(frames, { level: encoding.compressionLevel });
  const header = Buffer.allocUnsafe(6);
  header.writeUInt32BE(compressed.length, writeHeader(header, 0, version, FRAME_COMPRESSED));
  return Buffer.concat([window, header, compressed]);
}

function writeHeader(target: Buffer, offset: number, version: ProtocolVersion, type: number): number {
  target[offset] = versionByte(version);
  target[offset + 1] = type;
  return offset + 2;
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}
