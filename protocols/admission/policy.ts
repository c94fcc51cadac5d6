/**
 * Who gets a connection slot on a printer-facing listener. Pure bookkeeping, no sockets: the
 * listeners ask `admit` when a connection arrives and release its ticket when it closes.
 *
 * The slots are split so that configured printers can always connect, whatever anonymous peers do:
 * anonymous connections may hold at most `maxConnections - reserved`, and no more than
 * `maxConnectionsPerAddress` from one address; a printer recognised by its address (at accept) or
 * its certificate subject (after the TLS handshake) may take any free slot.
 */

export interface AdmissionLimits {
  /** Connections the listener holds at once, printers' and anonymous ones together. */
  maxConnections: number;
  /** Connections from one address not (yet) known to be a printer's, TLS handshakes included. */
  maxConnectionsPerAddress: number;
  /**
   * Slots kept free for each configured printer recognisable at accept (address or certificate); all of them together
   * at most MAX_RESERVED_SHARE of maxConnections.
   */
  reservedPerPrinter: number;
  /** TLS handshakes under way from unknown addresses (the subject is not known before it ends). */
  maxPendingHandshakes: number;
}

/** At most this share of maxConnections is reserved, so printers known only by their documents still fit. */
export const MAX_RESERVED_SHARE = 0.5;

/** Why a connection was refused; also the key of the refusal counters. */
export type RefusalReason =
  /** Every slot is taken. */
  | 'listener-full'
  /** The anonymous share is taken; the rest is kept for configured printers. */
  | 'anonymous-full'
  /** Too many connections from this address. */
  | 'per-address'
  /** Too many TLS handshakes under way. */
  | 'handshakes-full';

export const REFUSAL_REASONS: readonly RefusalReason[] = ['listener-full', 'anonymous-full', 'per-address', 'handshakes-full'];

export type RefusalCounts = Record<RefusalReason, number>;

/** What identifies configured printers before any data: their source addresses and certificate subjects. */
export interface KnownPrinters {
  addresses: readonly string[];
  tlsSubjects: readonly string[];
  /** Printers recognisable by one of them (each gets reservedPerPrinter slots). */
  count: number;
}

export const NO_KNOWN_PRINTERS: KnownPrinters = Object.freeze({ addresses: [], tlsSubjects: [], count: 0 });

/** printer: recognised; anonymous: not a printer's; pending: TLS handshake under way, subject unknown. */
export type SlotClass = 'printer' | 'anonymous' | 'pending';

export type Admission = { admitted: true; ticket: AdmissionTicket } | { admitted: false; reason: RefusalReason };

/** One admitted connection's slot. */
export interface AdmissionTicket {
  readonly address: string;
  readonly slot: SlotClass;
  /**
   * The TLS handshake finished (subject undefined without a verified client certificate): a
   * pending slot becomes a printer's or an anonymous one. Refused (and released) when an anonymous
   * slot is not free.
   */
  identify(tlsSubject: string | undefined): { admitted: true } | { admitted: false; reason: RefusalReason };
  /** The peer proved it is a printer later (push authentication): it leaves the anonymous share. */
  promote(): void;
  /** Idempotent. */
  release(): void;
}

/** A dual-stack listener reports IPv4 peers as "::ffff:10.0.0.5"; config says "10.0.0.5". */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice('::ffff:'.length) : lower;
}

export class AdmissionPolicy {
  private addresses = new Set<string>();
  private subjects = new Set<string>();
  private reservedSlots = 0;
  private readonly held: Record<SlotClass, number> = { printer: 0, anonymous: 0, pending: 0 };
  /** Anonymous and pending connections per address; printers' are not counted (a NAT may hide several). */
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly limits: AdmissionLimits,
    known: KnownPrinters = NO_KNOWN_PRINTERS,
  ) {
    this.setKnownPrinters(known);
  }

  /** Reload: open connections keep their slots; new ones are judged by the new set. */
  setKnownPrinters(known: KnownPrinters): void {
    this.addresses = new Set(known.addresses.map(normalizeAddress));
    this.subjects = new Set(known.tlsSubjects);
    this.reservedSlots = Math.min(
      known.count * this.limits.reservedPerPrinter,
      Math.floor(this.limits.maxConnections * MAX_RESERVED_SHARE),
    );
  }

  get reserved(): number {
    return this.reservedSlots;
  }

  counts(): Readonly<Record<SlotClass, number>> {
    return { ...this.held };
  }

  isPrinterAddress(address: string): boolean {
    return this.addresses.has(normalizeAddress(address));
  }

  /**
   * A connection arrived from `address`. On a TLS listener pass `tlsPending` (the subject comes
   * later, through identify); a known printer address is admitted as a printer at once.
   */
  admit(remoteAddress: string, options: { tlsPending?: boolean; tlsSubject?: string } = {}): Admission {
    const address = normalizeAddress(remoteAddress);
    const printer = this.addresses.has(address) || (options.tlsSubject !== undefined && this.subjects.has(options.tlsSubject));
    if (this.total() >= this.limits.maxConnections) return { admitted: false, reason: 'listener-full' };
    if (printer) return { admitted: true, ticket: this.ticket(address, 'printer') };
    if ((this.perAddress.get(address) ?? 0) >= this.limits.maxConnectionsPerAddress) {
      return { admitted: false, reason: 'per-address' };
    }
    if (options.tlsPending) {
      if (this.held.pending >= this.limits.maxPendingHandshakes) return { admitted: false, reason: 'handshakes-full' };
      return { admitted: true, ticket: this.ticket(address, 'pending') };
    }
    if (!this.anonymousSlotFree()) return { admitted: false, reason: 'anonymous-full' };
    return { admitted: true, ticket: this.ticket(address, 'anonymous') };
  }

  /** Pending handshakes do not count against the listener's slots: they are bounded on their own. */
  private total(): number {
    return this.held.printer + this.held.anonymous;
  }

  private anonymousSlotFree(): boolean {
    return this.held.anonymous < this.limits.maxConnections - this.reservedSlots && this.total() < this.limits.maxConnections;
  }

  private ticket(address: string, initial: SlotClass): AdmissionTicket {
    let slot: SlotClass | 'released' = initial;
    this.take(address, initial);
    const policy = this;
    return {
      address,
      get slot() {
        return slot === 'released' ? initial : slot;
      },
      identify(tlsSubject) {
        if (slot !== 'pending') return { admitted: true };
        policy.give(address, 'pending');
        const printer = tlsSubject !== undefined && policy.subjects.has(tlsSubject);
        if (printer && policy.total() < policy.limits.maxConnections) {
          slot = 'printer';
          policy.take(address, 'printer');
          return { admitted: true };
        }
        if (!printer && policy.anonymousSlotFree()) {
          slot = 'anonymous';
          policy.take(address, 'anonymous');
          return { admitted: true };
        }
        slot = 'released';
        return { admitted: false, reason: printer ? 'listener-full' : 'anonymous-full' };
      },
      promote() {
        if (slot !== 'anonymous' && slot !== 'pending') return;
        policy.give(address, slot);
        slot = 'printer';
        policy.take(address, 'printer');
      },
      release() {
        if (slot === 'released') return;
        policy.give(address, slot);
        slot = 'released';
      },
    };
  }

  private take(address: string, slot: SlotClass): void {
    this.held[slot] += 1;
    if (slot !== 'printer') this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
  }

  private give(address: string, slot: SlotClass): void {
    this.held[slot] -= 1;
    if (slot === 'printer') return;
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  }
}

/** The addresses and subjects of printers as configured (structurally, so this module needs no config types). */
export function knownPrintersOf(printers: readonly { identity: { remoteAddress?: string; tlsSubject?: string } }[]): KnownPrinters {
  const addresses: string[] = [];
  const tlsSubjects: string[] = [];
  let count = 0;
  for (const { identity } of printers) {
    if (identity.remoteAddress !== undefined) addresses.push(identity.remoteAddress);
    if (identity.tlsSubject !== undefined) tlsSubjects.push(identity.tlsSubject);
    if (identity.remoteAddress !== undefined || identity.tlsSubject !== undefined) count += 1;
  }
  return { addresses, tlsSubjects, count };
}
