/**
 * Stable ids of Beats events, the uplink's key for suppressing what a Beat re-sends after a
 * reconnect (ARCHITECTURE.md §3.4). The same event always gets the same id, and new data never
 * gets an old one.
 *
 * An id stays inside the adapter (the uplink's duplicate filter; ThingWorx rows carry only name,
 * value, time and quality), and still carries no path and no line: files and lines are digests.
 */
import * as crypto from 'node:crypto';

/** Hex digits kept of a digest: 64 bits, so ids stay short and two lines at one offset never collide in practice. */
const DIGEST_HEX_DIGITS = 16;

/** `crypto.hash` (Node 20.12, 21.7 and later) is a one-shot digest, three times faster than createHash for a line. */
const oneShotHash = (crypto as Partial<typeof crypto>).hash;

/**
 * A short hex digest of the text's UTF-8 bytes (SHA-1, truncated: integrity against accidents, not
 * against attackers). Of the line as decoded: lines that differ only in invalid UTF-8 (each byte read
 * as U+FFFD) digest alike.
 */
export function textDigest(text: string): string {
  const hex = oneShotHash === undefined ? crypto.createHash('sha1').update(text).digest('hex') : oneShotHash('sha1', text, 'hex');
  return hex.slice(0, DIGEST_HEX_DIGITS);
}

/**
 * A file as Filebeat tells files apart: its own identity (inode and device, fingerprint, or the
 * Windows file index) where the document carries it, otherwise its path (the `log` input of 6.x and
 * 7.x sends no more). Not the path when the identity is known: after a rename rotation the new file
 * at the old path is another file, and a file renamed away is still the same one.
 */
export function logFileKey(file: string, fileId: string | undefined): string {
  return textDigest(fileId ?? `path:${file}`);
}

/**
 * A Filebeat line: printer, file, byte offset and a digest of the line, e.g.
 * "p01/filebeat/3f2a…@1234#9c1e…". The offset alone does not tell new data from a re-send: after a
 * copytruncate rotation the same file starts again at offset 0, with other lines. A genuine re-send
 * (same file, offset and bytes) gets the same id.
 */
export function logEventId(printerId: string, file: string, fileId: string | undefined, offset: number, line: string): string {
  return `${logEventIdPrefix(printerId, logFileKey(file, fileId)) + offset}#${textDigest(line)}`;
}

/** What the ids of one file's lines share: a window's lines (one file) build it once, not per line. */
export function logEventIdPrefix(printerId: string, fileKey: string): string {
  return `${printerId}/filebeat/${fileKey}@`;
}

/**
 * A Metricbeat sample: printer, metricset (and mount) and sample time,
 * e.g. "p01/metricbeat/cpu@1735361777004", "p01/metricbeat/filesystem:/var@1735361777004".
 */
export function metricEventId(printerId: string, metricset: string, time: number, mountPoint?: string): string {
  const subject = mountPoint === undefined ? metricset : `${metricset}:${mountPoint}`;
  return `${printerId}/metricbeat/${subject}@${time}`;
}
