/**
 * `3dconnect status`: the fleet dashboard (a header with the uplink, a line per printer, the latest
 * events), once or redrawn in place with --watch; the actor tree with --tree.
 */
import type { JsonValue } from '../../protocols/control/messages.js';
import {
  DASHBOARD_LAYOUT,
  type DashboardSnapshot,
  plainEventLines,
  plainSummaryLine,
  renderDashboard,
  type ScreenSize,
} from '../views/dashboard-view.js';
import { decodeEvents, decodePrinters, decodeStatus, decodeUplink } from '../views/decode.js';
import { renderStatus } from '../views/status-view.js';
import { colourEnabled, createStyle, type Style } from '../views/style.js';
import { stopOnInterrupt, watchScreen } from '../views/watch.js';
import { type CallFailure, callDaemon, replyFailure } from './daemon-call.js';
import { COMMAND_EXIT } from './exit-codes.js';
import { helpText } from './help.js';
import type { CommandIo } from './io.js';
import type { CommandOptions } from './options.js';
import { prepare, reportFailure, viewCommand } from './view-command.js';
import { WATCH_DEFAULTS } from '../../config/defaults.js';

export const SUMMARY = 'the fleet at a glance: uplink, printers, latest events (--tree: the actor tree)';
export const USAGE = 'usage: 3dconnect status [--tree] [--json] [--watch [--interval SECONDS]] [--socket PATH]';
export const HELP = helpText(
  USAGE.slice('usage: '.length),
  [
    'The fleet dashboard. On top, the adapter (version, pid, uptime, printers running, alerts active),',
    'the uplink (session, queue depth, readings delivered per second over the last 10 s, calls in flight,',
    'and why the session is not ready) and the Things held. Then one line per printer: its state, each',
    'source (filebeat, metricbeat, poll, push) as live, stale, never (seen) or - (not used by its family),',
    'readings per second over the last 10 s, alerts active, restarts in its subtree, and its last alert.',
    'Below, the latest events, newest first: alerts raised and cleared, restarts, refused windows, Things',
    'held and released. With --watch on a terminal it is redrawn in place on the alternate screen; into a',
    'pipe or a file, one summary line per interval and a line per new event.',
    '--tree: the adapter in one line, then every actor: its path (indented by depth), status, restarts',
    '(total/in the current window), mailbox depth, uptime, the age of its last message, and its last error.',
  ],
  [
    '  --tree          the actor tree instead of the dashboard (with --watch too)',
    `  --watch         redraw every ${WATCH_DEFAULTS.intervalMs / 1000} s until Ctrl-C (JSON lines of the status view with --json)`,
    '  --interval SECONDS  with --watch: seconds between redraws',
  ],
);

const RULES = { watch: true, tree: true } as const;

/** The actor tree, as `status` showed it before the dashboard (and as --json still is). */
const treeCommand = viewCommand({
  name: 'status',
  cmd: 'status',
  help: HELP,
  usage: USAGE,
  rules: RULES,
  decode: decodeStatus,
  render: (snapshot, style) => renderStatus(snapshot, style),
});

/**
 * Everything the dashboard shows, in one round of requests. The uplink view fails while the uplink
 * restarts and an older daemon has no events view: both show as unavailable rather than failing the frame.
 */
export async function fetchDashboard(socketPath: string): Promise<{ snapshot: DashboardSnapshot } | { failure: CallFailure }> {
  const [status, printers, uplink, events] = await Promise.all(
    (['status', 'printers', 'uplink', 'events'] as const).map((cmd) => callDaemon(socketPath, cmd)),
  );
  if (!status?.ok) return { failure: status?.failure ?? { exitCode: COMMAND_EXIT.software, lines: ['no reply'] } };
  if (!printers?.ok) return { failure: printers?.failure ?? { exitCode: COMMAND_EXIT.software, lines: ['no reply'] } };
  try {
    const optionalView = <T>(outcome: typeof uplink, decode: (value: JsonValue) => T): T | null => {
      if (!outcome?.ok) return null;
      try {
        return decode(outcome.result);
      } catch {
        return null;
      }
    };
    return {
      snapshot: {
        status: decodeStatus(status.result),
        printers: decodePrinters(printers.result),
        uplink: optionalView(uplink, decodeUplink),
        events: optionalView(events, decodeEvents),
      },
    };
  } catch (error) {
    return { failure: replyFailure(error) };
  }
}

/** The screen to draw for: the terminal's, or (not a terminal) wide enough for a log and tall enough for every printer. */
function screenOf(io: CommandIo, snapshot: DashboardSnapshot | undefined): ScreenSize {
  const screen = io.isTTY ? io.screen?.() : undefined;
  if (screen !== undefined && screen.columns > 0 && screen.rows > 0) return screen;
  const printers = snapshot?.printers.printers.length ?? 0;
  return { columns: DASHBOARD_LAYOUT.fallback.columns, rows: Math.max(DASHBOARD_LAYOUT.fallback.rows, printers + 12) };
}

function failureLines(failure: CallFailure): string[] {
  return failure.lines.map((line) => `3dconnect status: ${line}`);
}

async function dashboardOnce(io: CommandIo, options: CommandOptions, style: Style): Promise<number> {
  const fetched = await fetchDashboard(options.socketPath);
  if ('failure' in fetched) return reportFailure(io, 'status', fetched.failure);
  const lines = renderDashboard(fetched.snapshot, style, screenOf(io, fetched.snapshot), { hint: 'status --tree: the actors' });
  io.stdout.write(`${lines.join('\n')}\n`);
  return COMMAND_EXIT.ok;
}

async function dashboardWatch(io: CommandIo, options: CommandOptions, style: Style): Promise<number> {
  const interrupt = io.signal === undefined ? stopOnInterrupt() : undefined;
  const signal = io.signal ?? interrupt?.signal;
  if (signal === undefined) return COMMAND_EXIT.software;
  const hint = `every ${options.intervalMs / 1000}s · Ctrl-C stops · --tree: the actors`;
  let reportedUpTo = Number.NEGATIVE_INFINITY;
  try {
    await watchScreen({
      intervalMs: options.intervalMs,
      signal,
      inPlace: io.isTTY,
      write: (text) => io.stdout.write(text),
      async render(): Promise<string[]> {
        const fetched = await fetchDashboard(options.socketPath);
        if (io.isTTY) {
          // The daemon may be restarting: say why there is nothing, and keep trying.
          if ('failure' in fetched) return [...failureLines(fetched.failure).map((line) => style.paint(line, 'bad')), hint];
          // One row short of the screen: the newline after the last line must not scroll it.
          const screen = screenOf(io, fetched.snapshot);
          return renderDashboard(fetched.snapshot, style, { columns: screen.columns, rows: screen.rows - 1 }, { hint });
        }
        if ('failure' in fetched) return failureLines(fetched.failure);
        const { snapshot } = fetched;
        // The first report names the few latest events; later ones only what is new since.
        const since = reportedUpTo === Number.NEGATIVE_INFINITY ? (snapshot.events?.events.at(-5)?.at ?? 0) - 1 : reportedUpTo;
        reportedUpTo = Math.max(since, ...(snapshot.events?.events.map((event) => event.at) ?? []));
        return [plainSummaryLine(snapshot), ...plainEventLines(snapshot.events, since).map((line) => `  ${line}`)];
      },
    });
  } finally {
    interrupt?.release();
  }
  return COMMAND_EXIT.ok;
}

export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const prepared = prepare(argv, io, { name: 'status', help: HELP, usage: USAGE, rules: RULES });
  if ('code' in prepared) return prepared.code;
  const { options } = prepared;
  // --json is the status view as it always was (scripts read it); --tree is the actor tree.
  if (options.tree || options.json) return treeCommand(argv, io);
  const style = createStyle(colourEnabled({ isTTY: io.isTTY, env: io.env ?? process.env }));
  return options.watch ? dashboardWatch(io, options, style) : dashboardOnce(io, options, style);
}
