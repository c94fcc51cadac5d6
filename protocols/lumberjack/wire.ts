/** Lumberjack wire constants (PROTOCOLS.md §1). All integers on the wire are u32 big-endian. */
export const VERSION_1 = 0x31; // '1'
export const VERSION_2 = 0x32; // '2'

export const FRAME_WINDOW = 0x57; // 'W'
export const FRAME_JSON = 0x4a; // 'J' (v2)
export const FRAME_DATA = 0x44; // 'D' (v1 key/value)
export const FRAME_COMPRESSED = 0x43; // 'C'
export const FRAME_ACK = 0x41; // 'A'

export const FRAME_HEADER_BYTES = 2; // version, type
export const ACK_FRAME_BYTES = 6; // version, 'A', seq
export const U32_MAX = 0xffff_ffff;

export type ProtocolVersion = 1 | 2;

export function versionByte(version: ProtocolVersion): number {
  return version === 1 ? VERSION_1 : VERSION_2;
}
