/** `3dconnect uplink`: the connection to ThingWorx. */
import { decodeUplink } from '../views/decode.js';
import { renderUplink } from '../views/uplink-view.js';
import { helpText } from './help.js';
import type { CommandIo } from './io.js';
import { viewCommand } from './view-command.js';

export const SUMMARY = 'the ThingWorx uplink: session, queue against caps, deliveries, retries';
export const USAGE = 'usage: 3dconnect uplink [--json] [--socket PATH]';
export const HELP = helpText(USAGE.slice('usage: '.length), [
  'The transport and session state (with why it is not ready), the endpoint host, the queue',
  '(readings and bytes against their caps), calls in flight, readings and batches delivered, batches',
  'acknowledged without a call, each Thing held alone (404 not found, 403 forbidden) with its next',
  'try, retries, duplicates suppressed, and ThingWorx responses by HTTP status.',
]);

const command = viewCommand({
  name: 'uplink',
  cmd: 'uplink',
  help: HELP,
  usage: USAGE,
  rules: {},
  decode: decodeUplink,
  render: (snapshot, style) => renderUplink(snapshot, style),
});

export function run(argv: readonly string[], io: CommandIo): Promise<number> {
  return command(argv, io);
}
