import { randomBytes } from 'node:crypto';
import { type Logger, silentLogger } from '../../config/logging.js';
import type { BeatsClientOverrides } from '../clients/lumberjack-client.js';
import type { PushClientTls } from '../clients/push-client.js';
import type { SimBeatsTarget } from './beat-shipper.js';
import { SimPrinterError } from './errors.js';
import { PRINTER_FAMILIES, type PrinterFamily } from './families.js';
import { isPushFamily, pushTokenEnvName } from './fleet-config.js';
import { type ExpectedReading, LEDGER_SOURCES, type LedgerCounters, type LedgerOptions } from './ledger.js';
import { createPushPrinter, type PushPrinterOptions } from './push-printer.js';
import type { PushFamily } from './push-messages.js';
import type { SimPrinterCounters, SimPrinterIdentity, SimRates, SimTargets, SimulatedPrinter } from './simulated-printer.js';
import { createSlaPrinter } from './sla-printer.js';
import type { SlaFamily } from './sla-log-lines.js';

/**
 * Up to 20 simulated printers of mixed families, each with its PIP server listening on its own
 * loopback port. startSimulatedFleet() brings the PIP servers up (so the adapter config can be
 * written from info()); start() then begins shipping to the adapter's listeners.
 */
export const FLEET_DEFAULTS = Object.freeze({
  maxPrinters: 20,
  /** Cycled over the printers: p01 projet-6k, p02 projet-7k, p03 mjp, p04 dmp, p05 projet-6k, … */
  families: PRINTER_FAMILIES,
  idPrefix: 'p',
  /** Bytes of randomness in a generated push token. */
  tokenBytes: 24,
  pushPrintersRunMetricbeat: true,
});

export interface SimFleetPushTarget {
  url: string;
  /** CA that signs the adapter's push listener certificate (wss). */
  tlsCa?: string | Buffer;
  tls?: PushClientTls;
}

export interface SimFleetTargets {
  beats?: SimBeatsTarget;
  push?: SimFleetPushTarget;
}

export interface SimulatedFleetOptions extends SimFleetTargets {
  count: number;
  seed: number;
  families?: readonly PrinterFamily[];
  rates?: SimRates;
  /** Push token per printer id; printers without one get a random token. */
  tokens?: Readonly<Record<string, string>>;
  beatsClient?: BeatsClientOverrides;
  pushClient?: PushPrinterOptions['pushClient'];
  pushPrintersRunMetricbeat?: boolean;
  idPrefix?: string;
  pipHost?: string;
  tickMs?: number;
  now?: () => number;
  logger?: Logger;
  ledger?: Omit<LedgerOptions, 'printer' | 'thing'>;
}

/** What the demo needs to write the adapter config and the environment for one printer. */
export interface FleetPrinterInfo {
  id: string;
  family: PrinterFamily;
  thing: string;
  pipPort: number;
  address: string;
  identity: SimPrinterIdentity;
  pushToken?: string;
  pushTokenEnv?: string;
}

export interface FleetCounters {
  printers: Record<string, SimPrinterCounters>;
  totals: LedgerCounters;
}

export interface SimulatedFleet {
  readonly printers: readonly SimulatedPrinter[];
  info(): FleetPrinterInfo[];
  printer(id: string): SimulatedPrinter | undefined;
  /** Env var name → push token, for the adapter's pushToken { env } references. */
  pushTokenEnv(): Record<string, string>;
  /** Starts every printer's shipping; targets replace those given to startSimulatedFleet. */
  start(targets?: SimFleetTargets): Promise<void>;
  stop(): Promise<void>;
  setRates(rates: SimRates): void;
  counters(): FleetCounters;
  expectedAcked(): ExpectedReading[];
  forbiddenStrings(): string[];
  drained(timeoutMs?: number): Promise<void>;
}

function printerId(prefix: string, index: number): string {
  return `${prefix}${String(index + 1).padStart(2, '0')}`;
}

function pushTarget(push: SimFleetPushTarget | undefined): SimTargets['push'] {
  if (!push) return undefined;
  const ca = push.tlsCa ?? push.tls?.ca;
  const tls: PushClientTls = { ...push.tls, ...(ca === undefined ? {} : { ca }) };
  return { url: push.url, ...(Object.keys(tls).length === 0 ? {} : { tls }) };
}

function targetsOf(targets: SimFleetTargets): SimTargets {
  const push = pushTarget(targets.push);
  return { ...(targets.beats === undefined ? {} : { beats: targets.beats }), ...(push === undefined ? {} : { push }) };
}

function createFleetPrinter(options: SimulatedFleetOptions, index: number, logger: Logger): SimulatedPrinter {
  const families = options.families ?? FLEET_DEFAULTS.families;
  const family = families[index % families.length]!;
  const id = printerId(options.idPrefix ?? FLEET_DEFAULTS.idPrefix, index);
  const common = {
    id,
    // Distinct, reproducible seeds per printer.
    seed: (Math.imul(options.seed >>> 0, 1009) + index * 7919 + 1) >>> 0,
    beatsClient: options.beatsClient,
    pip: { host: options.pipHost },
    tickMs: options.tickMs,
    now: options.now,
    logger,
    ledger: options.ledger,
  };
  if (isPushFamily(family)) {
    return createPushPrinter({
      ...common,
      family: family as PushFamily,
      token: options.tokens?.[id] ?? randomBytes(FLEET_DEFAULTS.tokenBytes).toString('base64url'),
      rates: options.rates,
      metricbeat: options.pushPrintersRunMetricbeat ?? FLEET_DEFAULTS.pushPrintersRunMetricbeat,
      pushClient: options.pushClient,
    });
  }
  return createSlaPrinter({ ...common, family: family as SlaFamily, rates: options.rates });
}

export async function startSimulatedFleet(options: SimulatedFleetOptions): Promise<SimulatedFleet> {
  const { count } = options;
  if (!Number.isInteger(count) || count < 1 || count > FLEET_DEFAULTS.maxPrinters) {
    throw new SimPrinterError('SIM_ERR_BAD_OPTIONS', `count must be an integer from 1 to ${FLEET_DEFAULTS.maxPrinters}`, {
      option: 'count',
    });
  }
  if (options.families?.length === 0) {
    throw new SimPrinterError('SIM_ERR_BAD_OPTIONS', 'families must name at least one family', { option: 'families' });
  }
  const logger = (options.logger ?? silentLogger()).child({ sim: 'fleet' });
  const printers = Array.from({ length: count }, (_, index) => createFleetPrinter(options, index, logger));
  const byId = new Map(printers.map((printer) => [printer.id, printer]));
  const initialTargets = targetsOf(options);
  const runsMetricbeat = options.pushPrintersRunMetricbeat ?? FLEET_DEFAULTS.pushPrintersRunMetricbeat;

  const listened = await Promise.allSettled(printers.map((printer) => printer.listen()));
  const failed = listened.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all(printers.map((printer) => printer.stop()));
    throw failed.reason;
  }

  return {
    printers,
    info: () =>
      printers.map((printer) => ({
        id: printer.id,
        family: printer.family,
        thing: printer.thing,
        pipPort: printer.pipPort(),
        address: printer.pipAddress(),
        identity: { ...printer.identity },
        ...(printer.pushToken === undefined ? {} : { pushToken: printer.pushToken, pushTokenEnv: pushTokenEnvName(printer.id) }),
      })),
    printer: (id) => byId.get(id),
    pushTokenEnv: () =>
      Object.fromEntries(
        printers.flatMap((printer) => (printer.pushToken === undefined ? [] : [[pushTokenEnvName(printer.id), printer.pushToken]])),
      ),
    start: async (targets = {}) => {
      const resolved: SimTargets = { ...initialTargets, ...targetsOf(targets) };
      // Check first, so that a missing target starts no printer at all.
      const pushing = printers.some((printer) => isPushFamily(printer.family));
      const beating = printers.some((printer) => !isPushFamily(printer.family)) || (pushing && runsMetricbeat);
      for (const [needed, missing] of [
        ['beats', beating && resolved.beats === undefined],
        ['push', pushing && resolved.push === undefined],
      ] as const) {
        if (missing) throw new SimPrinterError('SIM_ERR_NO_TARGET', `the fleet needs a ${needed} target`, { option: needed });
      }
      await Promise.all(printers.map((printer) => printer.start(resolved)));
      logger.info({ printers: printers.length }, 'simulated fleet shipping');
    },
    stop: async () => {
      await Promise.all(printers.map((printer) => printer.stop()));
    },
    setRates: (rates) => {
      for (const printer of printers) printer.setRates(rates);
    },
    counters: () => {
      const perPrinter: Record<string, SimPrinterCounters> = {};
      const totals = Object.fromEntries(
        LEDGER_SOURCES.map((source) => [source, { events_sent: 0, events_acked: 0, readings_acked: 0 }]),
      ) as LedgerCounters;
      for (const printer of printers) {
        const counters = printer.counters();
        perPrinter[printer.id] = counters;
        for (const source of LEDGER_SOURCES) {
          totals[source].events_sent += counters.ledger[source].events_sent;
          totals[source].events_acked += counters.ledger[source].events_acked;
          totals[source].readings_acked += counters.ledger[source].readings_acked;
        }
      }
      return { printers: perPrinter, totals };
    },
    expectedAcked: () => printers.flatMap((printer) => printer.expectedAcked()),
    forbiddenStrings: () => [...new Set(printers.flatMap((printer) => printer.forbiddenStrings()))],
    drained: async (timeoutMs) => {
      await Promise.all(printers.map((printer) => printer.drained(timeoutMs)));
    },
  };
}
