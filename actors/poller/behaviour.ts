import { parseHostPort } from '../../config/endpoint.js';
import type { PrinterConfig } from '../../config/types.js';
import { type CatalogView, catalogView, normalizeReadings } from '../../domain/catalog/normalizer.js';
import { createPrinterClient, type PrinterClient } from '../../protocols/printer/client.js';
import { PipError } from '../../protocols/printer/errors.js';
import { badPollReadings, type PollReplies, pollReadings } from '../../protocols/printer/poll-readings.js';
import type { Reading } from '../../domain/readings.js';
import type { ActorContext, Behaviour } from '../../supervision/index.js';
import type { AdapterEnvironment } from '../environment.js';
import { exhaustive } from '../exhaustive.js';
import type { HealthMessage } from '../health/messages.js';
import { healthPath, UPLINK_PATH } from '../paths.js';
import type { UplinkMessage } from '../uplink/messages.js';
import { handleUplinkNotice, type OfferKeeper, type SenderHooks } from '../uplink/sender.js';
import type { PollerMessage, PollerView } from './messages.js';

/**
 * Whether the printer's not answering has been written to ThingWorx. The BAD readings (BuildState
 * `offline` among them) go once per change from answering to not answering, not on every failed poll:
 * - answering: the last poll succeeded (or none failed yet);
 * - unreported: polls fail and no uplink has taken the BAD readings yet (not offered, busy, refused);
 * - offered: handed to the uplink as this batch, answer pending;
 * - reported: the uplink took them; nothing more is written until a poll succeeds.
 */
type Outage = { kind: 'answering' } | { kind: 'unreported' } | { kind: 'offered'; batchId: string } | { kind: 'reported' };

interface PollerState {
  client: PrinterClient;
  catalog: CatalogView;
  polling: boolean;
  lastGood: Reading[];
  outage: Outage;
  nextBatch: number;
  view: Omit<PollerView, 'connection'>;
}

type OfferOutcome = { kind: 'offered'; batchId: string } | { kind: 'nothing-to-send' } | { kind: 'no-uplink' };

/** Poll readings are never held: no source to release, nothing to resume. */
const NOTHING_TO_RELEASE: SenderHooks<never> = {};

/**
 * The poller's offers as the sender's side of the delivery protocol sees them: poll readings are
 * state and never queued, so only the outage report's offer is kept, and no answer makes it busy.
 */
function outageReport(state: PollerState): OfferKeeper<never> {
  return {
    busy: false,
    answered(batchId, result) {
      const accepted = result.kind === 'accepted';
      if (!accepted) state.view.skippedBusy++;
      // A refused outage report is offered again with the next failed poll.
      if (state.outage.kind === 'offered' && state.outage.batchId === batchId) {
        state.outage = accepted ? { kind: 'reported' } : { kind: 'unreported' };
      }
      return undefined;
    },
    delivered: () => [],
    spaceAvailable: () => undefined,
    // A new uplink may not hold what the old one took: write the outage again if it lasts.
    uplinkRestarted() {
      if (state.outage.kind === 'offered' || state.outage.kind === 'reported') state.outage = { kind: 'unreported' };
    },
    retry: () => undefined,
  };
}

async function pollOnce(client: PrinterClient): Promise<PollReplies> {
  // One query at a time: the printer-interface protocol allows one outstanding request.
  const status = await client.status();
  const sensors = await client.sensors();
  const consumables = await client.consumables();
  return { status, sensors, consumables };
}

/**
 * Queries one printer periodically with the read-only printer-interface ops. Poll readings are
 * state (newer replaces older), so a round the uplink cannot take now is skipped, not queued.
 */
export function pollerBehaviour(env: AdapterEnvironment, printer: PrinterConfig): Behaviour<PollerState, PollerMessage> {
  const family = env.config.catalog.families[printer.family];
  if (!family) throw new Error(`printer ${printer.id}: family ${printer.family} is not in the catalog`);
  const endpoint = parseHostPort(printer.address);
  if (!endpoint) throw new Error(`printer ${printer.id}: address ${printer.address} is not host:port`);

  function offer(state: PollerState, ctx: ActorContext<PollerMessage>, readings: Reading[]): OfferOutcome {
    const kept = normalizeReadings(state.catalog, readings).readings;
    if (kept.length === 0) return { kind: 'nothing-to-send' };
    const batch = {
      batchId: `${ctx.path}#${state.nextBatch++}`,
      sender: ctx.self,
      thing: printer.thing,
      lane: 'state' as const,
      readings: kept,
    };
    if (ctx.registry.tell(UPLINK_PATH, { type: 'Offer', batch } satisfies UplinkMessage))
      return { kind: 'offered', batchId: batch.batchId };
    state.view.skippedBusy++;
    return { kind: 'no-uplink' };
  }

  /** The BAD readings of a failed poll, unless this outage is already written or on its way. */
  function reportOutage(state: PollerState, ctx: ActorContext<PollerMessage>, at: number): void {
    if (state.outage.kind === 'offered' || state.outage.kind === 'reported') return;
    const outcome = offer(state, ctx, badPollReadings(printer.id, state.lastGood, at));
    state.outage =
      outcome.kind === 'offered'
        ? { kind: 'offered', batchId: outcome.batchId }
        : outcome.kind === 'nothing-to-send'
          ? { kind: 'reported' }
          : { kind: 'unreported' };
  }

  function tellHealth(ctx: ActorContext<PollerMessage>, msg: HealthMessage): void {
    ctx.registry.tell(healthPath(printer.id), msg);
  }

  return {
    init(ctx) {
      const client = createPrinterClient({
        host: endpoint.host,
        port: endpoint.port,
        logger: ctx.log,
        name: printer.id,
      });
      ctx.tellSelf({ type: 'PollDue' });
      return {
        client,
        catalog: catalogView(family),
        polling: false,
        lastGood: [],
        outage: { kind: 'answering' },
        nextBatch: 1,
        view: { polls: 0, failures: 0, skippedBusy: 0 },
      };
    },

    handle(state, msg, ctx) {
      switch (msg.type) {
        case 'PollDue':
          ctx.schedule({ type: 'PollDue' }, printer.pollIntervalMs);
          if (state.polling) return state;
          state.polling = true;
          // Off the mailbox: a slow printer must not make the poller deaf to pings and the CLI.
          pollOnce(state.client).then(
            (replies) => ctx.tellSelf({ type: 'PollCompleted', replies, at: env.now() }),
            (error: unknown) =>
              ctx.tellSelf({
                type: 'PollFailed',
                code: error instanceof PipError ? error.code : 'PIP_UNEXPECTED',
                message: error instanceof Error ? error.message : String(error),
                at: env.now(),
              }),
          );
          return state;
        case 'PollCompleted': {
          state.polling = false;
          state.view.polls++;
          state.view.lastPollAt = msg.at;
          const readings = pollReadings(printer.id, msg.replies, msg.at);
          state.lastGood = readings;
          state.outage = { kind: 'answering' };
          tellHealth(ctx, { type: 'Observed', source: 'poll', readings, at: msg.at });
          offer(state, ctx, readings);
          return state;
        }
        case 'PollFailed': {
          state.polling = false;
          state.view.failures++;
          state.view.lastError = { code: msg.code, message: msg.message, at: msg.at };
          tellHealth(ctx, { type: 'SourceFailed', source: 'poll', at: msg.at, reason: msg.code });
          reportOutage(state, ctx, msg.at);
          return state;
        }
        case 'OfferAnswered':
        case 'UplinkStarted':
        case 'Delivered':
        case 'SpaceAvailable':
          handleUplinkNotice(outageReport(state), msg, NOTHING_TO_RELEASE);
          return state;
        case 'Describe':
          ctx.reply({ ...state.view, connection: state.client.connection() } satisfies PollerView);
          return state;
        default:
          return exhaustive(msg);
      }
    },

    async terminate(state) {
      await state.client.close();
    },
  };
}
