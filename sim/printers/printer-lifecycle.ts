import { isIPv6 } from 'node:net';
import type { Logger } from '../../config/logging.js';
import type { ReadingValue } from '../../domain/readings.js';
import type { DrainWaiter } from './drain-waiter.js';
import { SimPrinterError } from './errors.js';
import type { PrinterFamily } from './families.js';
import type { PrinterLedger } from './ledger.js';
import { createPipServer, PIP_SERVER_DEFAULTS, type PipServer } from './pip-server.js';
import type { PrinterProcess } from './printer-process.js';
import type { SimPrinterBaseOptions, SimPrinterCounters, SimPrinterIdentity, SimTargets, SimulatedPrinter } from './simulated-printer.js';

/**
 * The part every simulated printer shares: a PIP server and a few processes, started once and
 * stopped for good, with forced values routed to the process that writes the item.
 */
export interface SimulatedPrinterParts {
  id: string;
  family: PrinterFamily;
  thing: string;
  identity: SimPrinterIdentity;
  pushToken?: string;
  pip: PipServer;
  /** Interface the PIP server binds. */
  pipHost: string;
  processes: readonly PrinterProcess[];
  ledger: PrinterLedger;
  drain: DrainWaiter;
  /** Targets given at creation; start() may add or replace them. */
  targets: SimTargets;
  logger: Logger;
}

/** The PIP server every family answers polls with, as the printer's options describe it. */
export function printerPip(
  family: PrinterFamily,
  options: SimPrinterBaseOptions,
  logger: Logger,
): Pick<SimulatedPrinterParts, 'pip' | 'pipHost'> {
  const pip = createPipServer({
    family,
    seed: options.seed,
    host: options.pip?.host,
    port: options.pip?.port,
    tls: options.pip?.tls,
    includeJobFileName: options.pip?.includeJobFileName,
    now: options.now,
    logger,
  });
  return { pip, pipHost: options.pip?.host ?? PIP_SERVER_DEFAULTS.host };
}

/** How the adapter recognises the printer: its Beats host name and fields, and its certificate subject if any. */
export function printerIdentity(hostName: string, fieldsPrinterId: string, options: SimPrinterBaseOptions): SimPrinterIdentity {
  return { hostName, fieldsPrinterId, ...(options.tlsSubject === undefined ? {} : { tlsSubject: options.tlsSubject }) };
}

export function assembleSimulatedPrinter(parts: SimulatedPrinterParts): SimulatedPrinter {
  const { id, pip, processes, ledger, drain } = parts;
  let listening: Promise<number> | undefined;
  let state: 'created' | 'started' | 'stopped' = 'created';

  const listen = (): Promise<number> => {
    if (state === 'stopped') return Promise.reject(new SimPrinterError('SIM_ERR_STOPPED', `printer ${id} is stopped`, { printer: id }));
    listening ??= pip.start();
    return listening;
  };

  const processFor = (item: string): PrinterProcess => {
    const owner = processes.find((process) => process.items.includes(item));
    if (!owner) {
      throw new SimPrinterError('SIM_ERR_UNKNOWN_ITEM', `printer ${id} (${parts.family}) writes no item ${item}`, {
        printer: id,
        family: parts.family,
        item,
      });
    }
    return owner;
  };

  const refuseWhenStopped = () => {
    if (state === 'stopped') throw new SimPrinterError('SIM_ERR_STOPPED', `printer ${id} is stopped`, { printer: id });
  };

  const syncAcks = () => {
    for (const process of processes) process.syncAcks();
  };

  return {
    id,
    family: parts.family,
    thing: parts.thing,
    identity: parts.identity,
    ...(parts.pushToken === undefined ? {} : { pushToken: parts.pushToken }),
    pip,
    listen,
    pipPort: () => pip.port(),
    pipAddress: () => `${isIPv6(parts.pipHost) ? `[${parts.pipHost}]` : parts.pipHost}:${pip.port()}`,
    start: async (targets = {}) => {
      refuseWhenStopped();
      if (state === 'started') throw new SimPrinterError('SIM_ERR_ALREADY_STARTED', `printer ${id} is already started`, { printer: id });
      const resolved: SimTargets = { ...parts.targets, ...withoutUndefined(targets) };
      const missing = processes.find((process) => resolved[process.target] === undefined);
      if (missing) {
        throw new SimPrinterError('SIM_ERR_NO_TARGET', `printer ${id}: ${missing.source} needs a ${missing.target} target`, {
          printer: id,
          option: missing.target,
        });
      }
      state = 'started';
      try {
        await listen();
      } catch (error) {
        state = 'created';
        listening = undefined;
        throw error;
      }
      for (const process of processes) process.start(resolved);
      parts.logger.debug({ printer: id, family: parts.family, pipPort: pip.port() }, 'simulated printer started');
    },
    stop: async () => {
      if (state === 'stopped') return;
      state = 'stopped';
      // A listen still under way would otherwise bind after the close.
      await listening?.catch(() => undefined);
      await Promise.all([...processes.map((process) => process.stop()), pip.stop()]);
      drain.check();
      drain.abandon(new SimPrinterError('SIM_ERR_STOPPED', `printer ${id} stopped before everything was acknowledged`, { printer: id }));
    },
    setRates: (rates) => {
      for (const process of processes) {
        const rate = rates[process.rateKey];
        if (rate !== undefined) process.setRate(rate);
      }
    },
    produce: (counts) => {
      refuseWhenStopped();
      for (const process of processes) {
        const count = counts[process.produceKey];
        if (count !== undefined) process.produce(count);
      }
    },
    forceValue: (item: string, value: ReadingValue) => {
      refuseWhenStopped();
      processFor(item).forceValue(item, value);
    },
    releaseValue: (item) => processFor(item).releaseValue(item),
    forceableItems: () => processes.flatMap((process) => process.items),
    counters: () => {
      const shipping: Omit<SimPrinterCounters, 'ledger' | 'pip'> = {};
      for (const process of processes) {
        const shipped = process.counters();
        if ('connected' in shipped) shipping.push = shipped;
        else if (process.source === 'filebeat') shipping.filebeat = shipped;
        else shipping.metricbeat = shipped;
      }
      // Read after the shippers synced their acknowledgements into the ledger.
      return { ledger: ledger.counters(), ...shipping, pip: pip.stats() };
    },
    expectedAcked: () => {
      syncAcks();
      return ledger.expectedAcked();
    },
    forbiddenStrings: () => ledger.forbiddenStrings(),
    drained: (timeoutMs) => drain.wait(timeoutMs),
  };
}

function withoutUndefined(targets: SimTargets): SimTargets {
  return {
    ...(targets.beats === undefined ? {} : { beats: targets.beats }),
    ...(targets.push === undefined ? {} : { push: targets.push }),
  };
}
