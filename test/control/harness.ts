/** Sockets in a temp dir, raw connections that collect lines, and a stale socket left by a killed process. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Generous: a wait fails a test only when something is really wrong, never because the machine is slow. */
export const WAIT_MS = 10_000;

export interface SocketDir {
  dir: string;
  /** A socket path inside the directory (short: sun_path holds 107 bytes). */
  socket(name?: string): string;
  remove(): Promise<void>;
}

export async function createSocketDir(): Promise<SocketDir> {
  const dir = await mkdtemp(join(tmpdir(), '3dc-ctl-'));
  return {
    dir,
    socket: (name = 'control.sock') => join(dir, name),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A raw client connection that keeps every line it receives, and knows when it was closed. */
export class RawClient {
  readonly lines: string[] = [];
  readonly closed: Promise<void>;
  #buffer = '';
  #waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.#buffer += text;
      const parts = this.#buffer.split('\n');
      this.#buffer = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    // Writes after the server closed may fail with EPIPE: that is what some tests provoke.
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(path: string): Promise<RawClient> {
    return withTimeout(
      new Promise<RawClient>((resolve, reject) => {
        const socket = connect({ path });
        socket.once('connect', () => resolve(new RawClient(socket)));
        socket.once('error', reject);
      }),
      `connection to ${path}`,
    );
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** The n-th line received (0-based), parsed as JSON. */
  async line(index: number): Promise<unknown> {
    await withTimeout(
      (async () => {
        while (this.lines.length <= index) await new Promise<void>((wake) => this.#waiters.push(wake));
      })(),
      `line ${index}`,
    );
    return JSON.parse(this.lines[index] ?? 'null') as unknown;
  }

  waitClosed(): Promise<void> {
    return withTimeout(this.closed, 'close');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Leaves a socket file with nobody listening, the way a daemon killed with SIGKILL does. */
export async function createStaleSocket(path: string): Promise<void> {
  const script = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  await withTimeout(new Promise<void>((resolve) => child.once('exit', () => resolve())), 'exit of the stale-socket process');
}
