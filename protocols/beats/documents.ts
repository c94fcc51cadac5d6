/**
 * Beats documents (the JSON inside a Lumberjack `J` frame) decoded into what the adapter uses
 * (PROTOCOLS.md §1 "Beats documents"). Hand decoders: the input is untrusted and never throws.
 */

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

// Paths as constants: a rest parameter per lookup was an array per field of every document.
const HOST_NAME = ['host', 'name'];
const FIELDS_PRINTER_ID = ['fields', 'printer_id'];
const METRICSET_NAME = ['metricset', 'name'];
const LOG_FILE_PATH = ['log', 'file', 'path'];
const LOG_OFFSET = ['log', 'offset'];
const EVENT_MODULE = ['event', 'module'];
const CPU_TOTAL_NORM_PCT = ['system', 'cpu', 'total', 'norm', 'pct'];
const MEMORY_ACTUAL_USED_PCT = ['system', 'memory', 'actual', 'used', 'pct'];
const FILESYSTEM_MOUNT_POINT = ['system', 'filesystem', 'mount_point'];
const FILESYSTEM_USED_PCT = ['system', 'filesystem', 'used', 'pct'];

/** Decodes one Beats document; never throws. */
export function decodeBeatsEvent(doc: unknown): BeatsDocument {
  if (!isFields(doc)) return { kind: 'unknown', reason: 'document is not a JSON object' };
  const timestamp = doc['@timestamp'];
  if (typeof timestamp !== 'string') return unknownDocument(doc, 'missing @timestamp');
  const time = Date.parse(timestamp);
  if (!Number.isFinite(time)) return unknownDocument(doc, 'unreadable @timestamp');

  const metricset = textAt(doc, METRICSET_NAME);
  if (metricset !== undefined) return decodeMetrics(doc, metricset, time);
  if (typeof doc.message === 'string') return decodeLogLine(doc, doc.message, time);
  return unknownDocument(doc, 'neither a Filebeat line nor a Metricbeat sample');
}

function decodeLogLine(doc: Fields, line: string, time: number): BeatsDocument {
  const file = textAt(doc, LOG_FILE_PATH);
  if (file === undefined) return unknownDocument(doc, 'Filebeat document without log.file.path');
  const offset = valueAt(doc, LOG_OFFSET);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    return unknownDocument(doc, 'Filebeat document without a valid log.offset');
  }
  const hostName = textAt(doc, HOST_NAME);
  const fieldsPrinterId = textAt(doc, FIELDS_PRINTER_ID);
  // The usual line says both: one literal with every field, rather than two added to it afterwards
  // (each addition is a hidden-class change, and the second grows a property store per line).
  if (hostName !== undefined && fieldsPrinterId !== undefined) {
    return { kind: 'log', time, line, file, offset, hostName, fieldsPrinterId };
  }
  return withOrigin<FilebeatLine>({ kind: 'log', time, line, file, offset }, doc);
}

function decodeMetrics(doc: Fields, metricset: string, time: number): BeatsDocument {
  const module = textAt(doc, EVENT_MODULE);
  if (module !== 'system') return unknownDocument(doc, `unsupported Metricbeat module ${String(module)}`);
  switch (metricset) {
    case 'cpu': {
      const value = numberAt(doc, CPU_TOTAL_NORM_PCT);
      if (value === undefined) return unknownDocument(doc, 'cpu sample without system.cpu.total.norm.pct');
      return withOrigin<MetricbeatSample>({ kind: 'metrics', time, metricset, cpuTotalNormPct: value }, doc);
    }
    case 'memory': {
      const value = numberAt(doc, MEMORY_ACTUAL_USED_PCT);
      if (value === undefined) return unknownDocument(doc, 'memory sample without system.memory.actual.used.pct');
      return withOrigin<MetricbeatSample>({ kind: 'metrics', time, metricset, memoryActualUsedPct: value }, doc);
    }
    case 'filesystem': {
      const mountPoint = textAt(doc, FILESYSTEM_MOUNT_POINT);
      const value = numberAt(doc, FILESYSTEM_USED_PCT);
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
  const hostName = textAt(doc, HOST_NAME);
  if (hostName !== undefined) decoded.hostName = hostName;
  const fieldsPrinterId = textAt(doc, FIELDS_PRINTER_ID);
  if (fieldsPrinterId !== undefined) decoded.fieldsPrinterId = fieldsPrinterId;
  return decoded;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a nested path of own properties, if every step is an object. */
function valueAt(doc: Fields, path: readonly string[]): unknown {
  let current: unknown = doc;
  for (const key of path) {
    if (!isFields(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function textAt(doc: Fields, path: readonly string[]): string | undefined {
  const value = valueAt(doc, path);
  return typeof value === 'string' ? value : undefined;
}

function numberAt(doc: Fields, path: readonly string[]): number | undefined {
  const value = valueAt(doc, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
