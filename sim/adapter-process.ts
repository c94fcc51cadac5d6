/**
 * The adapter as its own process (`3dconnect run --config FILE`), for the demo: so its memory is its
 * own, measured apart from the simulators' and the stand-in's, as it runs deployed. It logs JSON on
 * stdout; its listeners' ports are read from the lines that announce them.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export const ADAPTER_PROCESS_DEFAULTS = {
  startTimeoutMs: 60_000,
  /** SIGTERM lets it drain; SIGKILL after this. */
  stopTimeoutMs: 15_000,
  /** Its last lines kept, to say why it did not start. */
  keptLines: 20,
} as const;

export interface AdapterProcess {
  pid: number;
  ports: { beats: number; push: number };
  /** Resident memory in MiB now (from /proc, or ps). */
  rssMb(): number;
  exited(): boolean;
  stop(): Promise<number | null>;
}

export interface AdapterProcessOptions {
  configFile: string;
  env: NodeJS.ProcessEnv;
  /** How to run `3dconnect`: node's arguments before `run --config FILE`. Default: this process's own entry script. */
  command?: readonly string[];
  startTimeoutMs?: number;
}

export function rssMbOfProcess(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match?.[1]) return Number(match[1]) / 1024;
  } catch {
    // No /proc (macOS): ask ps.
  }
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
  } catch {
    return Number.NaN;
  }
}

function portAnnounced(line: string): { msg: string; port: number } | undefined {
  try {
    const record = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return typeof record.msg === 'string' && typeof record.port === 'number' ? { msg: record.msg, port: record.port } : undefined;
  } catch {
    return undefined;
  }
}

export function startAdapterProcess(options: AdapterProcessOptions): Promise<AdapterProcess> {
  const entry = options.command ?? [...process.execArgv, process.argv[1] ?? ''];
  // Its own process group: a Ctrl-C at the terminal reaches the demo alone, which drains the printers
  // before it stops the adapter; an adapter stopping on its own meanwhile would leave events unacknowledged.
  const child: ChildProcess = spawn(process.execPath, [...entry, 'run', '--config', options.configFile], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // Whatever way the demo ends, its adapter does not outlive it.
  const orphanGuard = () => child.kill('SIGTERM');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  const { pid, stdout, stderr } = child;
  if (pid === undefined || !stdout || !stderr) return Promise.reject(new Error('demo: could not start the adapter process'));
  const lastLines: string[] = [];
  const keep = (line: string) => {
    lastLines.push(line.slice(0, 300));
    if (lastLines.length > ADAPTER_PROCESS_DEFAULTS.keptLines) lastLines.shift();
  };
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal === null ? null : -1);
      resolve(exitCode);
    }),
  );
  createInterface({ input: stderr }).on('line', keep);
  const ports: { beats?: number; push?: number } = {};
  return new Promise((resolve, reject) => {
    let ready = false;
    let controlReady = false;
    const fail = (why: string) => {
      if (ready) return;
      ready = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`demo: ${why}; its last lines:\n${lastLines.join('\n')}`));
    };
    const timer = setTimeout(
      () => fail('the adapter did not open its listeners and control socket in time'),
      options.startTimeoutMs ?? ADAPTER_PROCESS_DEFAULTS.startTimeoutMs,
    );
    void exit.then((code) => fail(`the adapter exited (${code}) before it was ready`));
    createInterface({ input: stdout }).on('line', (line) => {
      keep(line);
      if (ready) return;
      const announced = portAnnounced(line);
      if (announced?.msg === 'beats listener ready') ports.beats = announced.port;
      if (announced?.msg === 'push listener ready') ports.push = announced.port;
      // The control socket opens last: until then a view asked for says there is no daemon.
      if (line.includes('"msg":"control socket ready"')) controlReady = true;
      if (ports.beats === undefined || ports.push === undefined || !controlReady) return;
      ready = true;
      clearTimeout(timer);
      resolve({
        pid,
        ports: { beats: ports.beats, push: ports.push },
        rssMb: () => rssMbOfProcess(pid),
        exited: () => exitCode !== undefined,
        async stop() {
          if (exitCode !== undefined) return exitCode;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), ADAPTER_PROCESS_DEFAULTS.stopTimeoutMs);
          const code = await exit;
          clearTimeout(killer);
          return code;
        },
      });
    });
  });
}
