/**
 * What travels through a supervised actor's nact mailbox. The wrapper, not the behaviour, handles
 * every kind but `user`. A class so the wrapper can tell our envelopes from raw nact dispatches.
 */
export type EnvelopeKind =
  | 'init' // first message of every incarnation: runs init
  | 'user' // a behaviour message
  | 'ping' // answered by the wrapper: proves the mailbox is being processed
  | 'probe' // does nothing; gives an armed crash a message to happen on
  | 'stop'; // ordered stop: runs after what is already queued, then terminate

export class Envelope {
  constructor(
    readonly kind: EnvelopeKind,
    readonly body: unknown,
    /** Counted in the mailbox depth when sent. */
    readonly counted: boolean,
  ) {}
}
