/** The socket file's life on disk: its directory, and whether an existing file belongs to a live daemon. */
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { ControlError, errnoOf } from './errors.js';

/** live: something accepted a connection · dead: nothing listens (stale file) · absent: no file. */
export type SocketProbe = 'live' | 'dead' | 'absent';

/** Connects once to see whether a daemon is behind the socket file. Throws CONTROL_SOCKET_PROBE_FAILED when it cannot tell. */
export function probeSocket(socketPath: string, timeoutMs: number): Promise<SocketProbe> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: socketPath });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new ControlError('CONTROL_SOCKET_PROBE_FAILED', `${socketPath} neither accepted nor refused a connection`, {
          socketPath,
          timeoutMs,
        }),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      const errno = errnoOf(error);
      if (errno === 'ECONNREFUSED') resolve('dead');
      else if (errno === 'ENOENT') resolve('absent');
      else {
        // EACCES and the like: we cannot tell whether a daemon is there, so the file is not ours to remove.
        reject(
          new ControlError('CONTROL_SOCKET_PROBE_FAILED', `cannot tell whether a daemon listens at ${socketPath}`, {
            socketPath,
            ...(errno === undefined ? {} : { errno }),
            cause: error.message,
          }),
        );
      }
    });
  });
}

/** Creates the socket's directory (mode `directoryMode`) when it is missing. */
export async function ensureSocketDirectory(socketPath: string, directoryMode: number): Promise<void> {
  const directory = dirname(socketPath);
  try {
    const created = await mkdir(directory, { recursive: true, mode: directoryMode });
    // mkdir's mode passes through the umask; the directory we made gets exactly what was asked.
    if (created !== undefined) await chmod(directory, directoryMode);
  } catch (error) {
    throw new ControlError('CONTROL_SOCKET_DIR_FAILED', `cannot create the socket directory ${directory}`, {
      socketPath,
      ...(errnoOf(error) === undefined ? {} : { errno: errnoOf(error) }),
      cause: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * Makes the path free for listen(): nothing there, or a stale socket file that no daemon answers on
 * (removed). Refuses when a daemon answers, and never removes anything that is not a socket.
 */
export async function claimSocketPath(socketPath: string, probeTimeoutMs: number): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(socketPath)).isSocket();
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) {
    throw new ControlError('CONTROL_SOCKET_PATH_OCCUPIED', `${socketPath} exists and is not a socket; not removing it`, {
      socketPath,
    });
  }
  const probe = await probeSocket(socketPath, probeTimeoutMs);
  if (probe === 'live') {
    throw new ControlError(
      'CONTROL_SOCKET_IN_USE',
      `a daemon is already listening at ${socketPath}; stop it first or configure another control.socket`,
      { socketPath },
    );
  }
  if (probe === 'dead') await removeIfPresent(socketPath);
}

export async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
}

/** The identity of a file, to remove our socket at close and not a successor's. */
export async function fileIdentity(path: string): Promise<string | undefined> {
  try {
    const stats = await lstat(path);
    return `${stats.dev}:${stats.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * The admin socket sits next to the read-only one: `/run/3dconnect/control.sock` →
 * `/run/3dconnect/control-admin.sock`. Derived, so the daemon and the CLI agree from one setting.
 */
export function adminSocketPathFor(socketPath: string): string {
  const name = basename(socketPath);
  const admin = name.endsWith('.sock') ? `${name.slice(0, -'.sock'.length)}-admin.sock` : `${name}-admin`;
  return join(dirname(socketPath), admin);
}
