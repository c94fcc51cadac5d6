import { ACK_FRAME_BYTES, FRAME_ACK, type ProtocolVersion, versionByte } from './wire.js';

/** `<version> A <seq>`: acknowledges every event of the window up to and including seq. */
export function encodeAck(seq: number, version: ProtocolVersion = 2): Buffer {
  const frame = Buffer.allocUnsafe(ACK_FRAME_BYTES);
  frame[0] = versionByte(version);
  frame[1] = FRAME_ACK;
  frame.writeUInt32BE(seq, 2);
  return frame;
}
