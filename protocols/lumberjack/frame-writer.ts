import { deflateSync } from 'node:zlib';
import { LumberjackError } from './errors.js';
import {
  ACK_FRAME_BYTES,
  FRAME_ACK,
  FRAME_COMPRESSED,
  FRAME_DATA,
  FRAME_JSON,
  FRAME_WINDOW,
  type ProtocolVersion,
  U32_MAX,
  versionByte,
} from './wire.js';

/** version, type, seq, length */
const JSON_FRAME_HEADER_BYTES = 10;

export interface WindowEncoding {
  /** zlib level 1..9 wraps the data frames in one `C` frame; 0 sends them bare (as Beats do). */
  compressionLevel: number;
}

/** `<version> A <seq>`: acknowledges every event of the window up to and including seq. */
export function encodeAck(seq: number, version: ProtocolVersion = 2): Buffer {
  const frame = Buffer.allocUnsafe(ACK_FRAME_BYTES);
  frame[0] = versionByte(version);
  frame[1] = FRAME_ACK;
  frame.writeUInt32BE(seq, 2);
  return frame;
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
  let json: string | undefined;
  try {
    json = JSON.stringify(event);
  } catch (error) {
    throw new LumberjackError('LJ_ERR_BAD_EVENT', `event ${index} cannot be serialized: ${String(error)}`, { index });
  }
  if (json === undefined) {
    throw new LumberjackError('LJ_ERR_BAD_EVENT', `event ${index} has no JSON representation`, { index });
  }
  return Buffer.from(json, 'utf8');
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

/** A v1 window: `1W n`, then n `1D` key/value frames (seq 1..n), bare or in one `1C`. */
export function encodeKeyValueWindow(
  events: readonly Readonly<Record<string, string>>[],
  encoding: WindowEncoding,
): Buffer {
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
  const window = Buffer.allocUnsafe(6);
  window.writeUInt32BE(count, writeHeader(window, 0, version, FRAME_WINDOW));
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
