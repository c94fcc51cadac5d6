import { isoTime } from './device-clock.js';
import { createSeededRandom } from './families.js';

/**
 * Beats documents (the JSON in a Lumberjack `J` frame) shaped as Filebeat 8.x and Metricbeat 8.x
 * ship them (PROTOCOLS.md §1, test/fixtures/beats/events.ndjson). Pure: values in, documents out.
 */
export const BEATS_DOCUMENT_DEFAULTS = Object.freeze({
  beatVersion: '8.14.4',
  ecsVersion: '8.0.0',
  /** Metricbeat's `period` for the system metricsets. */
  metricPeriodMs: 10_000,
});

export type BeatType = 'filebeat' | 'metricbeat';

/** Who a Beat says it is: `host.name`, `fields.printer_id` and its agent block. */
export interface BeatIdentity {
  readonly type: BeatType;
  readonly hostName: string;
  readonly printerId: string;
  readonly version: string;
  readonly agentId: string;
  readonly ephemeralId: string;
}

/** A UUID v4 drawn from a seeded generator, so a seed always gives the same agent ids. */
function seededUuid(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function beatIdentity(options: {
  type: BeatType;
  hostName: string;
  printerId: string;
  seed: number;
  version?: string;
}): BeatIdentity {
  const random = createSeededRandom(options.seed ^ (options.type === 'filebeat' ? 0xf11e : 0x3e7c));
  return {
    type: options.type,
    hostName: options.hostName,
    printerId: options.printerId,
    version: options.version ?? BEATS_DOCUMENT_DEFAULTS.beatVersion,
    agentId: seededUuid(random),
    ephemeralId: seededUuid(random),
  };
}

/** The parts of a document that only depend on the Beat: built once per identity and shared by its documents. */
interface IdentityParts {
  metadata: object;
  host: object;
  agent: object;
  ecs: object;
  fields: object;
}

// Documents are only serialised, never changed (the shared parts are frozen), so sharing them saves
// building them again for every event (the benchmarks produce thousands a second).
const partsByIdentity = new WeakMap<BeatIdentity, IdentityParts>();

function partsOf(identity: BeatIdentity): IdentityParts {
  let parts = partsByIdentity.get(identity);
  if (!parts) {
    parts = {
      metadata: Object.freeze({ beat: identity.type, type: '_doc', version: identity.version }),
      host: Object.freeze({ name: identity.hostName }),
      agent: Object.freeze({
        id: identity.agentId,
        name: identity.hostName,
        type: identity.type,
        version: identity.version,
        ephemeral_id: identity.ephemeralId,
      }),
      ecs: Object.freeze({ version: BEATS_DOCUMENT_DEFAULTS.ecsVersion }),
      fields: Object.freeze({ printer_id: identity.printerId }),
    };
    partsByIdentity.set(identity, parts);
  }
  return parts;
}

/**
 * A log file's identity as Filebeat's filestream input ships it on Linux (`log.file.inode`,
 * `log.file.device_id`, both keywords): the same for every line of one Beat's file, drawn from the
 * Beat's seeded agent id so a seed always gives the same file.
 */
export function simulatedLogFile(identity: BeatIdentity, path: string): { path: string; inode: string; device_id: string } {
  // 2049 is device 8:1 (the first partition of the first disk).
  return { path, inode: String(Number.parseInt(identity.agentId.slice(0, 6), 16) + 1), device_id: '2049' };
}

/** One log line as Filebeat's filestream input ships it. */
export function filebeatDocument(identity: BeatIdentity, line: { time: number; message: string; path: string; offset: number }): object {
  const parts = partsOf(identity);
  return {
    '@timestamp': isoTime(line.time),
    '@metadata': parts.metadata,
    log: { file: simulatedLogFile(identity, line.path), offset: line.offset },
    message: line.message,
    input: { type: 'filestream' },
    host: parts.host,
    agent: parts.agent,
    ecs: parts.ecs,
    fields: parts.fields,
  };
}

/** Writes a line's document as JSON text: an offset (a byte count) and the line in, the text out. */
export type FilebeatDocumentWriter = (time: number, message: string, offset: number) => string;

/**
 * The JSON text of filebeatDocument() for one Beat's log file, the same bytes as JSON.stringify
 * gives, with everything but the time, the offset and the line serialized once: the benchmark's
 * printers write thousands of lines a second.
 */
export function filebeatDocumentWriter(identity: BeatIdentity, path: string): FilebeatDocumentWriter {
  const parts = partsOf(identity);
  const json = JSON.stringify;
  const afterTime = `","@metadata":${json(parts.metadata)},"log":{"file":${json(simulatedLogFile(identity, path))},"offset":`;
  const afterOffset = '},"message":';
  const afterMessage =
    `,"input":{"type":"filestream"},"host":${json(parts.host)},"agent":${json(parts.agent)},` +
    `"ecs":${json(parts.ecs)},"fields":${json(parts.fields)}}`;
  return (time, message, offset) => {
    if (!Number.isSafeInteger(offset)) throw new RangeError(`a log offset is a byte count, not ${offset}`);
    return `{"@timestamp":"${isoTime(time)}${afterTime}${offset}${afterOffset}${json(message)}${afterMessage}`;
  };
}

export interface CpuSample {
  cores: number;
  /** 0..1 of all cores; written as given (the other percentages are rounded to 4 places like Metricbeat's). */
  totalNormPct: number;
  userShare: number;
}

export interface MemorySample {
  totalBytes: number;
  /** 0..1, what Metricbeat calls actual (without caches). */
  actualUsedPct: number;
  usedPct: number;
}

export interface FilesystemSample {
  mountPoint: string;
  deviceName: string;
  fsType: string;
  totalBytes: number;
  /** 0..1 */
  usedPct: number;
}

export type MetricSample =
  | { metricset: 'cpu'; cpu: CpuSample }
  | { metricset: 'memory'; memory: MemorySample }
  | { metricset: 'filesystem'; filesystem: FilesystemSample };

function pct(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function systemFields(sample: MetricSample): Record<string, unknown> {
  switch (sample.metricset) {
    case 'cpu': {
      const { cores, totalNormPct, userShare } = sample.cpu;
      const user = totalNormPct * userShare;
      const system = totalNormPct - user;
      const idle = 1 - totalNormPct;
      const both = (norm: number) => ({ pct: pct(norm * cores), norm: { pct: pct(norm) } });
      // The total is written exactly as sampled: it is the value the adapter reports (CpuUsage).
      const total = { pct: pct(totalNormPct * cores), norm: { pct: totalNormPct } };
      return {
        cpu: { cores, total, user: both(user), system: both(system), idle: both(idle), nice: both(0) },
      };
    }
    case 'memory': {
      const { totalBytes, actualUsedPct, usedPct } = sample.memory;
      const actualUsed = Math.round(totalBytes * actualUsedPct);
      const used = Math.round(totalBytes * usedPct);
      return {
        memory: {
          total: totalBytes,
          used: { pct: usedPct, bytes: used },
          free: totalBytes - used,
          actual: { free: totalBytes - actualUsed, used: { pct: actualUsedPct, bytes: actualUsed } },
          swap: { total: 0, used: { bytes: 0, pct: 0 }, free: 0 },
        },
      };
    }
    case 'filesystem': {
      const { mountPoint, deviceName, fsType, totalBytes, usedPct } = sample.filesystem;
      const used = Math.round(totalBytes * usedPct);
      return {
        filesystem: {
          device_name: deviceName,
          mount_point: mountPoint,
          type: fsType,
          total: totalBytes,
          free: totalBytes - used,
          available: totalBytes - used,
          files: 1_966_080,
          free_files: 1_700_000,
          used: { bytes: used, pct: usedPct },
        },
      };
    }
  }
}

/** One `system` module event as Metricbeat ships it. */
export function metricbeatDocument(identity: BeatIdentity, time: number, sample: MetricSample): object {
  const parts = partsOf(identity);
  return {
    '@timestamp': isoTime(time),
    '@metadata': parts.metadata,
    event: { dataset: `system.${sample.metricset}`, module: 'system', duration: 1_000_000 },
    metricset: { name: sample.metricset, period: BEATS_DOCUMENT_DEFAULTS.metricPeriodMs },
    service: { type: 'system' },
    system: systemFields(sample),
    host: parts.host,
    agent: parts.agent,
    ecs: parts.ecs,
    fields: parts.fields,
  };
}
