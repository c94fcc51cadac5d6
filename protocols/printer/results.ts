import type { PipCodecLimits } from './codec-limits.js';
import { PipError } from './errors.js';
import type { PipOp } from './ops.js';
import { isUntrustedObject, type UntrustedObject } from './reply.js';
import { PIP_CODEC_LIMITS } from '../../config/defaults.js';

/** The printer's build state (DATA-ITEMS.md, `BuildState`). */
export const BUILD_STATES = Object.freeze(['idle', 'building', 'paused', 'finished', 'aborted', 'error', 'offline'] as const);
export type BuildState = (typeof BUILD_STATES)[number];

export interface IdentifyResult {
  readonly model: string;
  readonly family: string;
  readonly serial: string;
  readonly firmware: string;
}

/** Job metadata only: the decoder keeps these fields and drops everything else (file names, geometry). */
export interface JobStatus {
  readonly id: string;
  readonly state: BuildState;
  readonly layer: number;
  readonly layers: number;
  /** ms since epoch, printer clock */
  readonly startedAt: number;
  /** ms since epoch, printer clock */
  readonly estimatedEndAt: number;
}

export interface StatusResult {
  readonly state: BuildState;
  readonly job?: JobStatus;
}

export type SensorValue = number | string | boolean;
export type SensorsResult = Readonly<Record<string, SensorValue>>;
export type ConsumablesResult = Readonly<Record<string, number>>;

/** The typed result of each op. */
export interface PipResults {
  identify: IdentifyResult;
  status: StatusResult;
  sensors: SensorsResult;
  consumables: ConsumablesResult;
}

const FAMILY = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** No dots, slashes or spaces: a job id must not be able to carry a file name or path. */
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9_:-]*$/;
/** Catalog-style item names (`VatTemperature`, `FilesystemUsage_root`). */
const ITEM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** Latest ms-since-epoch a JS Date can hold. */
const MAX_TIME_MS = 8.64e15;

function resultError(field: string, message: string): PipError {
  return new PipError('PIP_BAD_RESULT', message, { field: `result.${field}` });
}

function text(value: unknown, field: string, maxLength: number, minLength = 1): string {
  if (typeof value !== 'string' || value.length < minLength || value.length > maxLength || CONTROL_CHARACTER.test(value)) {
    throw resultError(field, `${field} must be a printable string of ${minLength}..${maxLength} characters`);
  }
  return value;
}

function matching(value: unknown, field: string, pattern: RegExp, maxLength: number): string {
  const checked = text(value, field, maxLength);
  if (!pattern.test(checked)) throw resultError(field, `${field} has characters outside its alphabet`);
  return checked;
}

function wholeNumber(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw resultError(field, `${field} must be an integer in 0..${max}`);
  }
  return value;
}

function buildState(value: unknown, field: string): BuildState {
  if (typeof value !== 'string' || !(BUILD_STATES as readonly string[]).includes(value)) {
    throw resultError(field, `${field} must be one of ${BUILD_STATES.join('|')}`);
  }
  return value as BuildState;
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw resultError(field, `${field} must be a finite number`);
  return value;
}

export function decodeIdentify(result: UntrustedObject, limits: PipCodecLimits = PIP_CODEC_LIMITS): IdentifyResult {
  return {
    model: text(result.model, 'model', limits.maxIdentityLength),
    family: matching(result.family, 'family', FAMILY, 32),
    serial: text(result.serial, 'serial', limits.maxIdentityLength),
    firmware: text(result.firmware, 'firmware', limits.maxIdentityLength),
  };
}

export function decodeStatus(result: UntrustedObject, limits: PipCodecLimits = PIP_CODEC_LIMITS): StatusResult {
  const state = buildState(result.state, 'state');
  // a printer without a job may send null or leave the field out
  if (result.job === undefined || result.job === null) return { state };
  if (!isUntrustedObject(result.job)) throw resultError('job', 'job must be an object');
  return { state, job: decodeJob(result.job, limits) };
}

function decodeJob(job: UntrustedObject, limits: PipCodecLimits): JobStatus {
  const layers = wholeNumber(job.layers, 'job.layers', limits.maxLayers);
  const layer = wholeNumber(job.layer, 'job.layer', limits.maxLayers);
  if (layer > layers) throw resultError('job.layer', 'job.layer must not exceed job.layers');
  return {
    id: matching(job.id, 'job.id', JOB_ID, limits.maxIdentityLength),
    state: buildState(job.state, 'job.state'),
    layer,
    layers,
    startedAt: wholeNumber(job.startedAt, 'job.startedAt', MAX_TIME_MS),
    estimatedEndAt: wholeNumber(job.estimatedEndAt, 'job.estimatedEndAt', MAX_TIME_MS),
  };
}

function decodeItems<V>(
  result: UntrustedObject,
  limits: PipCodecLimits,
  decodeValue: (value: unknown, field: string) => V,
): Readonly<Record<string, V>> {
  const names = Object.keys(result);
  if (names.length > limits.maxItems) throw resultError('', `more than ${limits.maxItems} items`);
  const items: Record<string, V> = {};
  for (const name of names) {
    // the name alphabet also keeps `__proto__` and friends out of the object we build
    if (!ITEM_NAME.test(name)) throw resultError(name.slice(0, 64), 'item name has characters outside its alphabet');
    items[name] = decodeValue(result[name], name);
  }
  return items;
}

export function decodeSensors(result: UntrustedObject, limits: PipCodecLimits = PIP_CODEC_LIMITS): SensorsResult {
  return decodeItems(result, limits, (value, field): SensorValue => {
    if (typeof value === 'boolean') return value;
    // an empty string is a legitimate reading (no error code, for example)
    if (typeof value === 'string') return text(value, field, limits.maxTextValueLength, 0);
    return finite(value, field);
  });
}

export function decodeConsumables(result: UntrustedObject, limits: PipCodecLimits = PIP_CODEC_LIMITS): ConsumablesResult {
  return decodeItems(result, limits, finite);
}

const RESULT_DECODERS: { [Op in PipOp]: (result: UntrustedObject, limits: PipCodecLimits) => PipResults[Op] } = {
  identify: decodeIdentify,
  status: decodeStatus,
  sensors: decodeSensors,
  consumables: decodeConsumables,
};

/** The raw result of a successful reply into the typed result of its op. Throws PIP_BAD_RESULT. */
export function decodeResult<Op extends PipOp>(op: Op, result: UntrustedObject, limits: PipCodecLimits = PIP_CODEC_LIMITS): PipResults[Op] {
  const decode: (result: UntrustedObject, limits: PipCodecLimits) => PipResults[Op] = RESULT_DECODERS[op];
  return decode(result, limits);
}
