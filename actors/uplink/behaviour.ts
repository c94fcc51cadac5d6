import { readFile } from 'node:fs/promises';
import { resolveSecret } from '../../config/secrets.js';
import type { AdapterConfig } from '../../config/types.js';
import { adapterHealthRows } from '../../protocols/thingworx/adapter-health.js';
import { createAlwaysOnTransport } from '../../protocols/thingworx/alwayson/transport.js';
import { createRestTransport } from '../../protocols/thingworx/rest-transport.js';
import type { RestTlsOptions } from '../../protocols/thingworx/https-agent.js';
import type { ThingworxTransport } from '../../protocols/thingworx/types.js';
import type { Reading } from '../../domain/readings.js';
import { type ActorContext, actorAddress, type Behaviour, type ExitReason } from '../../supervision/index.js';
import type { AdapterEnvironment } from '../environment.js';
import { exhaustive } from '../exhaustive.js';
import { collectorPath, healthPath, INGRESS_PATH } from '../paths.js';
import type { SenderAddress } from './batch.js';
import { DeliveryEngine } from './delivery-engine.js';
import type { UplinkMessage, UplinkNotice } from './messages.js';
import { UPLINK_ACTOR_DEFAULTS } from '../../config/defaults.js';

interface UplinkState {
  engine: DeliveryEngine;
  transport: ThingworxTransport;
  appKey: { current: string };
  startedAt: number;
  /** Cancels the next re-read of the app key; set only while the session is unauthorized. */
  cancelKeyReload: (() => void) | undefined;
}

// Each incarnation announces itself with a new number so senders can tell a restart from a delay.
let incarnations = 0;

/** The ThingWorx TLS settings of a configuration, files read; `3dconnect provision` connects with the same. */
export async function readThingworxTls(config: AdapterConfig): Promise<RestTlsOptions> {
  const { tls } = config.thingworx;
  const tlsOptions: RestTlsOptions = { allowSelfSigned: tls.allowSelfSigned };
  if (tls.caFile) tlsOptions.ca = await readFile(tls.caFile);
  if (tls.certFile) tlsOptions.cert = await readFile(tls.certFile);
  if (tls.keyFile) tlsOptions.key = await readFile(tls.keyFile);
  if (tls.keyPassphrase) tlsOptions.passphrase = await resolveSecret(tls.keyPassphrase);
  return tlsOptions;
}

/** The transport the configuration names: REST, or the AlwaysOn session. Same face to the engine either way. */
async function thingworxTransport(
  env: AdapterEnvironment,
  appKey: () => string,
  ctx: ActorContext<UplinkMessage>,
): Promise<ThingworxTransport> {
  const { thingworx } = env.config;
  const tls = await readThingworxTls(env.config);
  switch (thingworx.transport) {
    case 'rest':
      return createRestTransport({
        baseUrl: thingworx.url,
        appKey,
        tls,
        allowInsecureHttp: thingworx.tls.allowInsecureHttp,
        requestTimeoutMs: thingworx.requestTimeoutMs,
        logger: ctx.log,
      });
    case 'alwayson': {
      const { chunkSize, ...timings } = thingworx.alwaysOn;
      return createAlwaysOnTransport({
        baseUrl: thingworx.url,
        appKey,
        tls,
        allowInsecureHttp: thingworx.tls.allowInsecureHttp,
        requestTimeoutMs: thingworx.requestTimeoutMs,
        ...timings,
        limits: { chunkSize },
        // Read at every connect and when a reload changes the printers (PrintersChanged).
        things: () => [...env.config.printers.map((printer) => printer.thing), env.config.adapter.thing],
        logger: ctx.log,
      });
    }
    default:
      return exhaustive(thingworx.transport);
  }
}

/** Every actor that offers batches and so must hear of a new, empty uplink. */
function senders(config: AdapterConfig): SenderAddress[] {
  return config.printers.flatMap((printer) => [collectorPath(printer.id), healthPath(printer.id)]);
}

/**
 * The uplink offers its own health batch under its own path and learns its fate from the engine, not
 * from notices: it handles none, so none is sent to it.
 */
function ownHealthSender(ctx: ActorContext<UplinkMessage>): SenderAddress {
  return actorAddress<UplinkNotice>(ctx.path);
}

function notify(ctx: ActorContext<UplinkMessage>, to: SenderAddress, notice: UplinkNotice): void {
  if (to === ownHealthSender(ctx)) return;
  // A sender that is not running now will re-offer after its own restart; nothing to keep.
  ctx.registry.tell(to, notice);
}

/** The uplink's own drops and what the collectors and ingress dropped or refused, by reason. */
function mergeCounts(...sources: Readonly<Record<string, number>>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const counts of sources) for (const [reason, count] of Object.entries(counts)) merged[reason] = (merged[reason] ?? 0) + count;
  return merged;
}

async function offerAdapterHealth(state: UplinkState, env: AdapterEnvironment, ctx: ActorContext<UplinkMessage>) {
  const status = state.engine.status();
  let printersConnected = 0;
  try {
    const ingress = await ctx.registry.ask(INGRESS_PATH, { type: 'Describe' }, UPLINK_ACTOR_DEFAULTS.ingressAskMs);
    printersConnected = ingress.printersConnected;
  } catch {
    // Ingress restarting: report 0 connected this round rather than skip the health update.
  }
  const now = env.now();
  const rows = adapterHealthRows(
    {
      uptimeMs: now - state.startedAt,
      printersConnected,
      printersConfigured: env.config.printers.length,
      queueReadings: status.queue.readings,
      queueBytes: status.queue.bytes,
      delivered: status.counters.deliveredReadings,
      droppedByReason: mergeCounts(status.counters.droppedByReason, env.drops.totalsByReason()),
    },
    now,
  );
  const readings: Reading[] = rows.map((row) => ({
    printer: env.config.adapter.id,
    item: row.name,
    value: row.value,
    time: row.time,
    receivedAt: now,
    quality: row.quality,
    source: 'health',
  }));
  // State lane: a newer health report replaces an older one still queued; busy means skip a round.
  state.engine.offer({ batchId: `health-${now}`, sender: ownHealthSender(ctx), thing: env.config.adapter.thing, lane: 'state', readings });
}

async function offerHealthAndReschedule(
  state: UplinkState,
  env: AdapterEnvironment,
  ctx: ActorContext<UplinkMessage>,
): Promise<UplinkState> {
  await offerAdapterHealth(state, env, ctx);
  ctx.schedule({ type: 'HealthDue' }, env.config.thingworx.healthIntervalMs);
  return state;
}

async function reloadAppKey(state: UplinkState, env: AdapterEnvironment, ctx: ActorContext<UplinkMessage>): Promise<UplinkState> {
  try {
    state.appKey.current = await resolveSecret(env.config.thingworx.appKey);
  } catch (error) {
    ctx.log.error({ err: error }, 'app key could not be read again; keeping the previous one');
  }
  // The operator may fix the key only after the 401: keep re-reading while refused, so a later check uses it.
  state.cancelKeyReload?.();
  state.cancelKeyReload =
    state.engine.sessionState === 'unauthorized'
      ? ctx.schedule({ type: 'ReloadAppKey' }, state.engine.limits.unauthorizedRecheckMs)
      : undefined;
  return state;
}

/** The only actor that talks to ThingWorx: a thin shell around the delivery engine. */
export function uplinkBehaviour(env: AdapterEnvironment): Behaviour<UplinkState, UplinkMessage> {
  return {
    async init(ctx) {
      const { config } = env;
      const appKey = { current: await resolveSecret(config.thingworx.appKey) };
      const transport = await thingworxTransport(env, () => appKey.current, ctx);
      const engine = new DeliveryEngine({
        transport,
        sessionCheckThing: config.adapter.thing,
        endpointHost: new URL(config.thingworx.url).host,
        limits: config.uplink,
        logger: ctx.log,
        onDelivered: (batchId, sender) => notify(ctx, sender, { type: 'Delivered', batchId }),
        onSpaceAvailable: (sender) => notify(ctx, sender, { type: 'SpaceAvailable' }),
        onStateChange: (stateNow) => {
          if (stateNow === 'unauthorized') ctx.tellSelf({ type: 'ReloadAppKey' });
        },
        onFault: (error) => ctx.tellSelf({ type: 'EngineFaulted', error }),
      });
      engine.start();
      const incarnation = ++incarnations;
      for (const sender of senders(config)) notify(ctx, sender, { type: 'UplinkStarted', incarnation });
      ctx.schedule({ type: 'HealthDue' }, config.thingworx.healthIntervalMs);
      return { engine, transport, appKey, startedAt: env.now(), cancelKeyReload: undefined };
    },

    // Not async: an Offer, the hot path, is handled synchronously, so the mailbox keeps draining its
    // batch instead of ending it at every message (an async handler costs a promise and a loop turn).
    handle(state, msg, ctx) {
      switch (msg.type) {
        case 'Offer': {
          const result = state.engine.offer(msg.batch);
          notify(ctx, msg.batch.sender, { type: 'OfferAnswered', batchId: msg.batch.batchId, result });
          return state;
        }
        case 'Describe':
          ctx.reply(state.engine.status());
          return state;
        case 'HealthDue':
          return offerHealthAndReschedule(state, env, ctx);
        case 'ReloadAppKey':
          return reloadAppKey(state, env, ctx);
        case 'PrintersChanged':
          // Not awaited: a BIND round trip must not hold up the Offers behind it (thingsChanged never throws).
          void state.transport.thingsChanged?.();
          return state;
        case 'EngineFaulted':
          throw msg.error instanceof Error ? msg.error : new Error(String(msg.error));
        default:
          return exhaustive(msg);
      }
    },

    async terminate(state, reason: ExitReason, ctx) {
      // Only an orderly stop is worth a drain; after a crash the senders re-offer to the next incarnation.
      const drainMs = reason.kind === 'shutdown' ? UPLINK_ACTOR_DEFAULTS.shutdownDrainMs : 0;
      const report = await state.engine.stop({ drainMs });
      if (!report.drained) {
        ctx.log.warn(
          { remainingReadings: report.remainingReadings, unacknowledgedBatches: report.unacknowledged.length },
          'uplink stopped with readings not delivered; their sources were not acknowledged and will re-send',
        );
      }
      await state.transport.close();
    },
  };
}
