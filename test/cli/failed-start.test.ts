/**
 * A start that fails must end the process with a non-zero code and release what it opened, so that
 * systemd's Restart=on-failure fires and the restarted daemon finds its ports free.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import test from 'ava';
import { startDaemon as startDaemonInProcess } from '../../actors/daemon.js';
import { createLogger } from '../../config/logging.js';
import { validateConfig } from '../../config/validate.js';
import { freePort } from './daemon-support.js';
import { CHILD_DEFAULTS, RUN_DEFAULTS } from '../../config/defaults.js';

const CLI = join(process.cwd(), 'cli', 'bin', '3dconnect.js');
const STUCK_DAEMON = join(process.cwd(), 'test', 'cli', 'stuck-init-daemon.ts');
/** The start budget (a worker's init) plus the exit grace, with a wide margin for a loaded machine. */
const EXIT_WITHIN_MS = CHILD_DEFAULTS.worker.startTimeoutMs + RUN_DEFAULTS.exitGraceMs + 20_000;

interface Started {
  dir: string;
  socket: string;
  ports: { beats: number; push: number };
  child: ChildProcess;
  output(): string;
  /** How it ended; `late` when it was still running after EXIT_WITHIN_MS (then the test kills it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; late: boolean }>;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function startDaemon(command: string[], ports: { beats: number; push: number }): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), '3dconnect-failed-start-'));
  const socket = join(dir, 'control.sock');
  const configFile = join(dir, 'adapter.json');
  const config = {
    adapter: { id: 'failed-start', thing: 'Adapter-failed-start' },
    // Nothing listens there: the uplink starts all the same and retries in the background.
    thingworx: { url: `https://127.0.0.1:${await freePort()}`, appKey: { env: 'TEST_APP_KEY' } },
    listeners: {
      beats: { enabled: true, host: '127.0.0.1', port: ports.beats },
      push: { enabled: true, host: '127.0.0.1', port: ports.push, path: '/push/v1' },
    },
    control: { socket },
    printers: [],
  };
  writeFileSync(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, [...command, 'run', '--config', configFile], {
    env: { ...process.env, TEST_APP_KEY: 'not-a-real-key', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; late: boolean }>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, signal: null, late: true });
    }, EXIT_WITHIN_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, late: false });
    });
  });
  return { dir, socket, ports, child, output: () => output, exited };
}

test('the push port taken: the daemon closes the Beats listener it had opened and exits 70 on its own', async (t) => {
  const ports = { beats: await freePort(), push: await freePort() };
  const squatter = await listen(ports.push);
  t.teardown(() => close(squatter));
  const daemon = await startDaemon([CLI], ports);
  t.teardown(() => {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    rmSync(daemon.dir, { recursive: true, force: true });
  });

  const { code } = await daemon.exited;
  t.is(code, 70, `the daemon did not exit with 70:\n${daemon.output()}`);
  t.regex(daemon.output(), /"msg":"beats listener ready"/, 'the Beats listener had opened before the push listener failed');
  t.regex(daemon.output(), /EADDRINUSE/);
  t.regex(daemon.output(), /"level":60,.*"msg":"the adapter could not start; what it had opened is closed"/);
  // Nothing was left holding the process: it ended by itself, not by the exit grace timer.
  t.notRegex(daemon.output(), /still running after the adapter ended/);
  // A restarted daemon (or anyone) can take the Beats port again.
  await close(await listen(ports.beats));
  t.false(existsSync(daemon.socket), 'no control socket is left behind');
});

test('an init that never returns: the start times out, the tree is stopped, the process exits 70', async (t) => {
  const ports = { beats: await freePort(), push: await freePort() };
  const daemon = await startDaemon(['--import', 'tsx', STUCK_DAEMON, 'timer'], ports);
  t.teardown(() => {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    rmSync(daemon.dir, { recursive: true, force: true });
  });

  const { code } = await daemon.exited;
  t.is(code, 70, `the daemon did not exit with 70:\n${daemon.output()}`);
  t.regex(daemon.output(), /"msg":"push listener ready"/, 'the listeners had opened before the stuck actor');
  t.regex(daemon.output(), /adapter\/stuck did not start within \d+ ms/);
  t.regex(daemon.output(), /"msg":"the adapter could not start; what it had opened is closed"/);
  // The stuck init's timer still held the process; the exit grace ended it, saying what held it.
  t.regex(daemon.output(), /still running after the adapter ended; exiting/);
  await close(await listen(ports.beats));
  await close(await listen(ports.push));
  t.false(existsSync(daemon.socket), 'the control socket was removed');
});

test('in process: a bind to every interface is logged at start, and a start failure at fatal with its cause', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), '3dconnect-failed-start-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const result = validateConfig({
    adapter: { id: 'failed-start', thing: 'Adapter-failed-start' },
    // Not set in this process: the uplink, first to start, fails before any listener binds.
    thingworx: { url: 'https://127.0.0.1:1', appKey: { env: 'TEST_FAILED_START_UNSET_KEY' } },
    listeners: { beats: { enabled: true, host: '0.0.0.0', port: 5044 } },
    control: { socket: join(dir, 'control.sock') },
    printers: [],
  });
  if (!result.ok) return t.fail(result.errors.join('; '));
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  await t.throwsAsync(startDaemonInProcess(result.config, { logger }), { message: /TEST_FAILED_START_UNSET_KEY/ });
  t.like(
    lines.find((line) => line.path === 'listeners.beats.host'),
    { level: 40, msg: "0.0.0.0 listens on every interface; bind the address that faces the printers' network instead" },
  );
  const fatal = lines.find((line) => line.level === 60);
  t.is(fatal?.msg, 'the adapter could not start; what it had opened is closed');
  t.like(fatal?.err, { code: 'TREE_START_FAILED' });
  t.false(
    lines.some((line) => line.msg === 'beats listener ready'),
    'nothing was bound',
  );
});

test('an init stuck reading a FIFO: process.exit would wait for that thread forever, so the process kills itself', async (t) => {
  const ports = { beats: await freePort(), push: await freePort() };
  const fifoDir = mkdtempSync(join(tmpdir(), '3dconnect-fifo-'));
  const fifo = join(fifoDir, 'never-written');
  execFileSync('mkfifo', [fifo]);
  const daemon = await startDaemon(['--import', 'tsx', STUCK_DAEMON, fifo], ports);
  t.teardown(() => {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    rmSync(daemon.dir, { recursive: true, force: true });
    rmSync(fifoDir, { recursive: true, force: true });
  });

  const ended = await daemon.exited;
  t.false(ended.late, `the daemon was still running:\n${daemon.output()}`);
  // Not a clean exit: systemd's Restart=on-failure restarts it.
  t.is(ended.signal, 'SIGKILL');
  t.regex(daemon.output(), /adapter\/stuck did not start within \d+ ms/);
  t.regex(
    daemon.output(),
    /"level":60,.*"msg":"still running after the adapter ended, with a file-system call stuck; killing the process"/,
  );
  await close(await listen(ports.beats));
  await close(await listen(ports.push));
});
