/**
 * The security promises, proven on the running daemon as deployed: the compiled build
 * (dist/cli/start.js, as the unit and the image run it), a real process, the stand-in and simulated
 * printers on loopback.
 * - Nothing is written to disk: under load for 30 s, strace sees no file opened for writing, and no
 *   file created, renamed, removed or changed, outside /dev, /proc and the control socket's folder.
 * - Only the printer-facing ports listen; the control plane is the Unix socket alone.
 * - Secrets stay secret at LOG_LEVEL=trace, in every view (with and without --json), and in the
 *   errors of a broken config.
 * - TLS to ThingWorx fails closed against a server whose certificate does not chain to the CA.
 * The views at info level, the socket modes and a refused restart are in test/cli/daemon.test.ts;
 * TLS refusal at the transport level in test/thingworx/rest-transport.https.test.ts.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import test from 'ava';
import { freePort, listeningTcpPorts, runCli, spawnRun, startDaemonFixture } from '../cli/daemon-support.js';
import { observeQuietly } from '../support/observe.js';
import { until } from '../support/until.js';
import { fileWrites, WRITE_SYSCALLS } from './trace-support.js';

const buildDir = join(process.cwd(), '.tmp', `running-daemon-${randomBytes(6).toString('hex')}`);
const start = join(buildDir, 'dist', 'cli', 'start.js');
/** Runs dist/cli/start.js with LOG_LEVEL=trace, under strace when asked ($DAEMON_WRAP, JSON). */
const wrapper = join(buildDir, 'daemon-wrapper.mjs');
const TRACE_SECONDS = Number(process.env.TRACE_SECONDS ?? 30);
const straceMissing = spawnSync('sh', ['-c', 'command -v strace']).status !== 0;
if (straceMissing) console.log('SKIPPED: strace not installed — the no-disk-write proof not run');

test.before(async () => {
  await new Promise<void>((done, reject) => {
    execFile(
      process.execPath,
      [join('node_modules', '.bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', join(buildDir, 'dist')],
      { timeout: 90_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`tsc failed:\n${stdout}${stderr}`)) : done()),
    );
  });
  writeFileSync(
    wrapper,
    `import { spawn } from 'node:child_process';
const spec = JSON.parse(process.env.DAEMON_WRAP);
const node = [spec.start, ...process.argv.slice(2)];
const [command, args] = spec.traceFile
  ? ['strace', ['-f', '--seccomp-bpf', '-qq', '-o', spec.traceFile, '-e', 'trace=' + spec.syscalls, process.execPath, ...node]]
  : [process.execPath, node];
const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, LOG_LEVEL: spec.logLevel, DAEMON_WRAP: '' } });
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
`,
  );
});

test.after.always(() => rmSync(buildDir, { recursive: true, force: true }));

test('the trace reader finds writes, creations, renames and removals, and passes reads', (t) => {
  const trace = [
    '101 openat(AT_FDCWD, "/etc/3dconnect/adapter.yaml", O_RDONLY|O_CLOEXEC) = 21',
    '101 openat(AT_FDCWD, "/var/spool/x", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 22',
    '102 openat(AT_FDCWD, "cache.json", O_RDWR|O_CLOEXEC) = -1 ENOENT (No such file or directory)',
    '102 rename("/tmp/a", "/tmp/b") = 0',
    '103 unlinkat(AT_FDCWD, "/run/x.sock", 0) = 0',
    '103 mkdir("/var/lib/3dconnect", 0755) = -1 EROFS (Read-only file system)',
    '103 +++ exited with 0 +++',
  ].join('\n');
  t.deepEqual(
    fileWrites(trace, '/work').map((write) => write.path),
    ['/var/spool/x', '/work/cache.json', '/tmp/a', '/tmp/b', '/run/x.sock', '/var/lib/3dconnect'],
  );
});

interface Wrap {
  start: string;
  logLevel: string;
  traceFile?: string;
  syscalls?: string;
}

/** The daemon fixture (test/cli/daemon-support.ts) through the wrapper: the env reaches its child. */
async function startWrappedDaemon(wrap: Wrap, printers: number) {
  const saved = process.env.DAEMON_WRAP;
  process.env.DAEMON_WRAP = JSON.stringify(wrap);
  try {
    return await startDaemonFixture(printers, printers, wrapper);
  } finally {
    if (saved === undefined) delete process.env.DAEMON_WRAP;
    else process.env.DAEMON_WRAP = saved;
  }
}

/** The daemon's own process: the wrapper's child (node, or strace's child node). */
function daemonPid(wrapperPid: number): number {
  const childrenOf = (pid: number) =>
    readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  let pid = wrapperPid;
  for (let depth = 0; depth < 3; depth++) {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (comm !== 'strace' && cmdline.includes(start) && pid !== wrapperPid) return pid;
    const [child] = childrenOf(pid);
    if (child === undefined) break;
    pid = child;
  }
  throw new Error(`no daemon process under ${wrapperPid}`);
}

/** Between two rounds of views under the traced load: the views come now and then, the printers all the time. */
const VIEW_ROUND_GAP_MS = 3_000;

// Serial: each test hands its wrapper spec to the fixture through process.env.
(straceMissing ? test.skip : test.serial)(
  `under load for ${TRACE_SECONDS} s at LOG_LEVEL=trace: no file written, only the printer-facing ports listen, no secret in any output`,
  async (t) => {
    t.timeout((TRACE_SECONDS + 150) * 1000);
    const traceFile = join(buildDir, `strace-${randomBytes(4).toString('hex')}.log`);
    const daemon = await startWrappedDaemon({ start, logLevel: 'trace', traceFile, syscalls: WRITE_SYSCALLS }, 6);
    t.teardown(() => daemon.stop());
    const pid = daemonPid(daemon.child.pid!);
    // strace keeps signals to itself: they go to the daemon itself; the wrapper follows it out.
    t.teardown(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const socketDir = dirname(daemon.socket);

    // Load: six printers of every family shipping and pushing, every view asked for now and then.
    const began = Date.now();
    const secrets = [daemon.appKey, ...Object.values(daemon.fleet.pushTokenEnv())];
    let viewOutput = '';
    while (Date.now() - began < TRACE_SECONDS * 1000) {
      for (const view of ['status', 'printers', 'uplink', 'metrics', 'config']) {
        for (const json of [[], ['--json']]) {
          const result = await runCli([view, ...json, '--socket', daemon.socket], daemon.env, start);
          t.is(result.code, 0, `${view}: ${result.stderr}`);
          viewOutput += result.stdout + result.stderr;
        }
      }
      await observeQuietly(VIEW_ROUND_GAP_MS, 'the load runs alone between two rounds of views');
    }
    t.true(daemon.standIn.records.length > 1_000, `${daemon.standIn.records.length} readings delivered under the trace`);

    // Ports, while it runs: Beats and push, nothing else; the control plane is the Unix socket.
    t.deepEqual(
      listeningTcpPorts(pid),
      [daemon.ports.beats, daemon.ports.push].sort((a, b) => a - b),
    );
    const unixSockets = readFileSync(`/proc/${pid}/net/unix`, 'utf8');
    t.true(unixSockets.includes(daemon.socket));

    process.kill(pid, 'SIGTERM');
    t.is(await daemon.exited, 0, daemon.output().slice(-2000));

    const trace = readFileSync(traceFile, 'utf8');
    t.true(trace.includes(`"${daemon.configFile}", O_RDONLY`), 'the trace saw the daemon read its config');
    t.true(trace.includes(daemon.socket), 'the trace saw the control socket');
    const allowed = (path: string) =>
      path.startsWith('/dev/') || path.startsWith('/proc/') || path === socketDir || path.startsWith(`${socketDir}/`);
    const writes = fileWrites(trace, process.cwd()).filter((write) => !allowed(write.path));
    t.deepEqual(
      writes.map((write) => write.line),
      [],
      'file-system writes outside /dev, /proc and the socket folder',
    );

    // At trace level the log is long, and holds no secret; nor does any view.
    // (No line is logged at trace itself today; debug lines show the level took effect.)
    t.regex(daemon.output(), /"level":(10|20)\b/, 'the daemon logged below info');
    for (const secret of secrets) {
      t.false(daemon.output().includes(secret), 'a secret in the daemon log');
      t.false(viewOutput.includes(secret), 'a secret in a view');
    }
    const seconds = (Date.now() - began) / 1000;
    t.log(
      `traced ${seconds.toFixed(0)} s: ${trace.split('\n').length} file-system calls, ${daemon.standIn.records.length} readings, ${daemon.output().length} bytes of log`,
    );
  },
);

test.serial('a broken config: run and check-config name the error, never the app key or a push token', async (t) => {
  const daemon = await startWrappedDaemon({ start, logLevel: 'trace' }, 2);
  t.teardown(() => daemon.stop());
  daemon.child.kill('SIGTERM');
  await daemon.exited;
  const secrets = [daemon.appKey, ...Object.values(daemon.fleet.pushTokenEnv())];
  const broken = structuredClone(daemon.rawConfig) as { thingworx: Record<string, unknown>; printers: Record<string, unknown>[] };
  broken.thingworx.url = 'ftp://twx.invalid';
  broken.printers[0]!.address = 'not-an-address';
  broken.printers[1]!.pushToken = { env: Object.keys(daemon.fleet.pushTokenEnv())[0] };
  (broken.printers[1] as Record<string, unknown>).unknownKey = true;
  daemon.writeConfig(broken);
  const env = { ...daemon.env, LOG_LEVEL: 'trace' };
  for (const args of [
    ['run', '--config', daemon.configFile],
    ['check-config', daemon.configFile],
  ]) {
    const result = await runCli(args, env, start);
    t.not(result.code, 0, args[0]);
    const output = result.stdout + result.stderr;
    t.regex(output, /printers\[0\]\.address/, args[0]);
    for (const secret of secrets) t.false(output.includes(secret), `${args[0]} shows a secret`);
  }
});

test.serial(
  'TLS to ThingWorx fails closed: a server certificate not chaining to the configured CA gets no request, and the uplink says so',
  async (t) => {
    const daemon = await startWrappedDaemon({ start, logLevel: 'info' }, 1);
    t.teardown(() => daemon.stop());
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    const requestsBefore = daemon.standIn.counters.requests;

    // The same daemon, trusting another CA only.
    const raw = structuredClone(daemon.rawConfig) as {
      thingworx: { tls: Record<string, unknown> };
      listeners: { beats: { port: number }; push: { port: number } };
      control: { socket: string };
    };
    raw.thingworx.tls = { caFile: daemon.pki.otherCaCertFile };
    raw.listeners.beats.port = await freePort();
    raw.listeners.push.port = await freePort();
    raw.control.socket = join(daemon.dir, 'run', 'other-ca.sock');
    const configFile = join(daemon.dir, 'other-ca.json');
    writeFileSync(configFile, JSON.stringify(raw));
    const { child, exited, output } = spawnRun([start], configFile, daemon.env);
    t.teardown(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    let session = '';
    await until(
      async () => {
        if (!output().includes('control socket ready')) return false;
        const uplink = await runCli(['uplink', '--json', '--socket', raw.control.socket], daemon.env, start);
        if (uplink.code === 0) session = (JSON.parse(uplink.stdout) as { session: string }).session;
        return session !== '' && output().includes('TWX_TLS_UNTRUSTED');
      },
      { what: 'the uplink session and TWX_TLS_UNTRUSTED', timeoutMs: 30_000, everyMs: 250 },
    ).catch(() => {}); // the assertions below say which is missing
    t.not(session, 'ready');
    t.regex(output(), /TWX_TLS_UNTRUSTED/, output().slice(-3000));
    t.is(daemon.standIn.counters.requests, requestsBefore, 'no request reached the server: the app key never left');
    t.false(output().includes(daemon.appKey));
    child.kill('SIGTERM');
    await exited;
  },
);
