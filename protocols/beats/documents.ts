/**
 * Beats documents (the JSON inside a Lumberjack `J` frame) decoded into what the adapter uses
 * (PROTOCOLS.md §1 "Beats documents"). Hand decoders: the input is untrusted and never throws.
 */
import { parseIsoTimestamp } from '../loglines/convert.js';
import type { JsonFieldSelection } from '../lumberjack/json-select.js';

/** What a document says about who sent it; used to identify the printer. */
export interface BeatsOrigin {
  /** `host.name` */
  hostName?: string;
  /** `fields.printer_id`, set in the printer's filebeat.yml / metricbeat.yml */
  fieldsPrinterId?: string;
}

/** A Filebeat log line. Its time is the Beat's `@timestamp`; the line's own time is the log rules' business. */
export interface FilebeatLine extends BeatsOrigin {
  kind: 'log';
  /** `@timestamp`, ms since epoch */
  time: number;
  /** `message` */
  line: string;
  /** `log.file.path` */
  file: string;
  /** `log.offset`: byte offset of the line in the file; with the file, a stable event id */
  offset: number;
}

/** One Metricbeat `system` module sample of a metricset the adapter collects. */
export type MetricbeatSample = BeatsOrigin & { kind: 'metrics'; time: number } & (
    | { metricset: 'cpu'; /** `system.cpu.total.norm.pct`, 0..1 */ cpuTotalNormPct: number }
    | { metricset: 'memory'; /** `system.memory.actual.used.pct`, 0..1 */ memoryActualUsedPct: number }
    | { metricset: 'filesystem'; mountPoint: string; /** `system.filesystem.used.pct`, 0..1 */ filesystemUsedPct: number }
  );

/** Anything else: counted and dropped by the caller. */
export interface UnknownBeatsDocument extends BeatsOrigin {
  kind: 'unknown';
  reason: string;
}

export type BeatsDocument = FilebeatLine | MetricbeatSample | UnknownBeatsDocument;

type Fields = Record<string, unknown>;

/**
 * Every field decodeBeatsEvent reads: a Beats listener given this (`eventFields`) builds only these
 * of each document, and decodes them to the same result as the whole document.
 */
export const BEATS_DOCUMENT_FIELDS: JsonFieldSelection = {
  '@timestamp': true,
  message: true,
  log: { file: { path: true }, offset: true },
  host: { name: true },
  fields: { printer_id: true },
  metricset: { name: true },
  event: { module: true },
  system: {
    cpu: { total: { norm: { pct: true } } },
    memory: { actual: { used: { pct: true } } },
    filesystem: { mount_point: true, used: { pct: true } },
  },
};

/** Decodes one Beats document; never throws. Reads no field BEATS_DOCUMENT_FIELDS leaves out. */
export function decodeBeatsEvent(doc: unknown): BeatsDocument {
  if (!isFields(doc)) return { kind: 'unknown', reason: 'document is not a JSON object' };
  const timestamp = doc['@timestamp'];
  if (typeof timestamp !== 'string') return unknownDocument(doc, 'missing @timestamp');
  const time = parseBeatsTimestamp(timestamp);
  if (!Number.isFinite(time)) return unknownDocument(doc, 'unreadable @timestamp');

  const metricset = text(field(own(doc, 'metricset'), 'name'));
  if (metricset !== undefined) return decodeMetrics(doc, metricset, time);
  if (typeof doc.message === 'string') return decodeLogLine(doc, doc.message, time);
  return unknownDocument(doc, 'neither a Filebeat line nor a Metricbeat sample');
}

function decodeLogLine(doc: Fields, line: string, time: number): BeatsDocument {
  const log = own(doc, 'log');
  const file = text(field(field(log, 'file'), 'path'));
  if (file === undefined) return unknownDocument(doc, 'Filebeat document without log.file.path');
  const offset = field(log, 'offset');
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    return unknownDocument(doc, 'Filebeat document without a valid log.offset');
  }
  const hostName = hostNameOf(doc);
  const fieldsPrinterId = fieldsPrinterIdOf(doc);
  // The usual line says both: one literal with every field, rather than two added to it afterwards
  // (each addition is a hidden-class change, and the second grows a property store per line).
  if (hostName !== undefined && fieldsPrinterId !== undefined) {
    return { kind: 'log', time, line, file, offset, hostName, fieldsPrinterId };
  }
  return withOrigin<FilebeatLine>({ kind: 'log', time, line, file, offset }, doc);
}

function decodeMetrics(doc: Fields, metricset: string, time: number): BeatsDocument {
  const module = text(field(own(doc, 'event'), 'module'));
  if (module !== 'system') return unknownDocument(doc, `unsupported Metricbeat module ${String(module)}`);
  const system = own(doc, 'system');
  switch (metricset) {
    case 'cpu': {
      const value = finite(field(field(field(field(system, 'cpu'), 'total'), 'norm'), 'pct'));
      if (value === undefined) return unknownDocument(doc, 'cpu sample without system.cpu.total.norm.pct');
      return withOrigin<MetricbeatSample>({ kind: 'metrics', time, metricset, cpuTotalNormPct: value }, doc);
    }
    case 'memory': {
      const value = finite(field(field(field(field(system, 'memory'), 'actual'), 'used'), 'pct'));
      if (value === undefined) return unknownDocument(doc, 'memory sample without system.memory.actual.used.pct');
      return withOrigin<MetricbeatSample>({ kind: 'metrics', time, metricset, memoryActualUsedPct: value }, doc);
    }
    case 'filesystem': {
      const filesystem = field(system, 'filesystem');
      const mountPoint = text(field(filesystem, 'mount_point'));
      const value = finite(field(field(filesystem, 'used'), 'pct'));
      if (mountPoint === undefined || value === undefined) {
        return unknownDocument(doc, 'filesystem sample without system.filesystem.mount_point and used.pct');
      }
      return withOrigin<MetricbeatSample>({ kind: 'metrics', time, metricset, mountPoint, filesystemUsedPct: value }, doc);
    }
    default:
      return unknownDocument(doc, `unsupported metricset ${metricset}`);
  }
}

function unknownDocument(doc: Fields, reason: string): UnknownBeatsDocument {
  return withOrigin<UnknownBeatsDocument>({ kind: 'unknown', reason }, doc);
}

/** Adds what the document says about its sender, leaving out what it does not say (no spread per document). */
function withOrigin<T extends BeatsOrigin>(decoded: T, doc: Fields): T {
  const hostName = hostNameOf(doc);
  if (hostName !== undefined) decoded.hostName = hostName;
  const fieldsPrinterId = fieldsPrinterIdOf(doc);
  if (fieldsPrinterId !== undefined) decoded.fieldsPrinterId = fieldsPrinterId;
  return decoded;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Fields are read one own property at a time with constant keys (a generic path walk per field was
// the largest part of decoding a document); never through the prototype of a hostile document.

/** `key` of an object, if it is its own property. */
function own(doc: Fields, key: string): unknown {
  return Object.hasOwn(doc, key) ? doc[key] : undefined;
}

/** `key` of `value` when `value` is an object that has it as its own property. */
function field(value: unknown, key: string): unknown {
  return isFields(value) ? own(value, key) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function hostNameOf(doc: Fields): string | undefined {
  return text(field(own(doc, 'host'), 'name'));
}

function fieldsPrinterIdOf(doc: Fields): string | undefined {
  return text(field(own(doc, 'fields'), 'printer_id'));
}

/** Beats' own shape, e.g. 2026-11-27T10:15:00.123Z: these positions, 24 characters. */
function isCanonicalTimestamp(timestamp: string): boolean {
  return timestamp.length === 24 && timestamp[10] === 'T' && timestamp[19] === '.' && timestamp[23] === 'Z';
}

/**
 * `@timestamp` as Date.parse reads it. Every Beat writes the canonical UTC form, which the
 * character-code parser reads to the same ms without Date.parse's general grammar (a quarter of a
 * microsecond per document); anything else, or a date it refuses, goes to Date.parse unchanged.
 */
function parseBeatsTimestamp(timestamp: string): number {
  const time = isCanonicalTimestamp(timestamp) ? parseIsoTimestamp(timestamp) : undefined;
  return time ?? Date.parse(timestamp);
}
