import { createServer, type Server, type Socket } from 'node:net';
import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import { controlRequest } from '../../protocols/control/client.js';
import { ControlError } from '../../protocols/control/errors.js';
import { createControlServer } from '../../protocols/control/server.js';
import { createSocketDir, createStaleSocket } from './harness.js';

/** A stand-in daemon that does whatever the test says with each connection. */
async function fakeDaemon(t: { teardown(fn: () => Promise<void>): void }, onRequest: (socket: Socket, line: string) => void) {
  const dir = await createSocketDir();
  const socketPath = dir.socket();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      buffer += text;
      const newline = buffer.indexOf('\n');
      if (newline >= 0) onRequest(socket, buffer.slice(0, newline));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.teardown(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await dir.remove();
  });
  return socketPath;
}

test('resolves with the result of a real server', async (t) => {
  const dir = await createSocketDir();
  const socketPath = dir.socket();
  const server = await createControlServer({
    socketPath,
    access: 'admin',
    logger: silentLogger(),
    handle: async (request) => ({ cmd: request.cmd, path: request.cmd === 'restart' ? request.args.path : null }),
  });
  t.teardown(async () => {
    await server.close();
    await dir.remove();
  });
  t.deepEqual(await controlRequest(socketPath, 'restart', { path: 'adapter/fleet/p01' }), {
    cmd: 'restart',
    path: 'adapter/fleet/p01',
  });
  t.deepEqual(await controlRequest(socketPath, 'ping'), { pong: true });
});

test('no socket file: CONTROL_NO_DAEMON says where it looked and how to start a daemon', async (t) => {
  const dir = await createSocketDir();
  t.teardown(() => dir.remove());
  const socketPath = dir.socket('missing.sock');
  const error = (await t.throwsAsync(controlRequest(socketPath, 'status'), { instanceOf: ControlError })) as ControlError;
  t.is(error.code, 'CONTROL_NO_DAEMON');
  t.is(error.context.errno, 'ENOENT');
  t.true(error.message.includes(socketPath));
  t.true(error.message.includes('3dconnect run --config FILE'));
});

test('a stale socket file: CONTROL_NO_DAEMON, nothing listening', async (t) => {
  const dir = await createSocketDir();
  t.teardown(() => dir.remove());
  const socketPath = dir.socket();
  await createStaleSocket(socketPath);
  const error = (await t.throwsAsync(controlRequest(socketPath, 'status'), { instanceOf: ControlError })) as ControlError;
  t.is(error.code, 'CONTROL_NO_DAEMON');
  t.is(error.context.errno, 'ECONNREFUSED');
  t.regex(error.message, /nothing listening/);
  t.true(error.message.includes(socketPath));
});

test('a daemon that does not answer: CONTROL_TIMEOUT, not "no daemon"', async (t) => {
  const socketPath = await fakeDaemon(t, () => {});
  const error = (await t.throwsAsync(controlRequest(socketPath, 'status', undefined, 200), { instanceOf: ControlError })) as ControlError;
  t.is(error.code, 'CONTROL_TIMEOUT');
  t.is(error.context.timeoutMs, 200);
});

test('protocol errors are told apart from a missing daemon', async (t) => {
  const cases: Array<[string, (socket: Socket, line: string) => void, string]> = [
    ['garbage', (socket) => socket.write('garbage\n'), 'CONTROL_BAD_JSON'],
    ['a wrong id', (socket) => socket.write('{"id":"other","ok":true,"result":1}\n'), 'CONTROL_BAD_REPLY'],
    ['a wrong shape', (socket) => socket.write('{"id":1,"ok":true}\n'), 'CONTROL_BAD_REPLY'],
    ['a close without reply', (socket) => socket.end(), 'CONTROL_CONNECTION_LOST'],
  ];
  for (const [what, behaviour, code] of cases) {
    const socketPath = await fakeDaemon(t, behaviour);
    const error = (await t.throwsAsync(controlRequest(socketPath, 'status'), { instanceOf: ControlError }, what)) as ControlError;
    t.is(error.code as string, code, what);
    t.is(error.context.socketPath, socketPath, what);
  }
});

test('a reply over the size cap is refused', async (t) => {
  const socketPath = await fakeDaemon(t, (socket, line) => {
    const { id } = JSON.parse(line) as { id: number };
    socket.write(`${JSON.stringify({ id, ok: true, result: 'x'.repeat(4096) })}\n`);
  });
  const error = (await t.throwsAsync(controlRequest(socketPath, 'status', undefined, 5_000, { maxReplyLineBytes: 1024 }), {
    instanceOf: ControlError,
  })) as ControlError;
  t.is(error.code, 'CONTROL_LINE_TOO_LONG');
});

test("an error reply becomes CONTROL_REMOTE_ERROR with the daemon's code", async (t) => {
  const socketPath = await fakeDaemon(t, (socket, line) => {
    const { id } = JSON.parse(line) as { id: number };
    socket.write(`${JSON.stringify({ id, ok: false, error: { code: 'CONTROL_UNKNOWN_PATH', message: 'no actor at x' } })}\n`);
  });
  const error = (await t.throwsAsync(controlRequest(socketPath, 'restart', { path: 'x' }), { instanceOf: ControlError })) as ControlError;
  t.is(error.code, 'CONTROL_REMOTE_ERROR');
  t.is(error.context.remoteCode, 'CONTROL_UNKNOWN_PATH');
  t.is(error.context.remoteMessage, 'no actor at x');
});

test('a request the daemon would refuse is refused before connecting', async (t) => {
  const error = (await t.throwsAsync(controlRequest('/nonexistent/control.sock', 'restart', {}), {
    instanceOf: ControlError,
  })) as ControlError;
  t.is(error.code, 'CONTROL_BAD_REQUEST');
  t.is(error.context.field, 'args.path');
});
