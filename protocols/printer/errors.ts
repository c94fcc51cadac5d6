import { CodedError } from '../../supervision/errors.js';
import type { PipOp } from './ops.js';

/**
 * Stable codes for everything that can go wrong on a PIP/1 connection.
 * Codec codes (a bad line) end the connection they came from; query codes fail one call.
 */
export type PipErrorCode =
  // codec: the bytes or the JSON are not a valid PIP/1 reply
  | 'PIP_LINE_TOO_LONG'
  | 'PIP_BAD_UTF8'
  | 'PIP_BAD_JSON'
  | 'PIP_BAD_ENVELOPE'
  | 'PIP_BAD_RESULT'
  // request side: refused before anything is written
  | 'PIP_OP_NOT_ALLOWED'
  | 'PIP_BAD_ID'
  // client: one query or the connection
  | 'PIP_WRONG_ID'
  | 'PIP_UNSOLICITED_REPLY'
  | 'PIP_REMOTE_ERROR'
  | 'PIP_TIMEOUT'
  | 'PIP_CONNECT_FAILED'
  | 'PIP_CONNECTION_LOST'
  | 'PIP_UNAVAILABLE'
  | 'PIP_BUSY'
  | 'PIP_CLOSED';

/** What a reader of the error (or its log line) needs to know; only the fields that apply are set. */
export interface PipErrorContext {
  /** Connection label, e.g. "p01 127.0.0.1:4710#3". */
  connection?: string;
  op?: PipOp | string;
  id?: number;
  expectedId?: number;
  /** Which limit was hit and its value. */
  limit?: string;
  limitValue?: number;
  /** Which reply field failed validation, as a path ("result.job.layer"). */
  field?: string;
  /** The printer's own error code for PIP_REMOTE_ERROR. */
  remoteCode?: string;
  remoteMessage?: string;
  /** For PIP_UNAVAILABLE: when the next connection attempt is due, in ms from now. */
  retryInMs?: number;
  timeoutMs?: number;
  cause?: string;
}

export class PipError extends CodedError<PipErrorCode, PipErrorContext> {
  override readonly name = 'PipError';
}
