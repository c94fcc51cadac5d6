import type { PrinterConfig } from '../../config/types.js';
import { type AlertTracker, type AlertTransition, createAlertTracker } from '../../domain/health/alert-tracker.js';
import { alertPropertyNames } from '../../domain/health/companions.js';
import { createLivenessTracker, type LivenessTracker, type PrinterLiveness } from '../../domain/health/liveness.js';
import type { Reading } from '../../domain/readings.js';
import type { ActorContext, Behaviour } from '../../supervision/index.js';
import type { AdapterEnvironment } from '../environment.js';
import { exhaustive } from '../exhaustive.js';
import { type OutboundBatches, outboundFor, type RefusedBatch } from '../uplink/outbound.js';
import { handleUplinkNotice } from '../uplink/sender.js';
import type { HealthMessage } from './messages.js';
import { HEALTH_ACTOR_DEFAULTS } from '../../config/defaults.js';

/** Numbers this actor's incarnations, for batch ids that never repeat across restarts. */
let incarnations = 0;

interface HealthState {
  alerts: AlertTracker;
  liveness: LivenessTracker;
  printerState: PrinterLiveness | undefined;
  /** Alerts and state changes are kept until ThingWorx has them: an alert is never lost or conflated. */
  outbound: OutboundBatches<undefined>;
  /** Unique to this incarnation: a late Delivered for an earlier one must not release an alert of this one. */
  batchPrefix: string;
  nextBatch: number;
  raised: number;
  cleared: number;
}

export interface HealthView {
  state: PrinterLiveness | undefined;
  sources: ReturnType<LivenessTracker['sources']>;
  activeAlerts: ReturnType<AlertTracker['active']>;
  /** Excursions waiting out their limit's raiseAfterMs. */
  pendingAlerts: ReturnType<AlertTracker['pending']>;
  alertsRaised: number;
  alertsCleared: number;
  pendingBatches: number;
}

/** A health batch refused for good is a bug of ours (never a size): logged, nothing to release. */
function logRefused(ctx: ActorContext<HealthMessage>, refused: RefusedBatch<undefined>, batchId: string): void {
  ctx.log.error({ batchId, detail: refused.detail }, 'uplink refused a health batch');
}

/**
 * One printer's health: liveness per source (online / degraded / offline) and its operating limits,
 * each alert raised once and cleared once, sent through the uplink's priority lane.
 */
export function healthBehaviour(env: AdapterEnvironment, printer: PrinterConfig): Behaviour<HealthState, HealthMessage> {
  const family = env.config.catalog.families[printer.family];
  if (!family) throw new Error(`printer ${printer.id}: family ${printer.family} is not in the catalog`);
  const thresholds = { staleAfterMs: env.config.health.staleAfterMs };

  function send(state: HealthState, ctx: ActorContext<HealthMessage>, lane: 'alert' | 'state', readings: Reading[]): void {
    const batchId = `${state.batchPrefix}${state.nextBatch++}`;
    state.outbound.add({ batchId, sender: ctx.self, thing: printer.thing, lane, readings }, undefined);
  }

  /**
   * One transition as the rows ThingWorx gets, in one batch: `<Alert>_Severity`, `<Alert>_Value`, then the
   * BOOLEAN `<Alert>`, all at the transition's time (the companions first: see domain/health/companions.ts).
   */
  function alertReadings(transition: AlertTransition, now: number): Reading[] {
    const names = alertPropertyNames(transition.alert);
    const row = (item: string, value: Reading['value']): Reading => ({
      printer: printer.id,
      item,
      value,
      time: transition.time,
      receivedAt: now,
      quality: 'GOOD',
      source: 'health',
    });
    return [row(names.severity, transition.severity), row(names.value, transition.value), row(names.alert, transition.state === 'raised')];
  }

  function sendTransitions(
    state: HealthState,
    ctx: ActorContext<HealthMessage>,
    transitions: readonly AlertTransition[],
    now: number,
  ): void {
    const readings: Reading[] = [];
    for (const t of transitions) {
      if (t.state === 'raised') state.raised++;
      else state.cleared++;
      ctx.log.warn(
        { printer: printer.id, alert: t.alert, item: t.item, value: t.value, severity: t.severity, state: t.state },
        `alert ${t.state}`,
      );
      readings.push(...alertReadings(t, now));
    }
    send(state, ctx, 'alert', readings);
  }

  function evaluate(state: HealthState, ctx: ActorContext<HealthMessage>): void {
    const now = env.now();
    const next = state.liveness.printerState(now, thresholds);
    if (next === state.printerState) return;
    ctx.log.info({ printer: printer.id, from: state.printerState, to: next }, 'printer state changed');
    state.printerState = next;
    const reading: Reading = {
      printer: printer.id,
      item: HEALTH_ACTOR_DEFAULTS.printerStateItem,
      value: next,
      time: now,
      receivedAt: now,
      quality: 'GOOD',
      source: 'health',
    };
    send(state, ctx, 'state', [reading]);
  }

  return {
    init(ctx) {
      ctx.schedule({ type: 'EvaluateDue' }, HEALTH_ACTOR_DEFAULTS.evaluateEveryMs);
      return {
        alerts: createAlertTracker(printer.limits),
        liveness: createLivenessTracker(family.sources),
        printerState: undefined,
        outbound: outboundFor<undefined, HealthMessage>(ctx, { type: 'RetryOffer' }),
        batchPrefix: `${ctx.path}#${++incarnations}.`,
        nextBatch: 1,
        raised: 0,
        cleared: 0,
      };
    },

    handle(state, msg, ctx) {
      switch (msg.type) {
        case 'Observed': {
          // Created on the first transition: most batches raise and clear nothing.
          let transitions: AlertTransition[] | undefined;
          state.liveness.observeAll(msg.readings);
          for (const reading of msg.readings) {
            const changed = state.alerts.observe(reading);
            if (changed.length === 0) continue;
            transitions ??= [];
            for (const transition of changed) transitions.push(transition);
          }
          if (msg.readings.length === 0) state.liveness.seen(msg.source, msg.at);
          if (transitions !== undefined) sendTransitions(state, ctx, transitions, msg.at);
          evaluate(state, ctx);
          return state;
        }
        case 'SourceFailed':
          state.liveness.failed(msg.source, msg.at);
          evaluate(state, ctx);
          return state;
        case 'EvaluateDue': {
          ctx.schedule({ type: 'EvaluateDue' }, HEALTH_ACTOR_DEFAULTS.evaluateEveryMs);
          // Excursions that have held their raiseAfterMs with no reading since are raised here.
          const now = env.now();
          const due = state.alerts.due(now);
          if (due.length > 0) sendTransitions(state, ctx, due, now);
          evaluate(state, ctx);
          return state;
        }
        case 'RetryOffer':
        case 'OfferAnswered':
        case 'Delivered':
        case 'SpaceAvailable':
        case 'UplinkStarted':
          handleUplinkNotice(state.outbound, msg, { refused: (refused, batchId) => logRefused(ctx, refused, batchId) });
          return state;
        case 'Describe': {
          const now = env.now();
          ctx.reply({
            state: state.printerState,
            sources: state.liveness.sources(now, thresholds),
            activeAlerts: state.alerts.active(),
            pendingAlerts: state.alerts.pending(),
            alertsRaised: state.raised,
            alertsCleared: state.cleared,
            pendingBatches: state.outbound.size,
          } satisfies HealthView);
          return state;
        }
        default:
          return exhaustive(msg);
      }
    },
  };
}
