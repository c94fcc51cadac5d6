/** `3dconnect demo`: the adapter between simulated printers and a local ThingWorx stand-in. */
import type { UplinkStatus } from '../actors/uplink/status.js';
import { controlRequest } from '../protocols/control/client.js';
import { colourEnabled, createStyle, redrawFrame, renderStatus } from './views/index.js';
import { decodeStatus } from './views/decode.js';
import { UPLINK_PATH } from '../actors/paths.js';
import { type Demo, DEMO_DEFAULTS, type DemoSummary, startDemo } from '../sim/demo.js';
import { type CliCommand, type CliIo, EXIT, isHelpFlag } from './command.js';

const USAGE = 'usage: 3dconnect demo [--duration SECONDS] [--printers N] [--seed N] [--transport rest|alwayson] [--json]';
const PROGRESS_EVERY_MS = 2_000;

function help(io: CliIo): void {
  io.out(USAGE);
  io.out('');
  io.out('Starts a ThingWorx stand-in (HTTPS with a throw-away CA), simulated printers of every family');
  io.out('(Filebeat, Metricbeat, push and PIP/1 on loopback) and the real adapter between them. Runs for');
  io.out('SECONDS, or until Ctrl-C, then lets every sent event be acknowledged, stops cleanly and prints a');
  io.out('summary: events sent, acknowledged and found in ThingWorx, duplicates, lost (must be 0), alerts,');
  io.out(`peak memory. --json prints the summary as one JSON object. Defaults: ${DEMO_DEFAULTS.printers} printers, seed ${DEMO_DEFAULTS.seed}.`);
  io.out('--transport alwayson talks to the stand-in over the AlwaysOn WebSocket session instead of REST.');
}

interface DemoArgs {
  durationS?: number;
  printers: number;
  seed: number;
  json: boolean;
  transport?: 'rest' | 'alwayson';
}

function parseArgs(args: readonly string[]): DemoArgs | string {
  const parsed: DemoArgs = { printers: DEMO_DEFAULTS.printers, seed: DEMO_DEFAULTS.seed, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => Number(args[++i]);
    if (arg === '--json') parsed.json = true;
    else if (arg === '--duration') parsed.durationS = value();
    else if (arg === '--printers') parsed.printers = value();
    else if (arg === '--seed') parsed.seed = value();
    else if (arg === '--transport') {
      const transport = args[++i];
      if (transport !== 'rest' && transport !== 'alwayson') return '--transport takes rest or alwayson';
      parsed.transport = transport;
    }
    else return `unknown argument: ${arg}`;
  }
  if (parsed.durationS !== undefined && !(parsed.durationS > 0)) return '--duration takes a number of seconds above 0';
  if (!Number.isInteger(parsed.printers) || parsed.printers < 1 || parsed.printers > 20) return '--printers takes 1 to 20';
  if (!Number.isInteger(parsed.seed)) return '--seed takes an integer';
  return parsed;
}

async function progressLine(demo: Demo): Promise<string> {
  const totals = demo.fleet.counters().totals;
  const sent = totals.filebeat.events_sent + totals.metricbeat.events_sent + totals.push.events_sent;
  const acked = totals.filebeat.events_acked + totals.metricbeat.events_acked + totals.push.events_acked;
  let uplink = '';
  try {
    const status = await demo.daemon.tree.registry.ask<UplinkStatus>(UPLINK_PATH, { type: 'Describe' }, 1_000);
    uplink = `uplink ${status.session}, queued ${status.queue.readings}, delivered ${status.counters.deliveredReadings}`;
  } catch {
    uplink = 'uplink restarting';
  }
  const running = demo.daemon.tree.registry.snapshot().filter((a) => a.status === 'running').length;
  const seconds = Math.round((Date.now() - demo.startedAt) / 1000);
  return `demo ${seconds}s: events sent ${sent}, acked ${acked}; ${uplink}; actors running ${running}; rss ${demo.maxRssMb()} MB`;
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
  io.out(`peak rss            ${summary.max_rss_mb} MB`);
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
    const parsed = parseArgs(args);
    if (typeof parsed === 'string') {
      io.err(parsed);
      io.err(USAGE);
      return EXIT.usage;
    }
    if (!parsed.json) io.err(`demo: starting the stand-in, ${parsed.printers} simulated printers and the adapter…`);
    const demo = await startDemo({ printers: parsed.printers, seed: parsed.seed, ...(parsed.transport ? { transport: parsed.transport } : {}) });
    if (!parsed.json) io.err('demo: running. Ctrl-C stops it and prints the summary.');

    // On a terminal the status table is redrawn in place; in a log, one progress line at a time.
    const onTerminal = !parsed.json && process.stderr.isTTY === true;
    let firstFrame = true;
    const showProgress = async () => {
      const line = await progressLine(demo);
      if (!onTerminal) {
        io.err(line);
        return;
      }
      const snapshot = decodeStatus(await controlRequest(demo.config.control.socket, 'status'));
      const style = createStyle(colourEnabled({ isTTY: true, env: process.env }));
      process.stderr.write(redrawFrame(`${renderStatus(snapshot, style)}\n\n${line}\nCtrl-C stops the demo.\n`, firstFrame));
      firstFrame = false;
    };
    await new Promise<void>((resolve) => {
      const progress = parsed.json
        ? undefined
        : setInterval(() => {
            showProgress().catch((error: unknown) => io.err(`demo: ${error instanceof Error ? error.message : String(error)}`));
          }, PROGRESS_EVERY_MS);
      const finish = () => {
        if (progress) clearInterval(progress);
        process.off('SIGINT', finish);
        process.off('SIGTERM', finish);
        resolve();
      };
      process.once('SIGINT', finish);
      process.once('SIGTERM', finish);
      if (parsed.durationS !== undefined) setTimeout(finish, parsed.durationS * 1000);
    });

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
