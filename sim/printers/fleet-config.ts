import type { ReadingValue } from '../../domain/readings.js';
import type { PrinterFamily } from './families.js';
import { PUSH_FAMILIES } from './push-printer.js';
import type { SimPrinterIdentity, SimulatedPrinter } from './simulated-printer.js';

/**
 * A simulated printer as an entry of the adapter config's `printers:` list (the raw shape of
 * config/examples/adapter.yaml, before validation), so the demo can write its config from the fleet.
 */
export const FLEET_CONFIG_DEFAULTS = Object.freeze({
  pollIntervalMs: 5_000,
});

/** One operating limit in config input shape (PROTOCOLS.md §4). */
export interface SimLimitEntry {
  item: string;
  type: 'Above' | 'Below' | 'InRange' | 'OutOfRange' | 'EqualTo' | 'NotEqualTo' | 'DeviationAbove' | 'DeviationBelow';
  alert: string;
  severity?: string;
  limit?: number;
  value?: ReadingValue;
  minimum?: number;
  maximum?: number;
}

export interface SimPrinterConfigEntry {
  id: string;
  family: string;
  thing: string;
  address: string;
  identity: SimPrinterIdentity;
  pollIntervalMs: number;
  pushToken?: { env: string };
  limits: SimLimitEntry[];
}

const SLA_LIMITS: readonly SimLimitEntry[] = [
  { item: 'VatTemperature', type: 'Above', limit: 35, alert: 'VatTemperatureHigh', severity: 'critical' },
  { item: 'ResinLevel', type: 'Below', limit: 5, alert: 'ResinLow', severity: 'warning' },
  { item: 'BuildState', type: 'EqualTo', value: 'error', alert: 'BuildFailed', severity: 'critical' },
];

/**
 * Limits the simulated values never reach on their own (vat ≤ 32 °C, resin and model material ≥ 5 %
 * (refilled below), print head ≤ 70 °C, oxygen ≤ 1000 ppm, no build error): an alert fires only when
 * a value is forced past one, by a test (forceValue('VatTemperature', 40)) or by the demo's
 * excursions (excursions.ts).
 */
export const SIM_PRINTER_LIMITS: Readonly<Record<PrinterFamily, readonly SimLimitEntry[]>> = Object.freeze({
  'projet-6k': SLA_LIMITS,
  'projet-7k': SLA_LIMITS,
  mjp: [
    { item: 'PrintHeadTemperature', type: 'Above', limit: 75, alert: 'PrintHeadHot', severity: 'warning' },
    { item: 'ModelMaterialLevel', type: 'Below', limit: 5, alert: 'ModelMaterialLow', severity: 'warning' },
  ],
  dmp: [{ item: 'OxygenPpm', type: 'Above', limit: 1200, alert: 'OxygenHigh', severity: 'critical' }],
});

/** Environment variable that holds a printer's push token (the config refers to it as { env }). */
export function pushTokenEnvName(printerId: string): string {
  return `PUSH_TOKEN_${printerId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function isPushFamily(family: PrinterFamily): boolean {
  return (PUSH_FAMILIES as readonly string[]).includes(family);
}

/** The printers[] entry for a simulated printer; call after its PIP server listens (the address has its port). */
export function printerConfigFor(
  sim: SimulatedPrinter,
  overrides: { pollIntervalMs?: number; limits?: SimLimitEntry[] } = {},
): SimPrinterConfigEntry {
  return {
    id: sim.id,
    family: sim.family,
    thing: sim.thing,
    address: sim.pipAddress(),
    identity: { ...sim.identity },
    pollIntervalMs: overrides.pollIntervalMs ?? FLEET_CONFIG_DEFAULTS.pollIntervalMs,
    ...(isPushFamily(sim.family) ? { pushToken: { env: pushTokenEnvName(sim.id) } } : {}),
    limits: (overrides.limits ?? SIM_PRINTER_LIMITS[sim.family]).map((limit) => ({ ...limit })),
  };
}
