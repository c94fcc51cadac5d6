/** `3dconnect metrics`: the adapter's metrics as text for node_exporter's textfile collector. */
import { renderExposition } from '../../protocols/control/openmetrics.js';
import { decodeMetrics } from '../views/decode.js';
import { helpText } from './help.js';
import type { CommandIo } from './io.js';
import { viewCommand } from './view-command.js';

export const SUMMARY = 'metrics as OpenMetrics text (node_exporter textfile collector)';
export const USAGE = 'usage: 3dconnect metrics [--format openmetrics|prometheus] [--json] [--socket PATH]';
export const HELP = helpText(
  USAGE.slice('usage: '.length),
  [
    'Prints the metrics in the OpenMetrics text format, ending in "# EOF". For the textfile collector,',
    'write to a temporary file and rename it into the collector directory, e.g. from a timer:',
    '  3dconnect metrics --format prometheus > DIR/3dconnect.prom.$$ && mv DIR/3dconnect.prom.$$ DIR/3dconnect.prom',
  ],
  [
    '  --format F      openmetrics (default) or prometheus (the 0.0.4 text format, which the textfile',
    '                  collector of node_exporter parses today)',
  ],
);

const command = viewCommand({
  name: 'metrics',
  cmd: 'metrics',
  help: HELP,
  usage: USAGE,
  rules: { format: true },
  decode: decodeMetrics,
  // The exposition ends in a newline of its own; the command adds one.
  render: (families, _style, options) => renderExposition(families, options.format).trimEnd(),
});

export function run(argv: readonly string[], io: CommandIo): Promise<number> {
  return command(argv, io);
}
