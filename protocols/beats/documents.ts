/**
 * Beats documents (the JSON inside a Lumberjack `J` frame) decoded into what the adapter uses
 * (PROTOCOLS.md §1 "Beats documents"). Hand decoders: the input is untrusted and never throws.
 */
import { parseIsoTimestamp } from '../../domain/loglines/convert.js';
import type { JsonFieldSelection } from '../lumberjack/field-selection.js';

/**
 * What a document says about who sent it; used to identify the printer. Each Beats generation names
 * its host differently: 6.x `beat.hostname` (and from 6.3 `host.name`), 7.x `host.name` and
 * `agent.hostname`, 8.x `host.name` only (agent.hostname was dropped for agent.name).
 */
export interface BeatsOrigin {
  /** `host.name` (6.3 and later) */
  hostName?: string;
  /** `agent.hostname` (7.x) */
  agentHostName?: string;
  /** `beat.hostname` (6.x) */
  beatHostName?: string;
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
  /** `log.file.path` (7.x, 8.x), or `source` (6.x) */
  file: string;
  /** `log.offset` (7.x, 8.x), or `offset` (6.x): byte offset of the line in the file */
  offset: number;
  /**
   * The file's own identity where the document carries it, as Filebeat tells files apart:
   * `fingerprint:<log.file.fingerprint>` (8.x filestream with fingerprinting),
   * `inode:<log.file.device_id>:<log.file.inode>` (filestream on Unix), or
   * `windows:<log.file.vol>:<log.file.idxhi>:<log.file.idxlo>` (filestream on Windows).
   * Absent (the 6.x and 7.x `log` input) the path is all there is.
   */
  fileId?: string;
}

/** One Metricbeat `system` module sample of a metricset the adapter collects. */
export type MetricbeatSample = BeatsOrigin & { kind: 'metrics'; time: number } & (
    | { metricset: 'cpu' /** `system.cpu.total.norm.pct`, 0..1 */; cpuTotalNormPct: number }
    | { metricset: 'memory' /** `system.memory.actual.used.pct`, 0..1 */; memoryActualUsedPct: number }
    | { metricset: 'filesystem'; mountPoint: string /** `system.filesystem.used.pct`, 0..1 */; filesystemUsedPct: number }
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
  log: {
    file: { path: true, inode: true, device_id: true, fingerprint: true, vol: true, idxhi: true, idxlo: true },
    offset: true,
  },
  // Filebeat 6.x: the line's file and offset at the top level.
  source: true,
  offset: true,
  host: { name: true },
  agent: { hostname: true },
  beat: { hostname: true },
  fields: { printer_id: true },
  metricset: { name: true, module: true },
  event: { module: true },
  system: {
    cpu: { cores: true, total: { pct: true, norm: { pct: true } } },
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
  const logFile = field(log, 'file');
  // 7.x and 8.x say `log.file.path` and `log.offset`; 6.x said `source` and `offset` (7.0 renamed them).
  const file = text(field(logFile, 'path')) ?? text(own(doc, 'source'));
  if (file === undefined) return unknownDocument(doc, 'Filebeat document without log.file.path (or 6.x source)');
  // Only a document without log.offset is read as 6.x: a log.offset of the wrong type is refused, not bypassed.
  const logOffset = field(log, 'offset');
  const offset = logOffset === undefined ? own(doc, 'offset') : logOffset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    return unknownDocument(doc, 'Filebeat document without a valid log.offset (or 6.x offset)');
  }
  const fileId = fileIdOf(logFile);
  const hostName = hostNameOf(doc);
  const fieldsPrinterId = fieldsPrinterIdOf(doc);
  // The usual 8.x line says host.name and fields.printer_id and nothing older: one literal with every
  // field, rather than fields added to it afterwards (each addition is a hidden-class change).
  if (hostName !== undefined && fieldsPrinterId !== undefined && agentHostNameOf(doc) === undefined && beatHostNameOf(doc) === undefined) {
    return fileId === undefined
      ? { kind: 'log', time, line, file, offset, hostName, fieldsPrinterId }
      : { kind: 'log', time, line, file, offset, fileId, hostName, fieldsPrinterId };
  }
  const decoded: FilebeatLine = { kind: 'log', time, line, file, offset };
  if (fileId !== undefined) decoded.fileId = fileId;
  return withOrigin(decoded, doc);
}

/**
 * The file identity Filebeat's filestream input puts in each event (see FilebeatLine.fileId); the
 * strongest it gives first. The values are keywords (strings); a number is taken as its text.
 */
function fileIdOf(logFile: unknown): string | undefined {
  if (logFile === undefined) return undefined;
  const fingerprint = identityText(field(logFile, 'fingerprint'));
  if (fingerprint !== undefined) return `fingerprint:${fingerprint}`;
  const inode = identityText(field(logFile, 'inode'));
  if (inode !== undefined) return `inode:${identityText(field(logFile, 'device_id')) ?? ''}:${inode}`;
  const idxlo = identityText(field(logFile, 'idxlo'));
  if (idxlo !== undefined) {
    return `windows:${identityText(field(logFile, 'vol')) ?? ''}:${identityText(field(logFile, 'idxhi')) ?? ''}:${idxlo}`;
  }
  return undefined;
}

function identityText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;
}

function decodeMetrics(doc: Fields, metricset: string, time: number): BeatsDocument {
  // 7.x and 8.x say `event.module`; 6.x said `metricset.module` (7.0 moved it to ECS).
  const module = text(field(own(doc, 'event'), 'module')) ?? text(field(own(doc, 'metricset'), 'module'));
  if (module !== 'system') return unknownDocument(doc, `unsupported Metricbeat module ${String(module)}`);
  const system = own(doc, 'system');
  switch (metricset) {
    case 'cpu': {
      const value = cpuTotalNormPct(field(system, 'cpu'));
      if (value === undefined) {
        return unknownDocument(doc, 'cpu sample without system.cpu.total.norm.pct (or total.pct and cores)');
      }
      return withOrigin<MetricbeatSample>({ kind: 'metrics', time, metricset, cpuTotalNormPct: value }, doc);
    }
    case 'memory': {
      // The same field in 6.x, 7.x and 8.x: used memory less caches and buffers, 0..1.
      const value = finite(field(field(field(field(system, 'memory'), 'actual'), 'used'), 'pct'));
      if (value === undefined) return unknownDocument(doc, 'memory sample without system.memory.actual.used.pct');
      return withOrigin<MetricbeatSample>({ kind: 'metrics', time, metricset, memoryActualUsedPct: value }, doc);
    }
    case 'filesystem': {
      // The same fields in 6.x, 7.x and 8.x: one event per mount, used.pct 0..1.
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

/**
 * CPU use of the whole host, 0..1. `system.cpu.total.norm.pct` where the Beat sends it; every
 * generation sends it only when `cpu.metrics` lists `normalized_percentages` (the default is
 * `percentages` alone). Otherwise `system.cpu.total.pct`, which runs 0..cores, divided by
 * `system.cpu.cores` (present in 6.x, 7.x and 8.x samples): the same figure the Beat would have
 * normalized. Without cores there is no honest 0..1 value, and the sample is refused.
 */
function cpuTotalNormPct(cpu: unknown): number | undefined {
  const total = field(cpu, 'total');
  const normalized = finite(field(field(total, 'norm'), 'pct'));
  if (normalized !== undefined) return normalized;
  const pct = finite(field(total, 'pct'));
  const cores = field(cpu, 'cores');
  if (pct === undefined || typeof cores !== 'number' || !Number.isSafeInteger(cores) || cores < 1) return undefined;
  return pct / cores;
}

function unknownDocument(doc: Fields, reason: string): UnknownBeatsDocument {
  return withOrigin<UnknownBeatsDocument>({ kind: 'unknown', reason }, doc);
}

/** Adds what the document says about its sender, leaving out what it does not say (no spread per document). */
function withOrigin<T extends BeatsOrigin>(decoded: T, doc: Fields): T {
  const hostName = hostNameOf(doc);
  if (hostName !== undefined) decoded.hostName = hostName;
  const agentHostName = agentHostNameOf(doc);
  if (agentHostName !== undefined) decoded.agentHostName = agentHostName;
  const beatHostName = beatHostNameOf(doc);
  if (beatHostName !== undefined) decoded.beatHostName = beatHostName;
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

function agentHostNameOf(doc: Fields): string | undefined {
  return text(field(own(doc, 'agent'), 'hostname'));
}

function beatHostNameOf(doc: Fields): string | undefined {
  return text(field(own(doc, 'beat'), 'hostname'));
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
