/** Request lines: strict validation on the daemon's side, the same rules applied before the client sends. */
import { ControlError } from './errors.js';
import { isJsonObject, parseJsonLine, toJsonLine } from './json-line.js';
import { CONTROL_COMMANDS, type ControlCommand, type ControlRequest, type ControlRequestId } from './messages.js';
import { CONTROL_DEFAULTS } from '../../config/defaults.js';

export interface RequestCodecLimits {
  maxIdLength: number;
  maxActorPathLength: number;
}

const REQUEST_KEYS = new Set(['id', 'cmd', 'args']);
/** Unicode category Cc: C0 and C1 control characters, DEL. */
const CONTROL_CHARACTERS = /\p{Cc}/u;

function isControlCommand(value: unknown): value is ControlCommand {
  return typeof value === 'string' && (CONTROL_COMMANDS as readonly string[]).includes(value);
}

function readId(value: unknown, limits: RequestCodecLimits): ControlRequestId | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && value.length > 0 && value.length <= limits.maxIdLength) return value;
  return undefined;
}

function badRequest(message: string, field: string, requestId?: ControlRequestId): ControlError {
  return new ControlError('CONTROL_BAD_REQUEST', message, { field, ...(requestId === undefined ? {} : { requestId }) });
}

/** Checks a parsed value against the request rules and answers a fresh, typed request. */
export function validateRequest(value: unknown, limits: RequestCodecLimits = CONTROL_DEFAULTS): ControlRequest {
  if (!isJsonObject(value)) throw badRequest('a request is a JSON object', '');
  const id = readId(value.id, limits);
  if (id === undefined) {
    throw badRequest(`id must be a non-negative integer or a string of 1 to ${limits.maxIdLength} characters`, 'id');
  }
  for (const key of Object.keys(value)) {
    if (!REQUEST_KEYS.has(key)) throw badRequest(`unknown field "${key}"`, key, id);
  }
  const { cmd, args } = value;
  if (!isControlCommand(cmd)) {
    throw new ControlError('CONTROL_UNKNOWN_COMMAND', `cmd must be one of ${CONTROL_COMMANDS.join(', ')}`, {
      field: 'cmd',
      requestId: id,
      ...(typeof cmd === 'string' ? { cmd: cmd.slice(0, limits.maxIdLength) } : {}),
    });
  }
  if (args !== undefined && !isJsonObject(args)) throw badRequest('args must be an object', 'args', id);
  const argKeys = Object.keys(args ?? {});
  if (cmd !== 'restart') {
    if (argKeys.length > 0) throw badRequest(`${cmd} takes no arguments`, `args.${argKeys[0]}`, id);
    return { id, cmd };
  }
  const path = args?.path;
  if (typeof path !== 'string' || path.length === 0 || path.length > limits.maxActorPathLength) {
    throw badRequest(`restart needs args.path, a string of 1 to ${limits.maxActorPathLength} characters`, 'args.path', id);
  }
  if (CONTROL_CHARACTERS.test(path)) throw badRequest('args.path holds control characters', 'args.path', id);
  const extra = argKeys.find((key) => key !== 'path');
  if (extra !== undefined) throw badRequest(`restart takes only args.path`, `args.${extra}`, id);
  return { id, cmd, args: { path } };
}

/** One request line, decoded and validated. Throws ControlError (with `requestId` when the id was readable). */
export function decodeRequest(line: Buffer, limits: RequestCodecLimits = CONTROL_DEFAULTS): ControlRequest {
  return validateRequest(parseJsonLine(line), limits);
}

export function encodeRequest(request: ControlRequest): Buffer {
  return toJsonLine(request);
}
