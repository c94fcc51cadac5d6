/**
 * What the adapter refused or dropped since it started, by printer and reason, and the windows it
 * refused from peers it does not know, by peer. One ledger per adapter (in its environment), written
 * by the collectors and ingress, read by the CLI views and the adapter's health Thing. It outlives
 * the actors that write it, so a restarted collector does not make a counter go back to zero.
 */
import { addDropCounts, type DropCounts, type DropReason, emptyDropCounts } from '../domain/catalog/normalizer.js';
import { DROP_LEDGER_DEFAULTS } from '../config/defaults.js';

/** What a printer's inputs can lose: the normalizer's reasons, and a window whose claimed printer the certificate overrode. */
export type PrinterDropReason = DropReason | 'identity_mismatch';
export type PrinterDropCounts = Record<PrinterDropReason, number>;

/** Why a window was refused before any printer could be named for it. */
export type RefusalReason = 'unknown_printer';

/** The peer label of every peer past the bound. */
export const OTHER_PEERS = 'other';

export interface DropLedgerLimits {
  maxNamedPeers: number;
}

export interface Refusal {
  reason: RefusalReason;
  peer: string;
  count: number;
}

function emptyPrinterDrops(): PrinterDropCounts {
  return { ...emptyDropCounts(), identity_mismatch: 0 };
}

export class DropLedger {
  readonly #limits: DropLedgerLimits;
  readonly #byPrinter = new Map<string, PrinterDropCounts>();
  readonly #refused = new Map<RefusalReason, Map<string, number>>();

  constructor(limits: DropLedgerLimits = DROP_LEDGER_DEFAULTS) {
    this.#limits = limits;
  }

  #of(printer: string): PrinterDropCounts {
    let counts = this.#byPrinter.get(printer);
    if (counts === undefined) {
      counts = emptyPrinterDrops();
      this.#byPrinter.set(printer, counts);
    }
    return counts;
  }

  /** Adds a normalized batch's drops (cheap for the shared no-drop value most batches carry). */
  add(printer: string, drops: Readonly<DropCounts>): void {
    addDropCounts(this.#of(printer), drops);
  }

  count(printer: string, reason: PrinterDropReason, by = 1): void {
    this.#of(printer)[reason] += by;
  }

  /**
   * Counts a refused window under its peer, or under OTHER_PEERS once the bound is reached.
   * True when this peer was counted by name for the first time (the caller logs it once).
   */
  refused(reason: RefusalReason, peer: string): boolean {
    let peers = this.#refused.get(reason);
    if (peers === undefined) {
      peers = new Map();
      this.#refused.set(reason, peers);
    }
    const known = peers.get(peer);
    if (known !== undefined) {
      peers.set(peer, known + 1);
      return false;
    }
    const named = peers.size - (peers.has(OTHER_PEERS) ? 1 : 0);
    if (named < this.#limits.maxNamedPeers) {
      peers.set(peer, 1);
      return true;
    }
    peers.set(OTHER_PEERS, (peers.get(OTHER_PEERS) ?? 0) + 1);
    return false;
  }

  /** Every reason of one printer, zeros included (a copy). */
  ofPrinter(printer: string): PrinterDropCounts {
    return { ...(this.#byPrinter.get(printer) ?? emptyPrinterDrops()) };
  }

  refusals(): Refusal[] {
    const list: Refusal[] = [];
    for (const [reason, peers] of this.#refused) {
      for (const [peer, count] of peers) list.push({ reason, peer, count });
    }
    return list;
  }

  /** Since the adapter started, over every printer (removed ones too) and every refusal; non-zero reasons only. */
  totalsByReason(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const counts of this.#byPrinter.values()) {
      for (const [reason, count] of Object.entries(counts)) if (count > 0) totals[reason] = (totals[reason] ?? 0) + count;
    }
    for (const refusal of this.refusals()) totals[refusal.reason] = (totals[refusal.reason] ?? 0) + refusal.count;
    return totals;
  }
}

export const PRINTER_DROP_REASONS: readonly PrinterDropReason[] = Object.freeze(Object.keys(emptyPrinterDrops()) as PrinterDropReason[]);
