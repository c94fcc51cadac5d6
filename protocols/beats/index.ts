/** Beats documents → log lines and readings (pure). */
export {
  BEATS_DOCUMENT_FIELDS,
  type BeatsDocument,
  type BeatsOrigin,
  decodeBeatsEvent,
  type FilebeatLine,
  type MetricbeatSample,
  type UnknownBeatsDocument,
} from './documents.js';
export { logEventId, logEventIdPrefix, logFileKey, metricEventId, textDigest } from './event-ids.js';
export { type BeatsPrinterIdentity, claimedPrinter, type IdentifiablePrinter, identifyPrinter } from './identify-printer.js';
export { filesystemUsageItem, metricbeatReadings } from './metricbeat-readings.js';
