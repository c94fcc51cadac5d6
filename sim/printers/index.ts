/** Simulated printers speaking the real protocols (Beats, push, PIP/1), with a zero-loss ledger. */
export { type SimBeatsTarget, BEAT_SHIPPER_DEFAULTS } from './beat-shipper.js';
export { BEATS_DOCUMENT_DEFAULTS } from './beats-documents.js';
export { type SimPrinterErrorCode, SimPrinterError } from './errors.js';
export { EXCURSION_DEFAULTS, type Excursion, type Excursions, FAMILY_EXCURSIONS, startExcursions } from './excursions.js';
export { PRINTER_FAMILIES, type PrinterFamily } from './families.js';
export {
  FLEET_DEFAULTS,
  type FleetCounters,
  type FleetPrinterInfo,
  type SimFleetTargets,
  type SimulatedFleet,
  type SimulatedFleetOptions,
  startSimulatedFleet,
} from './fleet.js';
export {
  FLEET_CONFIG_DEFAULTS,
  printerConfigFor,
  pushTokenEnvName,
  SIM_PRINTER_LIMITS,
  type SimLimitEntry,
  type SimPrinterConfigEntry,
} from './fleet-config.js';
export { type ExpectedItem, type ExpectedReading, type LedgerCounters, type LedgerSource, LEDGER_DEFAULTS } from './ledger.js';
export { DEFAULT_SIM_MOUNTS, type SimMount } from './metricbeat-samples.js';
export { createPipServer, type PipServer } from './pip-server.js';
export { createPushPrinter, PUSH_FAMILIES, PUSH_PRINTER_DEFAULTS, type PushPrinterOptions } from './push-printer.js';
export { PUSH_ITEMS } from './push-messages.js';
export { type SimPushTarget, PUSH_SHIPPER_DEFAULTS } from './push-shipper.js';
export type {
  SimPrinterBaseOptions,
  SimPrinterCounters,
  SimPrinterIdentity,
  SimProduceCounts,
  SimRates,
  SimTargets,
  SimulatedPrinter,
} from './simulated-printer.js';
export { SLA_LOG_ITEMS } from './sla-log-lines.js';
export { createSlaPrinter, SLA_FAMILIES, SLA_PRINTER_DEFAULTS, type SlaPrinterOptions } from './sla-printer.js';
