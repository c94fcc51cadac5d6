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

/** Decodes one Beats document; never throws. */
export function decodeBeatsEvent(doc: unknown): BeatsDocument {
  if (!isFields(doc)) return { kind: 'unknown', reason: 'document is not a JSON object' };
  const origin = originOf(doc);
  const unknown = (reason: string): UnknownBeatsDocument => ({ kind: 'unknown', reason, ...origin });
  const timestamp = doc['@timestamp'];
  if (typeof timestamp !== 'string') return unknown('missing @timestamp');
  const time = Date.parse(timestamp);
  if (!Number.isFinite(time)) return unknown('unreadable @timestamp');

  const metricset = textAt(doc, 'metricset', 'name');
  if (metricset !== undefined) return decodeMetrics(doc, metricset, time, origin, unknown);
  if (typeof doc.message === 'string') return decodeLogLine(doc, doc.message, time, origin, unknown);
  return unknown('neither a Filebeat line nor a Metricbeat sample');
}

function decodeLogLine(
  doc: Fields,
  line: string,
  time: number,
  origin: BeatsOrigin,
  unknown: (reason: string) => UnknownBeatsDocument,
): BeatsDocument {
  const file = textAt(doc, 'log', 'file', 'path');
  if (file === undefined) return unknown('Filebeat document without log.file.path');
  const offset = valueAt(doc, 'log', 'offset');
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    return unknown('Filebeat document without a valid log.offset');
  }
  return { kind: 'log', time, line, file, offset, ...origin };
}

function decodeMetrics(
  doc: Fields,
  metricset: string,
  time: number,
  origin: BeatsOrigin,
  unknown: (reason: string) => UnknownBeatsDocument,
): BeatsDocument {
  const module = textAt(doc, 'event', 'module');
  if (module !== 'system') return unknown(`unsupported Metricbeat module ${String(module)}`);
  const base = { kind: 'metrics' as const, time, ...origin };
  switch (metricset) {
    case 'cpu': {
      const value = numberAt(doc, 'system', 'cpu', 'total', 'norm', 'pct');
      if (value === undefined) return unknown('cpu sample without system.cpu.total.norm.pct');
      return { ...base, metricset, cpuTotalNormPct: value };
    }
    case 'memory': {
      const value = numberAt(doc, 'system', 'memory', 'actual', 'used', 'pct');
      if (value === undefined) return unknown('memory sample without system.memory.actual.used.pct');
      return { ...base, metricset, memoryActualUsedPct: value };
    }
    case 'filesystem': {
      const mountPoint = textAt(doc, 'system', 'filesystem', 'mount_point');
      const value = numberAt(doc, 'system', 'filesystem', 'used', 'pct');
      if (mountPoint === undefined || value === undefined) {
        return unknown('filesystem sample without system.filesystem.mount_point and used.pct');
      }
      return { ...base, metricset, mountPoint, filesystemUsedPct: value };
    }
    default:
      return unknown(`unsupported metricset ${metricset}`);
  }
}

function originOf(doc: Fields): BeatsOrigin {
  const hostName = textAt(doc, 'host', 'name');
  const fieldsPrinterId = textAt(doc, 'fields', 'printer_id');
  return {
    ...(hostName === undefined ? {} : { hostName }),
    ...(fieldsPrinterId === undefined ? {} : { fieldsPrinterId }),
  };
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a nested path of own properties, if every step is an object. */
function valueAt(doc: Fields, ...path: string[]): unknown {
  let current: unknown = doc;
  for (const key of path) {
    if (!isFields(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function textAt(doc: Fields, ...path: string[]): string | undefined {
  const value = valueAt(doc, ...path);
  return typeof value === 'string' ? value : undefined;
}

function numberAt(doc: Fields, ...path: string[]): number | undefined {
  const value = valueAt(doc, ...path);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
