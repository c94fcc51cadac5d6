/** Who gets a connection slot on the printer-facing listeners, and how refusals are counted and logged. */
export {
  type Admission,
  type AdmissionLimits,
  AdmissionPolicy,
  type AdmissionTicket,
  type KnownPrinters,
  knownPrintersOf,
  MAX_RESERVED_SHARE,
  NO_KNOWN_PRINTERS,
  normalizeAddress,
  REFUSAL_REASONS,
  type RefusalCounts,
  type RefusalReason,
  type SlotClass,
} from './policy.js';
export { type AdmittedConnections, gateConnections, peerKey } from './accept.js';
export { type AdmissionStats, ListenerGate } from './gate.js';
export { REFUSAL_LOG_INTERVAL_MS, type RefusalLogDecision, RefusalRecorder, zeroCounts } from './refusals.js';
