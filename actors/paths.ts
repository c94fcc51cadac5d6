/**
 * Where each actor of the tree lives (ARCHITECTURE.md §1), as typed addresses: each says what the
 * actor there handles and what its asks answer, so `registry.tell(UPLINK_PATH, …)` takes only an
 * UplinkMessage. This is the one place that declares them (see supervision/README.md).
 */
import { type ActorAddress, actorAddress, type ReconcileRequest, type ReconcileResult } from '../supervision/index.js';
import type { CollectorMessage, CollectorView } from './collector/messages.js';
import type { ControlMessage } from './control/messages.js';
import type { HealthView } from './health/behaviour.js';
import type { HealthMessage } from './health/messages.js';
import type { IngressMessage, IngressView } from './ingress/messages.js';
import type { PollerMessage, PollerView } from './poller/messages.js';
import type { UplinkMessage } from './uplink/messages.js';
import type { UplinkStatus } from './uplink/status.js';

/** A supervisor's only message from outside is the reconcile ask (registry.reconcile). */
export type SupervisorAddress = ActorAddress<ReconcileRequest, ReconcileResult>;

export const ADAPTER_PATH: SupervisorAddress = actorAddress('adapter');
export const UPLINK_PATH = actorAddress<UplinkMessage, UplinkStatus>(`${ADAPTER_PATH}/uplink`);
export const INGRESS_PATH = actorAddress<IngressMessage, IngressView>(`${ADAPTER_PATH}/ingress`);
export const FLEET_PATH: SupervisorAddress = actorAddress(`${ADAPTER_PATH}/fleet`);
/** The control actor answers no ask: it talks to the CLI over its own sockets. */
export const CONTROL_PATH = actorAddress<ControlMessage, never>(`${ADAPTER_PATH}/control`);

/**
 * Paths under a printer are built once per printer and reused: a tell hashes its path for the registry
 * lookup, and a string built anew per message (every Beats window, push message, health forward) would be
 * hashed anew. Printer ids are the configured ones, so the memo stays small; the bound only guards misuse.
 */
const MEMO_LIMIT = 1_024;

function memoized<A extends string>(build: (printer: string) => A): (printer: string) => A {
  const built = new Map<string, A>();
  return (printer) => {
    let path = built.get(printer);
    if (path === undefined) {
      if (built.size >= MEMO_LIMIT) built.clear();
      path = build(printer);
      built.set(printer, path);
    }
    return path;
  };
}

export const printerPath = memoized((printer): SupervisorAddress => actorAddress(`${FLEET_PATH}/${printer}`));
export const collectorPath = memoized((printer) => actorAddress<CollectorMessage, CollectorView>(`${printerPath(printer)}/collector`));
export const pollerPath = memoized((printer) => actorAddress<PollerMessage, PollerView>(`${printerPath(printer)}/poller`));
export const healthPath = memoized((printer) => actorAddress<HealthMessage, HealthView>(`${printerPath(printer)}/health`));
