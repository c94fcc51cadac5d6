import type { Logger } from '../../config/logging.js';
import {
  type Admission,
  type AdmissionLimits,
  AdmissionPolicy,
  type KnownPrinters,
  type RefusalCounts,
  type RefusalReason,
} from './policy.js';
import { RefusalRecorder } from './refusals.js';

const REFUSAL_MESSAGE: Record<RefusalReason, string> = {
  'listener-full': 'connection refused: every slot is taken',
  'anonymous-full': 'connection refused: the slots left are kept for configured printers',
  'per-address': 'connection refused: too many connections from this address',
  'handshakes-full': 'connection refused: too many TLS handshakes under way',
};

/** What a listener's admission looks like now, for the ingress view. */
export interface AdmissionStats {
  printerConnections: number;
  anonymousConnections: number;
  pendingHandshakes: number;
  /** Slots anonymous connections may not take. */
  reservedSlots: number;
  /** Connections refused at accept, by reason, since the listener started. */
  refused: RefusalCounts;
}

/** A listener's admission policy with its refusal counters and rate-limited warn lines. */
export class ListenerGate {
  readonly policy: AdmissionPolicy;
  private readonly refusals: RefusalRecorder;

  constructor(
    limits: AdmissionLimits,
    known: KnownPrinters,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    refusalLogIntervalMs?: number,
  ) {
    this.policy = new AdmissionPolicy(limits, known);
    this.refusals = new RefusalRecorder(refusalLogIntervalMs);
  }

  admit(remoteAddress: string, options: { tlsPending?: boolean; tlsSubject?: string } = {}): Admission {
    const admission = this.policy.admit(remoteAddress, options);
    if (!admission.admitted) this.refused(admission.reason, remoteAddress);
    return admission;
  }

  /** Counts a refusal and logs it unless a line for this reason was logged within the interval. */
  refused(reason: RefusalReason, remoteAddress: string): void {
    const decision = this.refusals.record(reason, this.now());
    if (!decision.log) return;
    const counts = this.policy.counts();
    this.logger.warn(
      {
        code: 'ADMISSION_REFUSED',
        reason,
        remoteAddress,
        suppressed: decision.suppressed,
        printerConnections: counts.printer,
        anonymousConnections: counts.anonymous,
        pendingHandshakes: counts.pending,
        reserved: this.policy.reserved,
      },
      REFUSAL_MESSAGE[reason],
    );
  }

  stats(): AdmissionStats {
    const counts = this.policy.counts();
    return {
      printerConnections: counts.printer,
      anonymousConnections: counts.anonymous,
      pendingHandshakes: counts.pending,
      reservedSlots: this.policy.reserved,
      refused: this.refusals.counts(),
    };
  }
}
