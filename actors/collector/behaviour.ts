import type { PrinterConfig } from '../../config/types.js';
import {
  type CatalogView,
  catalogView,
  type Normalized,
  normalizeBeatsEvents,
  normalizeReadings,
} from '../../domain/catalog/normalizer.js';
import type { BeatsBatch, BeatsWindowHandle } from '../../protocols/lumberjack/batch.js';
import type { PushDelivery, PushMessageHandle } from '../../protocols/push/connection.js';
import { pushReadings } from '../../protocols/push/readings.js';
import type { Reading } from '../../domain/readings.js';
import type { ActorContext, Behaviour, ExitReason } from '../../supervision/index.js';
import type { AdapterEnvironment } from '../environment.js';
import { exhaustive } from '../exhaustive.js';
import type { HealthMessage } from '../health/messages.js';
import type { IngressMessage } from '../ingress/messages.js';
import { healthPath, INGRESS_PATH } from '../paths.js';
import { coalescingLimitFor, type OutboundBatches, outboundFor } from '../uplink/outbound.js';
import { handleUplinkNotice, type SenderHooks } from '../uplink/sender.js';
import type { CollectorMessage, CollectorView } from './messages.js';

/**
 * What a collector must give back when its batch is delivered (or return unacknowledged when it stops):
 * only the way back to the printer, not the window's documents or the message's readings, which would
 * otherwise stay alive (and be copied by every young-generation GC) until ThingWorx has the readings
 * made from them: the window's or the message's handle (their comments say who calls what, and when).
 */
type HeldSource = { kind: 'beats'; window: BeatsWindowHandle } | { kind: 'push'; message: PushMessageHandle };

/** One small object per source: it lives until delivery. */
function heldWindow(batch: BeatsBatch): HeldSource {
  return { kind: 'beats', window: batch.handle };
}

function heldMessage(delivery: PushDelivery): HeldSource {
  return { kind: 'push', message: delivery.handle };
}

/** A loop rather than readings.every(): no closure per batch. */
function allFrom(readings: readonly Reading[], source: Reading['source']): boolean {
  for (const reading of readings) if (reading.source !== source) return false;
  return true;
}

function anyFrom(readings: readonly Reading[], source: Reading['source']): boolean {
  for (const reading of readings) if (reading.source === source) return true;
  return false;
}

type LiveSource = keyof CollectorView['lastSeen'];

/** Which Beat a window came from: Metricbeat when it gave a sample, Filebeat when it held any log line, even one no rule matched. */
function windowSource(normalized: Normalized): LiveSource | undefined {
  if (anyFrom(normalized.readings, 'metricbeat')) return 'metricbeat';
  const { drops } = normalized;
  const lines = normalized.linesMatched + drops.log_no_match + drops.log_too_long + drops.log_conversion_failed;
  return lines > 0 || anyFrom(normalized.readings, 'filebeat') ? 'filebeat' : undefined;
}

interface CollectorState {
  catalog: CatalogView;
  outbound: OutboundBatches<HeldSource>;
  /** Sources paused while the uplink is busy; resumed on SpaceAvailable. */
  paused: HeldSource[];
  /** Unique to this incarnation, so batch ids never repeat across restarts (see `incarnations`). */
  batchPrefix: string;
  nextBatch: number;
  view: Omit<CollectorView, 'pendingBatches' | 'waitingForSpace' | 'dropped'>;
}

/**
 * The uplink may still deliver batches of an earlier incarnation of this collector and then tells
 * the path Delivered(batchId): with ids that restart at #1 that would release this incarnation's
 * batch of the same number before ThingWorx has it, and an event would be acknowledged but lost.
 */
let incarnations = 0;

function release(source: HeldSource): void {
  if (source.kind === 'beats') source.window.ack();
  else source.message.ack();
}

/** Stops or restarts reading from the source: a Beats window through its handle, a push connection through ingress. */
function setReading(source: HeldSource, reading: boolean, ctx: ActorContext<CollectorMessage>): void {
  if (source.kind === 'beats') {
    if (reading) source.window.resume();
    else source.window.pause();
    return;
  }
  const paused = !reading;
  ctx.registry.tell(INGRESS_PATH, { type: 'PausePush', connectionId: source.message.connectionId, paused } satisfies IngressMessage);
}

function pause(state: CollectorState, source: HeldSource, ctx: ActorContext<CollectorMessage>): void {
  setReading(source, false, ctx);
  state.paused.push(source);
}

function resumeAll(state: CollectorState, ctx: ActorContext<CollectorMessage>): void {
  for (const source of state.paused.splice(0)) setReading(source, true, ctx);
}

/**
 * One printer's collector: Beats windows and push messages become catalogued readings, go to the
 * uplink as one batch each (coalesced with those queued behind an offer, see OutboundBatches), and
 * are released to the printer (ACK) only once ThingWorx has them.
 */
export function collectorBehaviour(env: AdapterEnvironment, printer: PrinterConfig): Behaviour<CollectorState, CollectorMessage> {
  const family = env.config.catalog.families[printer.family];
  if (!family) throw new Error(`printer ${printer.id}: family ${printer.family} is not in the catalog`);
  const health = healthPath(printer.id);

  /**
   * `sourceName` is the source the input proves alive, even when none of it may leave the adapter
   * (lines no rule matches): undefined only for a window that held no line and no sample it knows.
   */
  function accept(
    state: CollectorState,
    ctx: ActorContext<CollectorMessage>,
    source: HeldSource,
    sourceName: LiveSource | undefined,
    normalized: Normalized,
  ): void {
    const now = env.now();
    env.drops.add(printer.id, normalized.drops);
    if (sourceName !== undefined) state.view.lastSeen[sourceName] = now;
    if (normalized.readings.length === 0) {
      if (sourceName !== undefined)
        ctx.registry.tell(health, { type: 'Observed', source: sourceName, readings: [], at: now } satisfies HealthMessage);
      // Nothing in it may leave the adapter (unknown lines, JOBFILE, off-catalog): it is handled.
      release(source);
      return;
    }
    forwardToHealth(ctx, normalized.readings, now);
    state.view.readingsForwarded += normalized.readings.length;
    const batchId = `${state.batchPrefix}${state.nextBatch++}`;
    state.outbound.add({ batchId, sender: ctx.self, thing: printer.thing, lane: 'event', readings: normalized.readings }, source);
    if (state.outbound.busy) pause(state, source, ctx);
  }

  function forwardToHealth(ctx: ActorContext<CollectorMessage>, readings: readonly Reading[], at: number): void {
    const source = readings[0]?.source;
    if (source === undefined) return;
    // The common case (a push message, a Filebeat window): one source, forwarded as it is.
    if (allFrom(readings, source)) {
      if (source !== 'health') ctx.registry.tell(health, { type: 'Observed', source, readings, at } satisfies HealthMessage);
      return;
    }
    const bySource = new Map<Reading['source'], Reading[]>();
    for (const reading of readings) {
      const list = bySource.get(reading.source) ?? [];
      list.push(reading);
      bySource.set(reading.source, list);
    }
    for (const [source, list] of bySource) {
      if (source === 'health') continue;
      ctx.registry.tell(health, { type: 'Observed', source, readings: list, at } satisfies HealthMessage);
    }
  }

  /** The collector's part of the uplink's notices: release what was delivered, resume when not busy. */
  function noticeHooks(state: CollectorState, ctx: ActorContext<CollectorMessage>): SenderHooks<HeldSource> {
    return {
      refused(refused, batchId) {
        // Malformed (a bug of ours, never a size: oversized batches wait and go alone): keeping it would
        // stall this printer for good. Counted and logged.
        env.drops.count(printer.id, 'not_sendable', refused.batch.readings.length);
        ctx.log.error({ batchId, detail: refused.detail }, 'uplink refused a batch for good; dropped');
        release(refused.source);
      },
      delivered: release,
      unblocked: () => resumeAll(state, ctx),
    };
  }

  return {
    init(ctx) {
      // What reached the previous incarnation's mailbox died with it; ingress makes the printer re-send.
      ctx.registry.tell(INGRESS_PATH, { type: 'CollectorStarted', printer: printer.id } satisfies IngressMessage);
      return {
        catalog: catalogView(family),
        outbound: outboundFor<HeldSource, CollectorMessage>(
          ctx,
          { type: 'RetryOffer' },
          { maxCoalescedReadings: coalescingLimitFor(env.config.uplink, 'event') },
        ),
        paused: [],
        batchPrefix: `${ctx.path}#${++incarnations}.`,
        nextBatch: 1,
        view: { windows: 0, pushMessages: 0, readingsForwarded: 0, lastSeen: {} },
      };
    },

    handle(state, msg, ctx) {
      switch (msg.type) {
        case 'WindowReceived': {
          state.view.windows++;
          const normalized = normalizeBeatsEvents(printer.id, state.catalog, msg.batch.events, msg.batch.receivedAt);
          accept(state, ctx, heldWindow(msg.batch), windowSource(normalized), normalized);
          return state;
        }
        case 'PushReceived': {
          state.view.pushMessages++;
          const normalized = normalizeReadings(state.catalog, pushReadings(msg.delivery, env.now(), state.catalog.items));
          accept(state, ctx, heldMessage(msg.delivery), 'push', normalized);
          return state;
        }
        case 'OfferAnswered':
        case 'Delivered':
        case 'SpaceAvailable':
        case 'UplinkStarted':
        case 'RetryOffer':
          handleUplinkNotice(state.outbound, msg, noticeHooks(state, ctx));
          return state;
        case 'Describe':
          ctx.reply({
            ...state.view,
            dropped: env.drops.ofPrinter(printer.id),
            pendingBatches: state.outbound.size,
            waitingForSpace: state.outbound.busy,
          } satisfies CollectorView);
          return state;
        default:
          return exhaustive(msg);
      }
    },

    terminate(state, _reason: ExitReason, ctx) {
      // Whatever was not delivered goes back unacknowledged, at once, so the printer re-sends now
      // rather than after its timeout.
      resumeAll(state, ctx);
      for (const source of state.outbound.takeAll()) {
        if (source.kind === 'beats') source.window.reject('collector stopped before delivery');
        else
          ctx.registry.tell(INGRESS_PATH, {
            type: 'DropPushConnection',
            connectionId: source.message.connectionId,
          } satisfies IngressMessage);
      }
    },
  };
}
