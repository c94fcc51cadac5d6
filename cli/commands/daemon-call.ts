/** One request to the daemon, and what each way of failing means for the operator and the exit code. */
import { controlRequest } from '../../protocols/control/client.js';
import { ControlError, type ControlErrorCode } from '../../protocols/control/errors.js';
import type { ControlCommand, JsonValue } from '../../protocols/control/messages.js';
import { COMMAND_EXIT, type CommandExitCode } from './exit-codes.js';
import { CONTROL_DEFAULTS } from '../../config/defaults.js';

export interface CallFailure {
  exitCode: CommandExitCode;
  /** The control error behind it, when there was one. */
  code?: ControlErrorCode;
  /** Lines for stderr, without the command prefix. */
  lines: string[];
}

export type CallOutcome = { ok: true; result: JsonValue } | { ok: false; failure: CallFailure };

/** Codes a handler answers when the request's argument is wrong (the operator can fix it). */
const ARGUMENT_CODES = new Set(['CONTROL_UNKNOWN_PATH', 'CONTROL_BAD_REQUEST']);

export function describeFailure(error: unknown): CallFailure {
  if (!(error instanceof ControlError)) {
    return { exitCode: COMMAND_EXIT.software, lines: [`internal error: ${error instanceof Error ? error.message : String(error)}`] };
  }
  return { ...describeControlFailure(error), code: error.code };
}

function describeControlFailure(error: ControlError): CallFailure {
  switch (error.code) {
    case 'CONTROL_NO_DAEMON':
      return {
        exitCode: COMMAND_EXIT.unavailable,
        lines: [error.message, 'if the daemon runs with another control.socket, pass --socket PATH'],
      };
    case 'CONTROL_PERMISSION_DENIED':
    case 'CONTROL_TIMEOUT':
    case 'CONTROL_CONNECT_FAILED':
      return { exitCode: COMMAND_EXIT.unavailable, lines: [error.message] };
    case 'CONTROL_BAD_REQUEST':
      return { exitCode: COMMAND_EXIT.usage, lines: [error.message] };
    case 'CONTROL_REMOTE_ERROR': {
      const remote = error.context.remoteCode ?? '';
      const exitCode = ARGUMENT_CODES.has(remote)
        ? COMMAND_EXIT.usage
        : remote === 'CONTROL_UNAVAILABLE' || remote === 'CONTROL_NOT_PERMITTED'
          ? COMMAND_EXIT.unavailable
          : COMMAND_EXIT.software;
      return { exitCode, lines: [`the daemon refused: ${remote}: ${error.context.remoteMessage ?? error.message}`] };
    }
    default:
      return { exitCode: COMMAND_EXIT.software, lines: [`protocol error (${error.code}): ${error.message}`] };
  }
}

export async function callDaemon(
  socketPath: string,
  cmd: ControlCommand,
  args?: Record<string, JsonValue>,
  timeoutMs: number = CONTROL_DEFAULTS.requestTimeoutMs,
): Promise<CallOutcome> {
  try {
    return { ok: true, result: await controlRequest(socketPath, cmd, args, timeoutMs) };
  } catch (error) {
    return { ok: false, failure: describeFailure(error) };
  }
}

/** A failure after the reply arrived: it did not decode or could not be rendered. */
export function replyFailure(error: unknown): CallFailure {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? ` (${String(error.code)})` : '';
  return { exitCode: COMMAND_EXIT.software, lines: [`the daemon's reply cannot be shown${code}: ${message}`] };
}
