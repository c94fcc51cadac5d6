/** The CLI's end of the control socket: one connection, one request, one reply. */
import { connect } from 'node:net';
import { ControlError, errnoOf } from './errors.js';
import { LineReader } from './line-reader.js';
import type { ControlCommand, ControlRequestId, JsonValue } from './messages.js';
import { decodeReply } from './reply-codec.js';
import { encodeRequest, validateRequest } from './request-codec.js';
import { CONTROL_DEFAULTS } from '../../config/defaults.js';

export interface ControlClientOptions {
  /** Largest reply line accepted, in bytes. */
  maxReplyLineBytes?: number;
}

/** How to start what is missing; part of every "no daemon" message. */
export const START_HINT = '3dconnect run --config FILE';

const NO_DAEMON_ERRNOS: Record<string, string> = {
  ENOENT: 'no socket file there',
  ENOTDIR: 'no socket file there',
  ECONNREFUSED: 'a socket file, but nothing listening on it',
};
const PERMISSION_ERRNOS = new Set(['EACCES', 'EPERM']);

let nextRequestId = 1;

/**
 * Sends `cmd` to the daemon at `socketPath` and resolves with the reply's result (untrusted JSON: decode it).
 * Rejects with a ControlError: CONTROL_NO_DAEMON (nothing at the path), CONTROL_PERMISSION_DENIED,
 * CONTROL_TIMEOUT, CONTROL_CONNECTION_LOST, CONTROL_BAD_REPLY and the other codec codes,
 * CONTROL_REMOTE_ERROR (the daemon answered with an error; see context.remoteCode),
 * or CONTROL_BAD_REQUEST before anything is sent.
 */
export function controlRequest(
  socketPath: string,
  cmd: ControlCommand,
  args?: Record<string, JsonValue>,
  timeoutMs: number = CONTROL_DEFAULTS.requestTimeoutMs,
  options: ControlClientOptions = {},
): Promise<JsonValue> {
  const id = nextRequestId++;
  let line: Buffer;
  try {
    line = encodeRequest(validateRequest({ id, cmd, ...(args === undefined ? {} : { args }) }));
  } catch (error) {
    return Promise.reject(error);
  }
  const reader = new LineReader(options.maxReplyLineBytes ?? CONTROL_DEFAULTS.maxReplyLineBytes);

  return new Promise<JsonValue>((resolve, reject) => {
    const socket = connect({ path: socketPath });
    let connected = false;
    let settled = false;
    const settle = (error: ControlError | undefined, result?: JsonValue) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(result ?? null);
    };
    const timer = setTimeout(
      () =>
        settle(
          new ControlError(
            'CONTROL_TIMEOUT',
            connected
              ? `the daemon at ${socketPath} did not answer ${cmd} within ${timeoutMs} ms`
              : `could not connect to ${socketPath} within ${timeoutMs} ms`,
            { socketPath, cmd, timeoutMs },
          ),
        ),
      timeoutMs,
    );

    socket.once('connect', () => {
      connected = true;
      socket.write(line);
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        const [first] = reader.push(chunk);
        if (first !== undefined) settle(...outcomeOf(first, id, socketPath, cmd));
      } catch (error) {
        settle(asControlError(error, socketPath, cmd));
      }
    });
    socket.on('error', (error) => settle(connected ? lost(socketPath, cmd, error) : connectFailure(socketPath, error)));
    socket.on('close', () => settle(lost(socketPath, cmd)));
  });
}

function outcomeOf(line: Buffer, id: ControlRequestId, socketPath: string, cmd: ControlCommand): [ControlError | undefined, JsonValue?] {
  const reply = decodeReply(line);
  // A null id is the daemon refusing the connection before reading a request (too many connections).
  if (reply.id !== id && reply.id !== null) {
    return [new ControlError('CONTROL_BAD_REPLY', `reply id ${String(reply.id)} does not match request ${id}`, { socketPath, cmd })];
  }
  if (reply.ok) return [undefined, reply.result];
  return [
    new ControlError('CONTROL_REMOTE_ERROR', `the daemon answered ${reply.error.code}: ${reply.error.message}`, {
      socketPath,
      cmd,
      remoteCode: reply.error.code,
      remoteMessage: reply.error.message,
    }),
  ];
}

function asControlError(error: unknown, socketPath: string, cmd: ControlCommand): ControlError {
  if (error instanceof ControlError) return new ControlError(error.code, error.message, { ...error.context, socketPath, cmd });
  return new ControlError('CONTROL_BAD_REPLY', String(error), { socketPath, cmd });
}

function lost(socketPath: string, cmd: ControlCommand, error?: Error): ControlError {
  const errno = errnoOf(error);
  return new ControlError('CONTROL_CONNECTION_LOST', `the daemon at ${socketPath} closed the connection before answering ${cmd}`, {
    socketPath,
    cmd,
    ...(errno === undefined ? {} : { errno }),
  });
}

function connectFailure(socketPath: string, error: Error): ControlError {
  const errno = errnoOf(error) ?? 'unknown';
  const noDaemon = NO_DAEMON_ERRNOS[errno];
  if (noDaemon !== undefined) {
    return new ControlError('CONTROL_NO_DAEMON', `no 3dconnect daemon at ${socketPath} (${noDaemon}); start one with: ${START_HINT}`, {
      socketPath,
      errno,
    });
  }
  if (PERMISSION_ERRNOS.has(errno)) {
    return new ControlError(
      'CONTROL_PERMISSION_DENIED',
      `not allowed to connect to ${socketPath} (${errno}): run as the daemon's user or a member of its group`,
      { socketPath, errno },
    );
  }
  return new ControlError('CONTROL_CONNECT_FAILED', `cannot connect to ${socketPath}: ${error.message}`, {
    socketPath,
    errno,
  });
}
