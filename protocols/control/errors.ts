import { CodedError } from '../../supervision/errors.js';

/**
 * Stable codes for everything that can go wrong on the control socket, on either side.
 * Codec codes end the connection the bad line came from; the others fail one request.
 */
export type ControlErrorCode =
  // codec: the line is not a valid request or reply
  | 'CONTROL_LINE_TOO_LONG'
  | 'CONTROL_BAD_UTF8'
  | 'CONTROL_BAD_JSON'
  | 'CONTROL_BAD_REQUEST'
  | 'CONTROL_UNKNOWN_COMMAND'
  | 'CONTROL_BAD_REPLY'
  // server: one connection or one request
  | 'CONTROL_TOO_MANY_REQUESTS'
  | 'CONTROL_TOO_MANY_CONNECTIONS'
  | 'CONTROL_HANDLER_TIMEOUT'
  | 'CONTROL_INTERNAL'
  /** An admin command (restart) sent to the read-only socket. */
  | 'CONTROL_NOT_PERMITTED'
  /** For handlers: restart (or another command) named an actor path that does not exist. */
  | 'CONTROL_UNKNOWN_PATH'
  /** For handlers: the command exists but this daemon cannot answer it now (e.g. still starting). */
  | 'CONTROL_UNAVAILABLE'
  // server start-up
  | 'CONTROL_SOCKET_IN_USE'
  | 'CONTROL_SOCKET_PATH_OCCUPIED'
  | 'CONTROL_SOCKET_PROBE_FAILED'
  | 'CONTROL_SOCKET_DIR_FAILED'
  | 'CONTROL_LISTEN_FAILED'
  // client
  | 'CONTROL_NO_DAEMON'
  | 'CONTROL_PERMISSION_DENIED'
  | 'CONTROL_CONNECT_FAILED'
  | 'CONTROL_TIMEOUT'
  | 'CONTROL_CONNECTION_LOST'
  | 'CONTROL_REMOTE_ERROR';

/** What a reader of the error (or its log line) needs; only the fields that apply are set. */
export interface ControlErrorContext {
  socketPath?: string;
  /** Connection label on the server side, e.g. "control#3". */
  connection?: string;
  /** The request's id, when it could be read. */
  requestId?: string | number;
  cmd?: string;
  /** Which request field failed validation. */
  field?: string;
  /** Which limit was hit and its value. */
  limit?: string;
  limitValue?: number;
  timeoutMs?: number;
  /** The daemon's own error code and message, for CONTROL_REMOTE_ERROR. */
  remoteCode?: string;
  remoteMessage?: string;
  /** The system error code behind a socket failure (ENOENT, ECONNREFUSED, EACCES …). */
  errno?: string;
  cause?: string;
}

export class ControlError extends CodedError<ControlErrorCode, ControlErrorContext> {
  override readonly name = 'ControlError';
}

/** The system error code of a failed socket call (`ENOENT`, `ECONNREFUSED` …), if it has one. */
export function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' ? code : undefined;
}
