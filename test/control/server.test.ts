import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../../config/logging.js';
import { ControlError } from '../../protocols/control/errors.js';
import type { ControlRequest } from '../../protocols/control/messages.js';
import { type ControlServerOptions, createControlServer } from '../../protocols/control/server.js';
import { adminSocketPathFor } from '../../protocols/control/socket-file.js';
import { until } from '../support/until.js';
import { createSocketDir, createStaleSocket, RawClient } from './harness.js';

type Handle = ControlServerOptions['handle'];

async function startServer(t: { teardown(fn: () => Promise<void>): void }, options: Partial<ControlServerOptions> = {}) {
  const dir = await createSocketDir();
  const socketPath = options.socketPath ?? dir.socket();
  const handled: ControlRequest[] = [];
  const handle: Handle =
    options.handle ??
    (async (request) => {
      handled.push(request);
      return { echo: request.cmd, args: 'args' in request ? request.args : null };
    });
  const server = await createControlServer({ socketPath, logger: silentLogger(), ...options, handle });
  t.teardown(async () => {
    await server.close();
    await dir.remove();
  });
  return { server, socketPath, dir, handled };
}

test('answers a request with its result and echoes the id', async (t) => {
  const { socketPath } = await startServer(t, { access: 'admin' });
  const client = await RawClient.connect(socketPath);
  client.send('{"id":"a1","cmd":"restart","args":{"path":"adapter/fleet/p01"}}\n');
  t.deepEqual(await client.line(0), { id: 'a1', ok: true, result: { echo: 'restart', args: { path: 'adapter/fleet/p01' } } });
  client.send('{"id":2,"cmd":"status"}\n');
  t.deepEqual(await client.line(1), { id: 2, ok: true, result: { echo: 'status', args: null } });
  client.destroy();
});

test('the read-only socket refuses restart with CONTROL_NOT_PERMITTED, logs it, and keeps answering views', async (t) => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const { socketPath, handled } = await startServer(t, { logger });
  const client = await RawClient.connect(socketPath);
  client.send('{"id":1,"cmd":"restart","args":{"path":"adapter/fleet/p01"}}\n');
  t.deepEqual(await client.line(0), {
    id: 1,
    ok: false,
    error: {
      code: 'CONTROL_NOT_PERMITTED',
      message: `restart is not allowed on the read-only socket ${socketPath}; the daemon's user and root may restart on ${adminSocketPathFor(socketPath)}`,
    },
  });
  t.deepEqual(handled, [], 'the handler never saw the restart');
  client.send('{"id":2,"cmd":"status"}\n');
  t.deepEqual(await client.line(1), { id: 2, ok: true, result: { echo: 'status', args: null } });
  client.destroy();
  const refused = lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.code === 'CONTROL_NOT_PERMITTED');
  t.is(refused.length, 1);
  t.like(refused[0], { level: 40, cmd: 'restart', msg: 'control request refused: not allowed on this socket' });
});

test('the admin socket is 0600 and takes restart; the read-only one is 0660', async (t) => {
  const readOnly = await startServer(t);
  const admin = await startServer(t, { socketPath: adminSocketPathFor(readOnly.socketPath), access: 'admin' });
  t.is(admin.socketPath, join(readOnly.dir.dir, 'control-admin.sock'));
  t.is((await stat(readOnly.socketPath)).mode & 0o777, 0o660);
  t.is((await stat(admin.socketPath)).mode & 0o777, 0o600);
  const client = await RawClient.connect(admin.socketPath);
  client.send('{"id":1,"cmd":"restart","args":{"path":"adapter/fleet/p01"}}\n');
  t.deepEqual(await client.line(0), { id: 1, ok: true, result: { echo: 'restart', args: { path: 'adapter/fleet/p01' } } });
  client.destroy();
});

test('adminSocketPathFor: next to the configured socket', (t) => {
  t.is(adminSocketPathFor('/run/3dconnect/control.sock'), '/run/3dconnect/control-admin.sock');
  t.is(adminSocketPathFor('/run/x/ctl'), '/run/x/ctl-admin');
});

test('ping is answered by the server itself', async (t) => {
  const { socketPath, handled } = await startServer(t);
  const client = await RawClient.connect(socketPath);
  client.send('{"id":1,"cmd":"ping"}\n');
  t.deepEqual(await client.line(0), { id: 1, ok: true, result: { pong: true } });
  t.is(handled.length, 0);
  client.destroy();
});

test('creates a missing directory 0750 and the socket 0660', async (t) => {
  const dir = await createSocketDir();
  const socketPath = join(dir.dir, 'run', '3dconnect', 'control.sock');
  const { server } = await startServer(t, { socketPath });
  t.teardown(() => dir.remove());
  t.is((await stat(socketPath)).mode & 0o777, 0o660);
  t.true((await stat(socketPath)).isSocket());
  t.is((await stat(join(dir.dir, 'run', '3dconnect'))).mode & 0o777, 0o750);
  t.is(server.socketPath, socketPath);
});

test('removes a stale socket file when nothing answers on it', async (t) => {
  const dir = await createSocketDir();
  t.teardown(() => dir.remove());
  const socketPath = dir.socket();
  await createStaleSocket(socketPath);
  t.true((await stat(socketPath)).isSocket());
  await startServer(t, { socketPath });
  const client = await RawClient.connect(socketPath);
  client.send('{"id":1,"cmd":"ping"}\n');
  t.like(await client.line(0), { id: 1, ok: true });
  client.destroy();
});

test('refuses to start while a live daemon answers on the socket, and leaves it alone', async (t) => {
  const { socketPath } = await startServer(t);
  const error = await t.throwsAsync(createControlServer({ socketPath, logger: silentLogger(), handle: async () => null }), {
    instanceOf: ControlError,
  });
  t.is(error?.code, 'CONTROL_SOCKET_IN_USE');
  t.regex(error?.message ?? '', /already listening/);
  const client = await RawClient.connect(socketPath);
  client.send('{"id":1,"cmd":"ping"}\n');
  t.like(await client.line(0), { id: 1, ok: true });
  client.destroy();
});

test('never removes a file that is not a socket', async (t) => {
  const dir = await createSocketDir();
  t.teardown(() => dir.remove());
  const socketPath = dir.socket();
  await writeFile(socketPath, 'not a socket');
  const error = await t.throwsAsync(createControlServer({ socketPath, logger: silentLogger(), handle: async () => null }));
  t.is((error as ControlError).code, 'CONTROL_SOCKET_PATH_OCCUPIED');
  t.true((await stat(socketPath)).isFile());
});

const BAD_LINES: Array<[string, string | Buffer, string, string | number | null]> = [
  ['not JSON', '{"id":1,"cmd":\n', 'CONTROL_BAD_JSON', null],
  ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), 'CONTROL_BAD_UTF8', null],
  ['an array', '[1,2]\n', 'CONTROL_BAD_REQUEST', null],
  ['no id', '{"cmd":"status"}\n', 'CONTROL_BAD_REQUEST', null],
  ['a negative id', '{"id":-1,"cmd":"status"}\n', 'CONTROL_BAD_REQUEST', null],
  ['an unknown command', '{"id":7,"cmd":"shutdown"}\n', 'CONTROL_UNKNOWN_COMMAND', 7],
  ['an unknown field', '{"id":8,"cmd":"status","as":"root"}\n', 'CONTROL_BAD_REQUEST', 8],
  ['arguments to status', '{"id":9,"cmd":"status","args":{"all":true}}\n', 'CONTROL_BAD_REQUEST', 9],
  ['restart without a path', '{"id":10,"cmd":"restart","args":{}}\n', 'CONTROL_BAD_REQUEST', 10],
  ['restart with a control character', '{"id":11,"cmd":"restart","args":{"path":"a\\u001b[2J"}}\n', 'CONTROL_BAD_REQUEST', 11],
];

for (const [what, line, code, id] of BAD_LINES) {
  test(`a request line with ${what} gets ${code}, its connection is closed, the server stays up`, async (t) => {
    const { socketPath, handled } = await startServer(t);
    const bad = await RawClient.connect(socketPath);
    bad.send(line);
    // A good request after the bad one on the same connection must not be answered.
    bad.send('{"id":99,"cmd":"status"}\n');
    const reply = (await bad.line(0)) as { id: unknown; ok: boolean; error: { code: string; message: string } };
    t.is(reply.ok, false);
    t.is(reply.error.code, code);
    t.is(reply.id, id);
    t.true(reply.error.message.length > 0);
    await bad.waitClosed();
    t.is(bad.lines.length, 1);
    t.is(handled.length, 0);

    const good = await RawClient.connect(socketPath);
    good.send('{"id":1,"cmd":"status"}\n');
    t.like(await good.line(0), { id: 1, ok: true });
    good.destroy();
  });
}

test('a line over the cap is refused before its newline arrives', async (t) => {
  const { socketPath, handled } = await startServer(t, { limits: { maxRequestLineBytes: 1024 } });
  const client = await RawClient.connect(socketPath);
  client.send(`{"id":1,"cmd":"status","pad":"${'x'.repeat(1100)}`);
  const reply = (await client.line(0)) as { ok: boolean; error: { code: string } };
  t.is(reply.error.code, 'CONTROL_LINE_TOO_LONG');
  await client.waitClosed();
  t.is(handled.length, 0);
});

test('blank lines are skipped, not refused', async (t) => {
  const { socketPath } = await startServer(t);
  const client = await RawClient.connect(socketPath);
  client.send('\n\r\n  \n{"id":1,"cmd":"ping"}\n');
  t.like(await client.line(0), { id: 1, ok: true });
  client.destroy();
});

test('pipelined requests are answered in order, one at a time', async (t) => {
  let running = 0;
  let overlapped = false;
  const handle: Handle = async (request) => {
    running += 1;
    overlapped ||= running > 1;
    // The first request takes longest: a reply out of order would show here. (The handler's time is the scenario.)
    await new Promise((resolve) => setTimeout(resolve, request.id === 1 ? 60 : 5));
    running -= 1;
    return request.id;
  };
  const { socketPath } = await startServer(t, { handle });
  const client = await RawClient.connect(socketPath);
  client.send('{"id":1,"cmd":"status"}\n{"id":2,"cmd":"printers"}\n{"id":3,"cmd":"uplink"}\n');
  t.like(await client.line(0), { id: 1, result: 1 });
  t.like(await client.line(1), { id: 2, result: 2 });
  t.like(await client.line(2), { id: 3, result: 3 });
  t.false(overlapped);
  client.destroy();
});

test('a handler error is an error reply; the connection stays open', async (t) => {
  const handle: Handle = async (request) => {
    if (request.cmd === 'restart') throw new ControlError('CONTROL_UNKNOWN_PATH', `no actor at ${request.args.path}`);
    if (request.cmd === 'printers') throw Object.assign(new Error('no actor running at adapter/fleet'), { code: 'NOT_RUNNING' });
    if (request.cmd === 'uplink') throw new Error('boom');
    if (request.cmd === 'metrics') return { big: 10n };
    return 'fine';
  };
  const { socketPath } = await startServer(t, { handle, access: 'admin' });
  const client = await RawClient.connect(socketPath);
  client.send('{"id":1,"cmd":"restart","args":{"path":"adapter/nope"}}\n');
  t.deepEqual(await client.line(0), {
    id: 1,
    ok: false,
    error: { code: 'CONTROL_UNKNOWN_PATH', message: 'no actor at adapter/nope' },
  });
  client.send('{"id":2,"cmd":"printers"}\n');
  t.like(await client.line(1), { id: 2, ok: false, error: { code: 'NOT_RUNNING' } });
  client.send('{"id":3,"cmd":"uplink"}\n');
  t.like(await client.line(2), { id: 3, ok: false, error: { code: 'CONTROL_INTERNAL', message: 'boom' } });
  client.send('{"id":4,"cmd":"metrics"}\n');
  t.like(await client.line(3), { id: 4, ok: false, error: { code: 'CONTROL_INTERNAL' } });
  client.send('{"id":5,"cmd":"status"}\n');
  t.deepEqual(await client.line(4), { id: 5, ok: true, result: 'fine' });
  client.destroy();
});

test('a handler that never answers times out with CONTROL_HANDLER_TIMEOUT', async (t) => {
  const { socketPath } = await startServer(t, {
    handle: () => new Promise(() => {}),
    limits: { handlerTimeoutMs: 100 },
  });
  const client = await RawClient.connect(socketPath);
  client.send('{"id":1,"cmd":"status"}\n');
  t.like(await client.line(0), { id: 1, ok: false, error: { code: 'CONTROL_HANDLER_TIMEOUT' } });
  client.destroy();
});

test('too many requests queued on one connection closes it', async (t) => {
  const { socketPath } = await startServer(t, {
    handle: () => new Promise(() => {}),
    limits: { maxQueuedRequests: 2, handlerTimeoutMs: 60_000 },
  });
  const client = await RawClient.connect(socketPath);
  client.send('{"id":1,"cmd":"status"}\n{"id":2,"cmd":"status"}\n{"id":3,"cmd":"status"}\n{"id":4,"cmd":"status"}\n');
  t.like(await client.line(0), { ok: false, error: { code: 'CONTROL_TOO_MANY_REQUESTS' } });
  await client.waitClosed();
});

test('connections over the cap are answered with an error and closed; the others go on', async (t) => {
  const { socketPath, server } = await startServer(t, { limits: { maxConnections: 1 } });
  const first = await RawClient.connect(socketPath);
  first.send('{"id":1,"cmd":"ping"}\n');
  await first.line(0);
  const second = await RawClient.connect(socketPath);
  t.deepEqual(await second.line(0), {
    id: null,
    ok: false,
    error: { code: 'CONTROL_TOO_MANY_CONNECTIONS', message: 'more than 1 control connections' },
  });
  await second.waitClosed();
  first.send('{"id":2,"cmd":"ping"}\n');
  t.like(await first.line(1), { id: 2, ok: true });
  first.destroy();
  await first.waitClosed();
  await until(() => server.connectionCount === 0, { what: 'the first connection gone from the count' });
  const third = await RawClient.connect(socketPath);
  third.send('{"id":3,"cmd":"ping"}\n');
  t.like(await third.line(0), { id: 3, ok: true });
  third.destroy();
});

test('an idle connection is closed', async (t) => {
  const { socketPath } = await startServer(t, { limits: { idleTimeoutMs: 150 } });
  const client = await RawClient.connect(socketPath);
  await client.waitClosed();
  t.is(client.lines.length, 0);
});

test('close ends open connections, removes the socket file, and can be called twice', async (t) => {
  const dir = await createSocketDir();
  t.teardown(() => dir.remove());
  const socketPath = dir.socket();
  const server = await createControlServer({ socketPath, logger: silentLogger(), handle: async () => null });
  const client = await RawClient.connect(socketPath);
  await Promise.all([server.close(), server.close()]);
  await client.waitClosed();
  await t.throwsAsync(stat(socketPath), { code: 'ENOENT' });
});
