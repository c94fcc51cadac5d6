import { CodedError, overLimit, type PlainErrorContext } from '../../supervision/errors.js';

/**
 * Every Lumberjack failure has a stable code, so callers, logs and tests can tell them apart
 * without parsing messages (after ws's WS_ERR_* codes).
 */
export type LumberjackErrorCode =
  // the byte stream itself
  | 'LJ_ERR_BAD_VERSION'
  | 'LJ_ERR_BAD_FRAME_TYPE'
  | 'LJ_ERR_UNEXPECTED_FRAME'
  | 'LJ_ERR_BAD_JSON'
  | 'LJ_ERR_WINDOW_OVERFLOW'
  | 'LJ_ERR_TRUNCATED_COMPRESSED'
  | 'LJ_ERR_INFLATE_FAILED'
  // limits
  | 'LJ_ERR_WINDOW_TOO_LARGE'
  | 'LJ_ERR_EVENT_TOO_LARGE'
  | 'LJ_ERR_COMPRESSED_TOO_LARGE'
  | 'LJ_ERR_INFLATE_LIMIT'
  | 'LJ_ERR_IN_FLIGHT_LIMIT'
  | 'LJ_ERR_UNIDENTIFIED_LIMIT'
  | 'LJ_ERR_BUDGET_STALLED'
  // connection life
  | 'LJ_ERR_STALLED'
  | 'LJ_ERR_IDLE'
  | 'LJ_ERR_TLS_HANDSHAKE'
  | 'LJ_ERR_CLIENT_CERT'
  | 'LJ_ERR_REJECTED'
  | 'LJ_ERR_UNKNOWN_PRINTER'
  | 'LJ_ERR_HANDLER_FAILED'
  | 'LJ_ERR_SERVER_CLOSING'
  | 'LJ_ERR_ACK_OUT_OF_RANGE'
  | 'LJ_ERR_TIMEOUT'
  | 'LJ_ERR_CONNECTION_LOST'
  | 'LJ_ERR_CLIENT_CLOSED'
  | 'LJ_ERR_BAD_EVENT'
  | 'LJ_ERR_BAD_OPTIONS'
  | 'LJ_ERR_INTERNAL';

/** Which connection, which limit, which frame: whatever a reader of the log needs. */
export type LumberjackErrorContext = PlainErrorContext;

export class LumberjackError extends CodedError<LumberjackErrorCode, LumberjackErrorContext> {
  override readonly name = 'LumberjackError';
}

/** A size field over its limit (see overLimit). */
export function limitExceeded(code: LumberjackErrorCode, limit: string, value: number, max: number): LumberjackError {
  return overLimit(LumberjackError, code, limit, value, max);
}
