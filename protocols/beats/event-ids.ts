/**
 * Stable ids of Beats events, the uplink's key for suppressing what a Beat re-sends after a
 * reconnect (ARCHITECTURE.md §3.4). The same event always gets the same id.
 */

/** A Filebeat line: printer, file and byte offset, e.g. "p01/filebeat//var/log/printer.log@1234". */
export function logEventId(printerId: string, file: string, offset: number): string {
  return logEventIdPrefix(printerId, file) + offset;
}

/** What the ids of one file's lines share: a window's lines (one file) build it once, not per line. */
export function logEventIdPrefix(printerId: string, file: string): string {
  return `${printerId}/filebeat/${file}@`;
}

/**
 * A Metricbeat sample: printer, metricset (and mount) and sample time,
 * e.g. "p01/metricbeat/cpu@1735361777004", "p01/metricbeat/filesystem:/var@1735361777004".
 */
export function metricEventId(printerId: string, metricset: string, time: number, mountPoint?: string): string {
  const subject = mountPoint === undefined ? metricset : `${metricset}:${mountPoint}`;
  return `${printerId}/metricbeat/${subject}@${time}`;
}
