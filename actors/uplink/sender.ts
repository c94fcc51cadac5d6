import { exhaustive } from '../exhaustive.js';
import type { OfferResult } from './batch.js';
import type { UplinkNotice } from './messages.js';
import type { RefusedBatch } from './outbound.js';

/** The sender's own timer (OutboundPorts.retryAfter) firing: time to offer again. */
export type RetryOffer = { type: 'RetryOffer' };

/** Every notice a sender's side of the delivery protocol handles: the uplink's, and its own retry timer. */
export type SenderNotice = UplinkNotice | RetryOffer;

/**
 * What a sender keeps of its offers. OutboundBatches is the one every queueing sender uses; a
 * sender that offers state once and never queues (the poller's outage report) brings its own.
 */
export interface OfferKeeper<S> {
  /** True while the uplink said Busy and has not said SpaceAvailable. */
  readonly busy: boolean;
  answered(batchId: string, result: OfferResult): RefusedBatch<S> | undefined;
  delivered(batchId: string): Iterable<S>;
  spaceAvailable(): void;
  uplinkRestarted(): void;
  retry(): void;
}

/** What the actor itself does about a notice; everything else is the keeper's. */
export interface SenderHooks<S> {
  /** The uplink refused a batch for good (malformed: a bug of ours, never a size). */
  refused?(refused: RefusedBatch<S>, batchId: string): void;
  /** Every reading held for this source reached ThingWorx: release it. */
  delivered?(source: S): void;
  /** Not busy any more, after SpaceAvailable or a retry: paused sources may resume. */
  unblocked?(): void;
}

/**
 * The sender's side of every uplink notice, in one place: each actor's switch delegates its notice
 * cases here in one line and says only what is its own (release a window, count a drop, log).
 */
export function handleUplinkNotice<S>(keeper: OfferKeeper<S>, notice: SenderNotice, hooks: SenderHooks<S>): void {
  switch (notice.type) {
    case 'OfferAnswered': {
      const refused = keeper.answered(notice.batchId, notice.result);
      if (refused) hooks.refused?.(refused, notice.batchId);
      return;
    }
    case 'Delivered':
      for (const source of keeper.delivered(notice.batchId)) hooks.delivered?.(source);
      return;
    case 'SpaceAvailable':
      keeper.spaceAvailable();
      if (!keeper.busy) hooks.unblocked?.();
      return;
    case 'RetryOffer':
      keeper.retry();
      if (!keeper.busy) hooks.unblocked?.();
      return;
    case 'UplinkStarted':
      keeper.uplinkRestarted();
      return;
    default:
      exhaustive(notice);
  }
}
