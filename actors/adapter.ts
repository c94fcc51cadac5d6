import type { AdapterConfig, PrinterConfig } from '../config/types.js';
import type { Logger } from '../config/logging.js';
import { type ChildSpec, startTree, supervisorSpec, type Tree, type TreeEscalation, workerSpec } from '../supervision/index.js';
import { collectorBehaviour } from './collector/behaviour.js';
import { controlBehaviour } from './control/behaviour.js';
import { DropLedger } from './drop-ledger.js';
import type { AdapterEnvironment } from './environment.js';
import { healthBehaviour } from './health/behaviour.js';
import { ingressBehaviour } from './ingress/behaviour.js';
import { ADAPTER_PATH } from './paths.js';
import { pollerBehaviour } from './poller/behaviour.js';
import { uplinkBehaviour } from './uplink/behaviour.js';
import { ADAPTER_TREE_DEFAULTS } from '../config/defaults.js';

/**
 * One printer's subtree. one_for_one: collector, poller and health each keep their own state and
 * talk only by path, so one of them dying leaves the others' work (held Beats windows, alert state)
 * intact; a lost message between them is recovered by the delivery protocol, not by restarting all.
 */
export function printerSpec(env: AdapterEnvironment, printer: PrinterConfig): ChildSpec {
  const policy = env.config.supervision.printer;
  return supervisorSpec(
    printer.id,
    { strategy: 'one_for_one', intensity: policy.intensity, periodMs: policy.periodMs, backoff: policy.backoff },
    [
      workerSpec('collector', collectorBehaviour(env, printer)),
      workerSpec('poller', pollerBehaviour(env, printer)),
      workerSpec('health', healthBehaviour(env, printer)),
    ],
    {
      // A printer that keeps failing is parked by the fleet and retried later; it never takes the fleet down.
      park: { retryMs: env.config.supervision.fleet.parkRetryMs },
      // A reload replaces this subtree only when what it was built from changed.
      fingerprint: JSON.stringify({ printer, family: env.config.catalog.families[printer.family] }),
    },
  );
}

/**
 * The adapter tree of ARCHITECTURE.md §1. Start order is the data path backwards: the uplink before
 * ingress before the fleet, so nothing is accepted that has nowhere to go; shutdown runs in reverse.
 */
export function adapterSpec(env: AdapterEnvironment, extra: readonly ChildSpec[] = []): ChildSpec {
  const { supervision } = env.config;
  return supervisorSpec(
    ADAPTER_PATH,
    {
      strategy: 'one_for_one',
      intensity: supervision.adapter.intensity,
      periodMs: supervision.adapter.periodMs,
      backoff: supervision.adapter.backoff,
    },
    [
      workerSpec('uplink', uplinkBehaviour(env), { shutdownMs: ADAPTER_TREE_DEFAULTS.uplinkShutdownMs }),
      workerSpec('ingress', ingressBehaviour(env), { shutdownMs: ADAPTER_TREE_DEFAULTS.ingressShutdownMs }),
      supervisorSpec(
        'fleet',
        { strategy: 'one_for_one', intensity: supervision.fleet.intensity, periodMs: supervision.fleet.periodMs },
        // Read at every start of the fleet and on reload (registry.reconcile): the current printers.
        () => env.config.printers.map((printer) => printerSpec(env, printer)),
      ),
      // Last to start, first to stop: operators see the tree only once it exists.
      workerSpec('control', controlBehaviour(env)),
      ...extra,
    ],
  );
}

export interface StartAdapterOptions {
  logger: Logger;
  /** Actors started after the rest of the tree and stopped before it (tests add probes here). */
  extra?: readonly ChildSpec[];
  onEscalate?: (escalation: TreeEscalation) => void;
}

export function adapterEnvironment(config: AdapterConfig, overrides: Partial<AdapterEnvironment> = {}): AdapterEnvironment {
  return { config, now: Date.now, drops: new DropLedger(), ...overrides };
}

export async function startAdapter(env: AdapterEnvironment, options: StartAdapterOptions): Promise<Tree> {
  return startTree(adapterSpec(env, options.extra), {
    logger: options.logger,
    ...(options.onEscalate ? { onEscalate: options.onEscalate } : {}),
  });
}
