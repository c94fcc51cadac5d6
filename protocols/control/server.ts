/** The daemon's end of the control socket: a Unix socket with file permissions, no TCP port. */
import { chmod } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../config/logging.js';
import { ControlConnection, type ControlHandler } from './connection.js';
import { ControlError, errnoOf } from './errors.js';
import type { ControlLimits } from './limits.js';
import { type ControlAccess, type ControlCommand, isAdminCommand } from './messages.js';
import { adminSocketPathFor, claimSocketPath, ensureSocketDirectory, fileIdentity, removeIfPresent } from './socket-file.js';
import { CONTROL_DEFAULTS } from '../../config/defaults.js';

export interface ControlServerOptions {
  socketPath: string;
  /**
   * `read-only` (the default): views and ping; an admin command is refused with CONTROL_NOT_PERMITTED.
   * `admin`: everything. The file mode is what keeps the admin socket to the daemon's user and root.
   */
  access?: ControlAccess;
  /** Socket file mode; by default 0o660 for a read-only socket, 0o600 for an admin one. */
  mode?: number;
  logger: Logger;
  /** Answers every command but `ping`, which the server answers itself. */
  handle: ControlHandler;
  limits?: Partial<ControlLimits>;
}

export interface ControlServer {
  readonly socketPath: string;
  /** Connections open now. */
  readonly connectionCount: number;
  /** Stops accepting, ends open connections, removes the socket file. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates the socket's directory if missing, removes a stale socket file (only when nothing answers on it),
 * listens, and sets the file mode. Rejects with CONTROL_SOCKET_IN_USE when a live daemon holds the path.
 */
export async function createControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const limits: ControlLimits = { ...CONTROL_DEFAULTS, ...options.limits };
  const { socketPath, logger } = options;
  const access = options.access ?? 'read-only';
  const mode = options.mode ?? (access === 'admin' ? limits.adminSocketMode : limits.socketMode);
  const refusal = (cmd: ControlCommand): ControlError | undefined =>
    access === 'read-only' && isAdminCommand(cmd)
      ? new ControlError(
          'CONTROL_NOT_PERMITTED',
          `${cmd} is not allowed on the read-only socket ${socketPath}; the daemon's user and root may ${cmd} on ${adminSocketPathFor(socketPath)}`,
          { socketPath, cmd },
        )
      : undefined;
  await ensureSocketDirectory(socketPath, limits.directoryMode);
  await claimSocketPath(socketPath, limits.probeTimeoutMs);

  const connections = new Set<ControlConnection>();
  let nextConnection = 1;
  // The file is born with the umask's mode and narrowed by chmod after listen: whoever connected in
  // between got in under the wrong mode, so nothing is accepted until the mode is set.
  let modeSet = false;
  const server = createServer((socket: Socket) => {
    if (!modeSet) {
      socket.destroy();
      return;
    }
    const connection = new ControlConnection(socket, {
      label: `control#${nextConnection++}`,
      limits,
      logger,
      handle: options.handle,
      refusal,
      onClose: (closed) => connections.delete(closed),
    });
    const open = [...connections].filter((other) => !other.ending).length;
    connections.add(connection);
    if (open >= limits.maxConnections) {
      connection.refuse(
        new ControlError('CONTROL_TOO_MANY_CONNECTIONS', `more than ${limits.maxConnections} control connections`, {
          connection: connection.label,
          limit: 'maxConnections',
          limitValue: limits.maxConnections,
        }),
      );
    }
  });

  await listen(server, socketPath);
  try {
    await chmod(socketPath, mode);
  } catch (error) {
    await closeServer(server);
    throw new ControlError('CONTROL_LISTEN_FAILED', `cannot set the mode of ${socketPath}`, {
      socketPath,
      cause: error instanceof Error ? error.message : String(error),
    });
  }
  modeSet = true;
  const identity = await fileIdentity(socketPath);
  server.on('error', (error) => logger.error({ socket: socketPath, err: error }, 'control server error'));
  logger.info({ socket: socketPath, access, mode: `0${mode.toString(8)}` }, 'control socket listening');

  let closing: Promise<void> | undefined;
  return {
    socketPath,
    get connectionCount() {
      return connections.size;
    },
    close() {
      closing ??= (async () => {
        const closed = closeServer(server);
        for (const connection of connections) connection.close();
        await closed;
        // Node removes the file itself on close; a file that is no longer ours (a successor's) stays.
        if (identity !== undefined && (await fileIdentity(socketPath)) === identity) await removeIfPresent(socketPath);
        logger.info({ socket: socketPath }, 'control socket closed');
      })();
      return closing;
    },
  };
}

function listen(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      const errno = errnoOf(error);
      reject(
        errno === 'EADDRINUSE'
          ? new ControlError('CONTROL_SOCKET_IN_USE', `another process took ${socketPath} while this one started`, {
              socketPath,
              errno,
            })
          : new ControlError('CONTROL_LISTEN_FAILED', `cannot listen on ${socketPath}: ${error.message}`, {
              socketPath,
              ...(errno === undefined ? {} : { errno }),
            }),
      );
    };
    server.once('error', onError);
    server.listen(socketPath, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
