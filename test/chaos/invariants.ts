/**
 * What must hold after (and during) every chaos run, each as a plain check over what the system
 * shows from outside: the simulators' ledger, the stand-in's records, the registry, the uplink's status.
 */
import { UPLINK_PATH } from '../../actors/paths.js';
import type { Registry } from '../../supervision/index.js';

export const INVARIANT_DEFAULTS = {
  /** How often the tree's statuses are looked at while waiting for convergence. */
  convergencePollMs: 100,
  /** A running actor must answer a ping within this. */
  pingTimeoutMs: 5_000,
  /** Memory samples: uplink queue, RSS, mailbox depths. */
  sampleEveryMs: 500,
  uplinkAskMs: 1_000,
  /**
   * A mailbox this deep means an actor has stopped keeping up. Messages carry whole batches; the
   * busiest mailbox (ingress, every window and push message of 20 printers) peaks at a few hundred
   * while this one process also runs the simulators and the stand-in.
   */
  mailboxDepthCap: 5_000,
} as const;

export { accountDeliveries, type DeliveryAccount, eventTotals } from '../../sim/printers/delivery-account.js';

export interface Convergence {
  converged: boolean;
  tookMs: number;
  /** Actors not running at the deadline, with their status. */
  notRunning: string[];
}

/** Waits until every actor the registry knows is `running`, up to `deadlineMs`. */
export async function waitForAllRunning(registry: Registry, deadlineMs: number): Promise<Convergence> {
  const startedAt = Date.now();
  const notRunning = () => registry.snapshot().flatMap((row) => (row.status === 'running' ? [] : [`${row.path}:${row.status}`]));
  for (;;) {
    const waiting = notRunning();
    const tookMs = Date.now() - startedAt;
    if (waiting.length === 0) return { converged: true, tookMs, notRunning: [] };
    if (tookMs > deadlineMs) return { converged: false, tookMs, notRunning: waiting };
    await new Promise((resolve) => setTimeout(resolve, INVARIANT_DEFAULTS.convergencePollMs));
  }
}

/** No zombies: the actors the registry calls running that do not answer a ping. */
export async function unansweredPings(registry: Registry): Promise<string[]> {
  const running = registry.snapshot().filter((row) => row.status === 'running');
  const answers = await Promise.all(
    running.map(async (row) => [row.path, await registry.ping(row.path, INVARIANT_DEFAULTS.pingTimeoutMs)] as const),
  );
  return answers.flatMap(([path, answered]) => (answered ? [] : [path]));
}

export interface MemoryCaps {
  rssMb: number;
  mailboxDepth: number;
  /** The uplink's configured caps (not what it reports about itself). */
  queueReadings: number;
  queueBytes: number;
}

export interface MemoryReport {
  samples: number;
  /** Samples in which the uplink answered (it may be restarting). */
  queueSamples: number;
  maxQueueReadings: number;
  maxQueueBytes: number;
  maxRssMb: number;
  maxMailboxDepth: number;
  /** Where the deepest mailbox was seen. */
  maxMailboxPath: string;
  violations: string[];
}

/**
 * Bounded memory, sampled while the run goes on: the uplink queue within its configured caps, the
 * process's RSS and every mailbox within the caps given.
 */
export function startMemorySampler(registry: Registry, caps: MemoryCaps): { stop(): MemoryReport } {
  const report: MemoryReport = {
    samples: 0,
    queueSamples: 0,
    maxQueueReadings: 0,
    maxQueueBytes: 0,
    maxRssMb: 0,
    maxMailboxDepth: 0,
    maxMailboxPath: '',
    violations: [],
  };
  const violation = (text: string) => {
    // One line per kind of breach is enough to act on; later samples only repeat it.
    const kind = text.slice(0, text.indexOf(':'));
    if (!report.violations.some((line) => line.startsWith(`${kind}:`))) report.violations.push(text);
  };
  let sampling = false;
  const sample = async () => {
    if (sampling) return;
    sampling = true;
    try {
      report.samples += 1;
      const rssMb = process.memoryUsage().rss / 2 ** 20;
      report.maxRssMb = Math.max(report.maxRssMb, rssMb);
      if (rssMb > caps.rssMb) violation(`rss: ${rssMb.toFixed(1)} MB over the ${caps.rssMb} MB cap`);
      for (const row of registry.snapshot()) {
        if (row.mailboxDepth > report.maxMailboxDepth) {
          report.maxMailboxDepth = row.mailboxDepth;
          report.maxMailboxPath = row.path;
        }
        if (row.mailboxDepth > caps.mailboxDepth)
          violation(`mailbox: ${row.path} holds ${row.mailboxDepth} messages, cap ${caps.mailboxDepth}`);
      }
      const status = await registry.ask(UPLINK_PATH, { type: 'Describe' }, INVARIANT_DEFAULTS.uplinkAskMs).catch(() => undefined);
      if (!status) return;
      const { queue } = status;
      report.queueSamples += 1;
      report.maxQueueReadings = Math.max(report.maxQueueReadings, queue.readings);
      report.maxQueueBytes = Math.max(report.maxQueueBytes, queue.bytes);
      if (queue.readings > caps.queueReadings) violation(`queue-readings: ${queue.readings} queued, cap ${caps.queueReadings}`);
      if (queue.bytes > caps.queueBytes) violation(`queue-bytes: ${queue.bytes} bytes queued, cap ${caps.queueBytes}`);
    } finally {
      sampling = false;
    }
  };
  const timer = setInterval(() => void sample(), INVARIANT_DEFAULTS.sampleEveryMs);
  return {
    stop() {
      clearInterval(timer);
      return { ...report, maxRssMb: Math.round(report.maxRssMb * 10) / 10, violations: [...report.violations] };
    },
  };
}
