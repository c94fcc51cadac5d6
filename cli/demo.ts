/** `3dconnect demo`: the adapter between simulated printers and a local ThingWorx stand-in. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Demo, DEMO_DEFAULTS, type DemoSummary, startDemo } from '../sim/demo.js';
import { type CliCommand, type CliIo, EXIT, isHelpFlag } from './command.js';
import { fetchDashboard } from './commands/status.js';
import { plainEventLines, plainSummaryLine, renderDashboard } from './views/dashboard-view.js';
import { formatCount } from './views/quantities.js';
import { colourEnabled, createStyle } from './views/style.js';
import { watchScreen } from './views/watch.js';
import { usageProblem } from './run.js';

const USAGE = 'usage: 3dconnect demo [--duration SECONDS] [--printers N] [--seed N] [--transport rest|alwayson] [--json]';
/** The screen on a terminal is redrawn this often; into a log, a report every PLAIN_REPORT_EVERY_MS. */
const SCREEN_EVERY_MS = 2_000;
const PLAIN_REPORT_EVERY_MS = 5_000;

function help(io: CliIo): void {
  io.out(USAGE);
  io.out('');
  io.out('Starts a ThingWorx stand-in (HTTPS with a throw-away CA), simulated printers of every family');
  io.out('(Filebeat, Metricbeat, push and PIP/1 on loopback) and the real adapter between them. Now and');
  io.out('then a simulated printer crosses a limit (a vat running warm, resin falling low, a build that');
  io.out('fails) and comes back, so alerts are raised and cleared.');
  io.out('');
  io.out('At start it prints its control socket and ready-to-paste commands for another shell');
  io.out('(npx 3dconnect status --watch --socket PATH, npx 3dconnect printers --socket PATH).');
  io.out('');
  io.out('On a terminal it then shows the fleet dashboard, redrawn in place every 2 s (on stderr):');
  io.out('  - on top, the demo itself (seconds run, events sent and acknowledged, memory) and the');
  io.out('    adapter: uptime, printers running, alerts active; the uplink session (and why it is not');
  io.out('    ready), queue depth, readings delivered to ThingWorx per second, Things held;');
  io.out('  - one line per printer: its state, each source (filebeat, metricbeat, poll, push) as live,');
  io.out('    stale, never (seen) or - (not used by its family), readings/s over the last 10 s, alerts');
  io.out('    active, restarts, and its last alert;');
  io.out('  - below, the latest events, newest first: alerts raised and cleared, restarts, refusals.');
  io.out('Not on a terminal, it prints a summary line every 5 s and a line per event instead.');
  io.out('');
  io.out('Runs for SECONDS, or until Ctrl-C, then lets every sent event be acknowledged, stops cleanly and');
  io.out('prints a summary: events sent, acknowledged and found in ThingWorx, duplicates, lost (must be 0),');
  io.out("alerts raised and cleared, and peak memory: the adapter's own process (it runs apart, as deployed)");
  io.out("and the demo's process (the simulators and the ThingWorx stand-in).");
  io.out(`--json prints the summary as one JSON object. Defaults: ${DEMO_DEFAULTS.printers} printers, seed ${DEMO_DEFAULTS.seed}.`);
  io.out('--transport alwayson talks to the stand-in over the AlwaysOn WebSocket session instead of REST.');
}

interface DemoArgs {
  durationS?: number;
  printers: number;
  seed: number;
  json: boolean;
  transport?: 'rest' | 'alwayson';
}

/**
 * Every flag the demo takes. A new flag is a row here and a line in readDemoArgs; node:util's
 * parseArgs rejects anything else, as the control commands do (cli/commands/options.ts).
 */
const DEMO_FLAGS = {
  duration: { type: 'string' },
  printers: { type: 'string' },
  seed: { type: 'string' },
  transport: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

/** The arguments, or a message for stderr saying what is wrong with them. */
function readDemoArgs(args: readonly string[]): DemoArgs | string {
  let values: ReturnType<typeof parseArgs<{ options: typeof DEMO_FLAGS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...args], options: DEMO_FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    return usageProblem(error);
  }
  const parsed: DemoArgs = {
    durationS: values.duration === undefined ? undefined : Number(values.duration),
    printers: values.printers === undefined ? DEMO_DEFAULTS.printers : Number(values.printers),
    seed: values.seed === undefined ? DEMO_DEFAULTS.seed : Number(values.seed),
    json: values.json ?? false,
  };
  if (values.transport !== undefined) {
    if (values.transport !== 'rest' && values.transport !== 'alwayson') return '--transport takes rest or alwayson';
    parsed.transport = values.transport;
  }
  if (parsed.durationS !== undefined && !(parsed.durationS > 0)) return '--duration takes a number of seconds above 0';
  if (!Number.isInteger(parsed.printers) || parsed.printers < 1 || parsed.printers > 20) return '--printers takes 1 to 20';
  if (!Number.isInteger(parsed.seed)) return '--seed takes an integer';
  return parsed;
}

/** The demo's own line above the dashboard: how long it ran, what the printers sent, the process's memory. */
function progressLine(demo: Demo): string {
  const totals = demo.fleet.counters().totals;
  const sent = totals.filebeat.events_sent + totals.metricbeat.events_sent + totals.push.events_sent;
  const acked = totals.filebeat.events_acked + totals.metricbeat.events_acked + totals.push.events_acked;
  const seconds = Math.round((Date.now() - demo.startedAt) / 1000);
  const adapter = demo.adapter ? `adapter rss ${Math.round(demo.adapter.rssMb())} MB · ` : '';
  return `demo ${seconds}s · events sent ${formatCount(sent)}, acked ${formatCount(acked)} · ${adapter}simulators and stand-in rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB · Ctrl-C stops it and prints the summary`;
}

/** Where the demo's adapter answers, and what to paste into another shell to look at it. */
export function socketLines(socket: string): string[] {
  return [
    `demo: control socket ${socket}`,
    `demo: from another shell:  npx 3dconnect status --watch --socket ${socket}`,
    `demo:                      npx 3dconnect printers --socket ${socket}`,
  ];
}

function printSummary(io: CliIo, summary: DemoSummary, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(summary));
    return;
  }
  io.out('');
  io.out(`printers            ${summary.printers}`);
  io.out(`duration            ${summary.duration_s} s`);
  io.out(`events sent         ${summary.events_sent}`);
  io.out(`events acknowledged ${summary.events_acked}`);
  io.out(`events delivered    ${summary.events_delivered}`);
  io.out(`duplicates          ${summary.duplicates}`);
  io.out(`lost                ${summary.lost}`);
  io.out(`leaked raw lines    ${summary.leaked}`);
  io.out(`alerts raised       ${summary.alerts_raised}`);
  io.out(`alerts cleared      ${summary.alerts_cleared}`);
  if (summary.adapter_max_rss_mb !== null) io.out(`adapter peak rss    ${summary.adapter_max_rss_mb} MB (its own process)`);
  io.out(`peak rss            ${summary.max_rss_mb} MB (${summary.adapter_max_rss_mb === null ? 'adapter, ' : ''}simulators and stand-in)`);
}

/**
 * The fleet dashboard on stderr (stdout is for the summary), over the demo adapter's own control socket
 * as another shell would see it: on a terminal redrawn in place on the alternate screen, otherwise a
 * summary line and the new events every few seconds.
 */
async function showFleet(demo: Demo, socket: string, signal: AbortSignal): Promise<void> {
  const onTerminal = process.stderr.isTTY === true;
  const style = createStyle(colourEnabled({ isTTY: onTerminal, env: process.env }));
  let reportedUpTo = Date.now();
  await watchScreen({
    intervalMs: onTerminal ? SCREEN_EVERY_MS : PLAIN_REPORT_EVERY_MS,
    inPlace: onTerminal,
    signal,
    write: (text) => process.stderr.write(text),
    async render() {
      const progress = progressLine(demo);
      const fetched = await fetchDashboard(socket);
      if ('failure' in fetched) return [progress, ...fetched.failure.lines.map((line) => `demo: ${line}`)];
      const { snapshot } = fetched;
      if (!onTerminal) {
        const since = reportedUpTo;
        reportedUpTo = Math.max(since, ...(snapshot.events?.events.map((event) => event.at) ?? []));
        return [progress, `  ${plainSummaryLine(snapshot)}`, ...plainEventLines(snapshot.events, since).map((line) => `  ${line}`)];
      }
      const columns = process.stderr.columns || 120;
      const rows = process.stderr.rows || 30;
      // The socket first: on a narrow screen the command after it is what gets cut.
      const banner = [progress, `socket ${socket} · from another shell: npx 3dconnect status --watch --socket ${socket}`];
      // One row short of the screen: the newline after the last line must not scroll it.
      return renderDashboard(snapshot, style, { columns, rows: rows - 1 }, { banner });
    },
  });
}

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'run the adapter with simulated printers and a local ThingWorx stand-in',
  args: '[--duration S] [--json]',
  async run(args, io) {
    if (args.some(isHelpFlag)) {
      help(io);
      return EXIT.ok;
    }
    const parsed = readDemoArgs(args);
    if (typeof parsed === 'string') {
      io.err(parsed);
      io.err(USAGE);
      return EXIT.usage;
    }
    if (!parsed.json) io.err(`demo: starting the stand-in, ${parsed.printers} simulated printers and the adapter…`);
    // The adapter in its own process: its memory is its own, apart from the simulators' and the stand-in's.
    const demo = await startDemo({
      printers: parsed.printers,
      seed: parsed.seed,
      excursions: true,
      bounded: true,
      adapterProcess: true,
      ...(parsed.transport ? { transport: parsed.transport } : {}),
    });
    if (!parsed.json) io.err('demo: running. Ctrl-C stops it and prints the summary.');

    const socket = demo.config.control.socket;
    if (demo.adapter) io.err(`demo: the adapter runs as process ${demo.adapter.pid}`);
    for (const line of socketLines(socket)) io.err(line);

    const stop = new AbortController();
    const finish = () => stop.abort();
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    const timer = parsed.durationS === undefined ? undefined : setTimeout(finish, parsed.durationS * 1000);
    try {
      if (parsed.json) await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
      else await showFleet(demo, socket, stop.signal);
    } finally {
      clearTimeout(timer);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
    }

    if (!parsed.json) io.err('demo: stopping the printers and waiting for every sent event to be acknowledged…');
    let quiesced = true;
    try {
      await demo.quiesce();
    } catch (error) {
      quiesced = false;
      io.err(`demo: not everything was acknowledged in time: ${error instanceof Error ? error.message : String(error)}`);
    }
    const summary = await demo.summary();
    await demo.stop();
    printSummary(io, summary, parsed.json);
    const healthy = quiesced && summary.lost === 0 && summary.leaked === 0;
    setTimeout(() => process.exit(healthy ? EXIT.ok : EXIT.software), 2_000).unref();
    return healthy ? EXIT.ok : EXIT.software;
  },
};
