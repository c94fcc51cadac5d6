/** Pure renderers from the daemon's JSON snapshots to text for a person. */
export type * from './types.js';
export { ageSince, formatAge, formatBytes, formatCount, formatRate } from './quantities.js';
export { colourEnabled, createStyle, PLAIN_STYLE, type Style, type Tone } from './style.js';
export { type Cell, type CellInput, type Column, renderTable } from './table.js';
export { renderStatus, summaryLine, treeOrder } from './status-view.js';
export { renderPrinters } from './printers-view.js';
export { renderUplink } from './uplink-view.js';
export { isSecretKey, MASK, maskSecrets, renderConfig } from './config-view.js';
export { ANSI, redrawFrame, stopOnInterrupt, watch, type WatchOptions } from './watch.js';
export {
  decodeMetrics,
  decodePrinters,
  decodeRestart,
  decodeStatus,
  decodeUplink,
  SnapshotError,
} from './decode.js';
