import { CodedError } from '../../supervision/errors.js';
import type { PushMessageErrorCode } from './message.js';

/**
 * Stable codes for the push protocol. The message codes and the connection codes travel to the
 * printer in `{"error":{"code":…}}`; the client codes stay in the simulator.
 */
export type PushErrorCode =
  | PushMessageErrorCode
  // connection: the adapter ends the connection
  | 'PUSH_BINARY_REFUSED'
  | 'PUSH_DUPLICATE_SEQ'
  | 'PUSH_OVERFLOW'
  // listener: before a connection is a printer's
  | 'PUSH_UPGRADE_TIMEOUT'
  // client
  | 'PUSH_CLIENT_INVALID'
  | 'PUSH_CLIENT_BACKLOG_FULL'
  | 'PUSH_CLIENT_CLOSED';

export interface PushErrorContext {
  printerId?: string;
  connectionId?: string;
  seq?: number;
  /** Which limit was hit and its value. */
  limit?: string;
  limitValue?: number;
  /** Where in a message, e.g. "readings[2].value". */
  path?: string;
}

export class PushError extends CodedError<PushErrorCode, PushErrorContext> {
  override readonly name = 'PushError';
}
