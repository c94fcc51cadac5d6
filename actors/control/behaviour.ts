import { redactConfig } from '../../config/redact.js';
import { ControlError } from '../../protocols/control/errors.js';
import { metricsResult } from '../../protocols/control/metric-family.js';
import type { ControlRequest } from '../../protocols/control/messages.js';
import { type ControlServer, createControlServer } from '../../protocols/control/server.js';
import { adminSocketPathFor } from '../../protocols/control/socket-file.js';
import type { ActorAddress, Behaviour, Registry } from '../../supervision/index.js';
import type { AdapterEnvironment } from '../environment.js';
import { collectorPath, healthPath, printerPath, UPLINK_PATH } from '../paths.js';
import { ADAPTER_VERSION } from './adapter-version.js';
import { FleetEvents } from './fleet-events.js';
import type { ControlMessage } from './messages.js';
import { RateTable } from './rate-window.js';
import { metricFamilies, type PrinterFacts, printerEntry, refusalEntries } from './views.js';
import { CONTROL_ACTOR_DEFAULTS, RATE_WINDOW_DEFAULTS } from '../../config/defaults.js';

/** The uplink's rate key in the rate table (printer ids are config ids, never this). */
const DELIVERED_KEY = '\u0000uplink';

interface ControlState {
  /** Views for the daemon's group (0660). */
  server: ControlServer;
  /** Views and restart for the daemon's user and root (0600). */
  admin: ControlServer;
}

async function askOrUndefined<R>(registry: Registry, address: ActorAddress<{ type: 'Describe' }, R>): Promise<R | undefined> {
  try {
    return await registry.ask(address, { type: 'Describe' }, CONTROL_ACTOR_DEFAULTS.askTimeoutMs);
  } catch {
    return undefined;
  }
}

/**
 * Answers the local CLI over Unix sockets with read-only views of the live tree, and restarts an
 * actor on request: views on the group's socket, restart only on the admin socket beside it. The
 * only way in for an operator; no TCP port.
 */
export function controlBehaviour(env: AdapterEnvironment): Behaviour<ControlState, ControlMessage> {
  const startedAt = env.now();
  // Kept by the behaviour, not the incarnation: a restarted control actor goes on with the same window and log.
  // Rates come from the daemon's own samples, so every caller sees the same figure, right from its first call.
  const rates = new RateTable();
  const events = new FleetEvents();

  /** One sample: every printer's forwarded counter and active alerts, the uplink's delivered counter and holds, the tree's restarts. */
  async function sample(registry: Registry): Promise<void> {
    const { config } = env;
    const [printers, uplink] = await Promise.all([
      Promise.all(
        config.printers.map(async (printer) => {
          const [collector, health] = await Promise.all([
            askOrUndefined(registry, collectorPath(printer.id)),
            askOrUndefined(registry, healthPath(printer.id)),
          ]);
          return { printer, collector, health };
        }),
      ),
      askOrUndefined(registry, UPLINK_PATH),
    ]);
    const at = env.now();
    for (const { printer, collector } of printers) if (collector) rates.observe(printer.id, at, collector.readingsForwarded);
    if (uplink) rates.observe(DELIVERED_KEY, at, uplink.counters.deliveredReadings);
    rates.retain(new Set([DELIVERED_KEY, ...config.printers.map((printer) => printer.id)]));
    events.observe({
      at,
      actors: registry.snapshot(),
      printers: printers.map(({ printer, health }) => ({
        id: printer.id,
        healthPath: healthPath(printer.id),
        ...(health ? { activeAlerts: health.activeAlerts } : {}),
      })),
      refusals: env.drops.refusals(),
      ...(uplink
        ? {
            holds: uplink.things.flatMap((thing) =>
              thing.hold ? [{ thing: thing.thing, reason: thing.hold.reason, status: thing.hold.status }] : [],
            ),
          }
        : {}),
    });
  }

  async function printerFacts(registry: Registry): Promise<PrinterFacts[]> {
    const { config } = env;
    return Promise.all(
      config.printers.map(async (printer) => {
        const [collector, health] = await Promise.all([
          askOrUndefined(registry, collectorPath(printer.id)),
          askOrUndefined(registry, healthPath(printer.id)),
        ]);
        const readingsPerSecond = rates.rate(printer.id);
        const lastAlert = events.lastAlert(printer.id);
        return {
          ...(lastAlert ? { lastAlert } : {}),
          id: printer.id,
          thing: printer.thing,
          family: printer.family,
          subtreeStatus: registry.get(printerPath(printer.id))?.status,
          ...(collector ? { collector } : {}),
          ...(health ? { health } : {}),
          readingsPerSecond,
          dropped: env.drops.ofPrinter(printer.id),
        };
      }),
    );
  }

  async function handle(request: ControlRequest, registry: Registry): Promise<unknown> {
    // Read at every request: a reload replaces the configuration.
    const { config } = env;
    const at = env.now();
    switch (request.cmd) {
      case 'status': {
        const actors = registry.snapshot();
        const uplink = await askOrUndefined(registry, UPLINK_PATH);
        const running = config.printers.filter((p) => registry.get(printerPath(p.id))?.status === 'running').length;
        return {
          at,
          adapter: {
            version: ADAPTER_VERSION,
            pid: process.pid,
            startedAt,
            printers: { configured: config.printers.length, running },
            uplinkSession: uplink?.session ?? null,
          },
          actors,
        };
      }
      case 'printers': {
        const [facts, uplink] = await Promise.all([printerFacts(registry), askOrUndefined(registry, UPLINK_PATH)]);
        const holds = new Map((uplink?.things ?? []).flatMap((thing) => (thing.hold ? [[thing.thing, thing.hold] as const] : [])));
        return {
          at,
          printers: facts.map((printer) => {
            const hold = holds.get(printer.thing);
            return printerEntry(hold ? { ...printer, uplinkHold: { reason: hold.reason, status: hold.status } } : printer);
          }),
          refused: refusalEntries(env.drops.refusals()),
        };
      }
      case 'uplink': {
        const uplink = await askOrUndefined(registry, UPLINK_PATH);
        if (!uplink) throw new ControlError('CONTROL_UNAVAILABLE', 'the uplink is restarting; try again');
        return { at, transport: config.thingworx.transport, ...uplink, deliveredPerSecond: rates.rate(DELIVERED_KEY) };
      }
      case 'events':
        return { at, events: events.recent(), totals: events.totals() };
      case 'metrics': {
        const uplink = await askOrUndefined(registry, UPLINK_PATH);
        return metricsResult(metricFamilies(registry.snapshot(), uplink, await printerFacts(registry), env.drops.refusals()));
      }
      case 'config':
        return redactConfig(config);
      case 'restart': {
        const path = request.args.path;
        if (!registry.get(path)) throw new ControlError('CONTROL_UNKNOWN_PATH', `no actor at ${path}`);
        const accepted = registry.restart(path);
        return accepted ? { path, accepted } : { path, accepted, reason: 'the root cannot be restarted from inside' };
      }
      default:
        throw new ControlError('CONTROL_UNAVAILABLE', `no handler for ${request.cmd}`);
    }
  }

  return {
    async init(ctx) {
      const { config } = env;
      const socketPath = config.control.socket;
      const adminSocketPath = adminSocketPathFor(socketPath);
      const answer = (request: ControlRequest) => handle(request, ctx.registry);
      const admin = await createControlServer({ socketPath: adminSocketPath, access: 'admin', logger: ctx.log, handle: answer });
      let server: ControlServer;
      try {
        server = await createControlServer({ socketPath, access: 'read-only', logger: ctx.log, handle: answer });
      } catch (error) {
        // An init that throws gets no terminate: the admin socket it already opened is closed here.
        await admin.close();
        throw error;
      }
      ctx.log.info({ socket: socketPath, adminSocket: adminSocketPath }, 'control socket ready');
      ctx.tellSelf({ type: 'Sample' });
      return { server, admin };
    },
    async handle(state, msg, ctx) {
      if (msg.type === 'Sample') {
        ctx.schedule({ type: 'Sample' }, RATE_WINDOW_DEFAULTS.sampleEveryMs);
        await sample(ctx.registry);
      }
      return state;
    },
    async terminate(state) {
      await Promise.all([state.server.close(), state.admin.close()]);
    },
  };
}
