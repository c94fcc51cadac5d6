/** Where each actor of the tree lives (ARCHITECTURE.md §1); senders address actors by these paths. */
export const ADAPTER_PATH = 'adapter';
export const UPLINK_PATH = `${ADAPTER_PATH}/uplink`;
export const INGRESS_PATH = `${ADAPTER_PATH}/ingress`;
export const FLEET_PATH = `${ADAPTER_PATH}/fleet`;
export const CONTROL_PATH = `${ADAPTER_PATH}/control`;

/**
 * Paths under a printer are built once per printer and reused: a tell hashes its path for the registry
 * lookup, and a string built anew per message (every Beats window, push message, health forward) would be
 * hashed anew. Printer ids are the configured ones, so the memo stays small; the bound only guards misuse.
 */
const MEMO_LIMIT = 1_024;

function memoized(build: (printer: string) => string): (printer: string) => string {
  const built = new Map<string, string>();
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

export const printerPath = memoized((printer) => `${FLEET_PATH}/${printer}`);
export const collectorPath = memoized((printer) => `${printerPath(printer)}/collector`);
export const pollerPath = memoized((printer) => `${printerPath(printer)}/poller`);
export const healthPath = memoized((printer) => `${printerPath(printer)}/health`);
