import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki, type TestPki } from '../../sim/pki.js';
import { printerConfigFor, type SimulatedFleet, startSimulatedFleet } from '../../sim/printers/index.js';
import { startThingworxStandIn, type ThingworxStandIn } from '../../sim/thingworx/stand-in.js';
import { until } from '../support/until.js';

/** The developer bin (sources through tsx); the build test passes a compiled dist/cli/start.js instead. */
const CLI = join(process.cwd(), 'cli', 'bin', '3dconnect.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env, cli = CLI): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The same command in this process (the CLI's code over the real socket), without a process start per call. */
export async function runCliInProcess(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  const { runCli: run } = await import('../../cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    out: (line) => {
      stdout += `${line}\n`;
    },
    err: (line) => {
      stderr += `${line}\n`;
    },
    env,
  });
  return { code, stdout, stderr };
}

/** Listening TCP ports of a process, from /proc (Linux): its socket inodes matched against tcp/tcp6 in LISTEN. */
export function listeningTcpPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // fd closed while listing
    }
  }
  const ports: number[] = [];
  for (const table of [`/proc/${pid}/net/tcp`, `/proc/${pid}/net/tcp6`]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue;
      if (!inodes.has(cols[9] ?? '')) continue;
      ports.push(Number.parseInt((cols[1] ?? '').split(':')[1] ?? '0', 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

export interface DaemonFixture {
  dir: string;
  configFile: string;
  socket: string;
  appKey: string;
  env: NodeJS.ProcessEnv;
  ports: { beats: number; push: number };
  pki: TestPki;
  standIn: ThingworxStandIn;
  fleet: SimulatedFleet;
  rawConfig: Record<string, unknown>;
  /** printers[] entries for every simulated printer, configured or not (reload tests add the rest). */
  allPrinters: Record<string, unknown>[];
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  writeConfig(raw: Record<string, unknown>): void;
  stop(): Promise<void>;
}

export interface DaemonFixtureOptions {
  /** Things the stand-in knows from the start ('any' by default); others exist once created through provisioning. */
  standInThings?: readonly string[] | 'any';
  /** Runs after the config is written and before the daemon starts (e.g. `3dconnect provision`). */
  /** Node flags for the daemon process, e.g. the systemd unit's heap flags. */
  nodeArgs?: readonly string[];
  beforeStart?: (setup: {
    dir: string;
    configFile: string;
    env: NodeJS.ProcessEnv;
    appKey: string;
    pki: TestPki;
    standIn: ThingworxStandIn;
  }) => Promise<void>;
}

/** The real daemon as a child process, with the stand-in and simulated printers in this process. */
export async function startDaemonFixture(
  printers = 2,
  configured = printers,
  cli = CLI,
  options: DaemonFixtureOptions = {},
): Promise<DaemonFixture> {
  const dir = mkdtempSync(join(tmpdir(), '3dconnect-daemon-'));
  const pki = createTestPki();
  const appKey = `key-${randomBytes(12).toString('hex')}`;
  const standIn = await startThingworxStandIn({
    appKey,
    things: options.standInThings ?? 'any',
    tls: { cert: pki.serverCert, key: pki.serverKey },
  });
  const fleet = await startSimulatedFleet({
    count: printers,
    seed: 3,
    rates: { linesPerSecond: 20, metricDocsPerSecond: 1, pushMessagesPerSecond: 10 },
  });
  const ports = { beats: await freePort(), push: await freePort() };
  const socket = join(dir, 'run', 'control.sock');
  const configFile = join(dir, 'adapter.json');
  const env = { ...process.env, TEST_DAEMON_APP_KEY: appKey, ...fleet.pushTokenEnv(), LOG_LEVEL: 'info' };
  const rawConfig: Record<string, unknown> = {
    adapter: { id: 'daemon-test', thing: 'Adapter-daemon-test' },
    thingworx: {
      url: standIn.url.replace('127.0.0.1', 'localhost'),
      appKey: { env: 'TEST_DAEMON_APP_KEY' },
      tls: { caFile: pki.caCertFile },
      healthIntervalMs: 2_000,
    },
    listeners: {
      beats: { enabled: true, host: '127.0.0.1', port: ports.beats },
      push: { enabled: true, host: '127.0.0.1', port: ports.push, path: '/push/v1' },
    },
    control: { socket },
    uplink: { flushIntervalMs: 50 },
    printers: fleet.printers.slice(0, configured).map((sim) => printerConfigFor(sim, { pollIntervalMs: 1_000 })),
  };
  const writeConfig = (raw: Record<string, unknown>) => writeFileSync(configFile, JSON.stringify(raw, null, 2));
  writeConfig(rawConfig);
  await options.beforeStart?.({ dir, configFile, env, appKey, pki, standIn });

  const { child, exited, output } = spawnRun([...(options.nodeArgs ?? []), cli], configFile, env);
  // Generous: the daemon starts in about a second, but a loaded CI machine may take far longer.
  await until(
    () => {
      if (child.exitCode !== null) throw new Error(`daemon exited before it started:\n${output()}`);
      return output().includes('control socket ready');
    },
    { what: 'the control socket ready', timeoutMs: 40_000, everyMs: 100 },
  ).catch((error: unknown) => {
    throw new Error(`daemon did not start (${error instanceof Error ? error.message : String(error)}):\n${output()}`);
  });
  await fleet.start({ beats: { host: '127.0.0.1', port: ports.beats }, push: { url: `ws://127.0.0.1:${ports.push}/push/v1` } });

  return {
    dir,
    configFile,
    socket,
    appKey,
    env,
    ports,
    pki,
    standIn,
    fleet,
    rawConfig,
    allPrinters: fleet.printers.map((sim) => ({ ...printerConfigFor(sim, { pollIntervalMs: 1_000 }) })),
    child,
    exited,
    output,
    writeConfig,
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await fleet.stop();
      await standIn.stop();
      pki.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `node [nodeArgs…] CLI run --config FILE`, with stdout and stderr gathered into one text as they arrive. */
export function spawnRun(
  nodeAndCli: readonly string[],
  configFile: string,
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [...nodeAndCli, 'run', '--config', configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const gather = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', gather);
  child.stderr?.on('data', gather);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}
