/** Beats documents → log lines and readings (pure). */
export {
  type BeatsDocument,
  type BeatsOrigin,
  decodeBeatsEvent,
  type FilebeatLine,
  type MetricbeatSample,
  type UnknownBeatsDocument,
} from './documents.js';
export { logEventId, metricEventId } from './event-ids.js';
export { type BeatsPrinterIdentity, type IdentifiablePrinter, identifyPrinter } from './identify-printer.js';
export { filesystemUsageItem, metricbeatReadings } from './metricbeat-readings.js';
