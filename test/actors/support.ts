import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../config/logging.js';
import type { AdapterConfig } from '../../config/types.js';
import { validateConfig } from '../../config/validate.js';

export interface TestAdapterPorts {
  thingworxUrl: string;
  caFile?: string;
  printers: { id: string; family: string; pipPort: number; hostName?: string; pushTokenEnv?: string }[];
}

let socketDir: string | undefined;
let sockets = 0;

/** A fresh control socket path in one temporary directory per test process, removed when it exits. */
function controlSocketPath(): string {
  if (socketDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), '3dconnect-ctl-'));
    socketDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  sockets += 1;
  return join(socketDir, `control-${sockets}.sock`);
}

/** A complete, validated config for an adapter on loopback; throws with every error if it is not valid. */
export function testAdapterConfig(ports: TestAdapterPorts, overrides: Record<string, unknown> = {}): AdapterConfig {
  const raw = {
    adapter: { id: 'test-adapter', thing: 'Adapter-test' },
    log: { level: 'silent' },
    thingworx: {
      url: ports.thingworxUrl,
      appKey: { env: 'TEST_TWX_APP_KEY' },
      tls: { ...(ports.caFile ? { caFile: ports.caFile } : {}), allowSelfSigned: false, allowInsecureHttp: false },
      requestTimeoutMs: 5000,
      healthIntervalMs: 2000,
    },
    listeners: {
      beats: { enabled: true, host: '127.0.0.1', port: 0 },
      push: { enabled: true, host: '127.0.0.1', port: 0, path: '/push/v1' },
    },
    control: { socket: controlSocketPath() },
    uplink: { flushIntervalMs: 50, backoff: { minMs: 100, maxMs: 1000 } },
    supervision: {
      printer: { intensity: 5, periodMs: 10_000, backoff: { minMs: 50, maxMs: 500 } },
      fleet: { intensity: 10, periodMs: 10_000, parkRetryMs: 2_000 },
      adapter: { intensity: 10, periodMs: 10_000, backoff: { minMs: 50, maxMs: 500 } },
    },
    health: { staleAfterMs: { filebeat: 5000, metricbeat: 5000, poll: 3000, push: 5000 }, offlineAfterMs: 10_000 },
    printers: ports.printers.map((p) => ({
      id: p.id,
      family: p.family,
      thing: `Printer-${p.id}`,
      address: `127.0.0.1:${p.pipPort}`,
      identity: { hostName: p.hostName ?? p.id },
      pollIntervalMs: 500,
      ...(p.pushTokenEnv ? { pushToken: { env: p.pushTokenEnv } } : {}),
      limits: [],
    })),
    ...overrides,
  };
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(`test config invalid:\n${result.errors.join('\n')}`);
  return result.config;
}

export const quietLogger = silentLogger;
