import type { OfferResult, UplinkBatch } from './batch.js';

/** What the uplink actor handles. */
export type UplinkMessage =
  /** A sender hands over a batch; the answer comes back as an OfferAnswered notice to batch.sender. */
  | { type: 'Offer'; batch: UplinkBatch }
  /** An ask: answers the engine's status (CLI `uplink` view). */
  | { type: 'Describe' }
  /** Time to send the adapter's own health to its Thing. */
  | { type: 'HealthDue' }
  /** The session went unauthorized: read the app key again (it may have been rotated on disk). */
  | { type: 'ReloadAppKey' }
  /** A reload changed the configured printers: a session transport binds the new Things and unbinds the removed. */
  | { type: 'PrintersChanged' }
  /** The engine's bookkeeping failed: crash, so the supervisor restarts the uplink with a clean engine. */
  | { type: 'EngineFaulted'; error: unknown };

/**
 * What the uplink tells a sender (a collector or a health actor). Senders must include these in
 * their own message unions.
 */
export type UplinkNotice =
  | { type: 'OfferAnswered'; batchId: string; result: OfferResult }
  /** Every reading of the batch was accepted by ThingWorx: the sender may release its source. */
  | { type: 'Delivered'; batchId: string }
  /** A sender told busy may offer again. */
  | { type: 'SpaceAvailable' }
  /**
   * A new uplink incarnation started with an empty queue: whatever the sender offered before and has
   * not seen Delivered for is gone and must be offered again.
   */
  | { type: 'UplinkStarted'; incarnation: number };
