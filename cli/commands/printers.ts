/** `3dconnect printers`: per printer its Thing, family, state, sources, rate, drops and alerts. */
import { decodePrinters } from '../views/decode.js';
import { renderPrinters } from '../views/printers-view.js';
import { helpText } from './help.js';
import type { CommandIo } from './io.js';
import { viewCommand } from './view-command.js';

export const SUMMARY = 'per printer: Thing, family, state, sources last seen, readings/s, dropped, alerts';
export const USAGE = 'usage: 3dconnect printers [--json] [--socket PATH]';
export const HELP = helpText(USAGE.slice('usage: '.length), [
  'One row per configured printer: its ThingWorx Thing, family and state, each data source',
  '(filebeat, metricbeat, poll, push) with how long ago it was last heard from, readings per second,',
  'how many of its inputs were dropped since the adapter started (--json gives them by reason:',
  'log_no_match, unknown_document, identity_mismatch, ...) and the alerts active now. The summary line',
  'says how many windows were refused from peers no printer is configured for.',
]);

const command = viewCommand({
  name: 'printers',
  cmd: 'printers',
  help: HELP,
  usage: USAGE,
  rules: {},
  decode: decodePrinters,
  render: (snapshot, style) => renderPrinters(snapshot, style),
});

export function run(argv: readonly string[], io: CommandIo): Promise<number> {
  return command(argv, io);
}
