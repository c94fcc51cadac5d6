import { CodedError, overLimit, type PlainErrorContext } from '../../../supervision/errors.js';

/**
 * Every AlwaysOn failure has a stable code (after ws's WS_ERR_* codes) and, where the peer is owed an answer,
 * the response code to answer with.
 */
export type AlwaysOnErrorCode =
  // the bytes of one message
  | 'AO_ERR_TRUNCATED'
  | 'AO_ERR_TRAILING_BYTES'
  | 'AO_ERR_BAD_VERSION'
  | 'AO_ERR_BAD_MULTIPART_FLAG'
  | 'AO_ERR_UNSUPPORTED_CODE'
  | 'AO_ERR_BAD_MARKER'
  | 'AO_ERR_UNSUPPORTED_TYPE'
  | 'AO_ERR_BAD_STRING'
  | 'AO_ERR_BAD_VALUE'
  | 'AO_ERR_BAD_ENTITY'
  // multipart
  | 'AO_ERR_BAD_CHUNK'
  | 'AO_ERR_CHUNK_OUT_OF_ORDER'
  // limits
  | 'AO_ERR_MESSAGE_TOO_LARGE'
  | 'AO_ERR_STRING_TOO_LARGE'
  | 'AO_ERR_TOO_DEEP'
  | 'AO_ERR_TOO_MANY'
  | 'AO_ERR_TOO_MANY_PARTIALS'
  // the session
  | 'AO_ERR_NOT_CONNECTED'
  | 'AO_ERR_AUTH_REFUSED'
  | 'AO_ERR_TIMEOUT'
  | 'AO_ERR_PONG_MISSED'
  | 'AO_ERR_CLOSED';

export type AlwaysOnErrorContext = PlainErrorContext;

export class AlwaysOnError extends CodedError<AlwaysOnErrorCode, AlwaysOnErrorContext> {
  override readonly name = 'AlwaysOnError';
}

/** A size or count over its limit (see overLimit). */
export function limitExceeded(code: AlwaysOnErrorCode, limit: string, value: number, max: number): AlwaysOnError {
  return overLimit(AlwaysOnError, code, limit, value, max);
}
