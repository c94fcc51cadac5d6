/** `3dconnect status`: the adapter summary and the whole actor tree. */
import { decodeStatus } from '../views/decode.js';
import { renderStatus } from '../views/status-view.js';
import { WATCH_DEFAULTS } from '../views/watch.js';
import { helpText } from './help.js';
import type { CommandIo } from './io.js';
import { viewCommand } from './view-command.js';

export const SUMMARY = 'the actor tree: status, restarts, mailboxes, last errors';
export const USAGE = 'usage: 3dconnect status [--json] [--watch [--interval SECONDS]] [--socket PATH]';
export const HELP = helpText(
  USAGE.slice('usage: '.length),
  [
    'One line about the adapter (version, uptime, printers running, uplink session), then every actor:',
    'its path (indented by depth), status, restarts (total/in the current window), mailbox depth,',
    'uptime, the age of its last message, and its last error with that error\'s age.',
  ],
  [
    `  --watch         redraw in place every ${WATCH_DEFAULTS.intervalMs / 1000} s until Ctrl-C (JSON lines with --json)`,
    '  --interval SECONDS  with --watch: seconds between redraws',
  ],
);

const command = viewCommand({
  name: 'status',
  cmd: 'status',
  help: HELP,
  usage: USAGE,
  rules: { watch: true },
  decode: decodeStatus,
  render: (snapshot, style) => renderStatus(snapshot, style),
});

export function run(argv: readonly string[], io: CommandIo): Promise<number> {
  return command(argv, io);
}
