import { normalizeAddress } from '../admission/policy.js';
import type { PeerIdentity } from '../lumberjack/batch.js';
import type { BeatsDocument } from './documents.js';

/** The identity fields a printer may configure (config's PrinterIdentity has this shape). */
export interface BeatsPrinterIdentity {
  tlsSubject?: string;
  fieldsPrinterId?: string;
  hostName?: string;
  remoteAddress?: string;
}

export interface IdentifiablePrinter {
  id: string;
  identity: BeatsPrinterIdentity;
}

/** Strongest first: a verified certificate, then what the Beat says about itself, then the network. */
const PRIORITY = ['tlsSubject', 'fieldsPrinterId', 'hostName', 'remoteAddress'] as const;

/**
 * Which printer sent a document: the first of TLS subject, `fields.printer_id`, `host.name` and
 * remote address that some printer configures and that matches. A printer is only ever matched on
 * the fields it configures. Identity values are unique across printers (the config checks that),
 * so the first match is the only one.
 */
export function identifyPrinter(
  peer: Pick<PeerIdentity, 'remoteAddress' | 'tlsSubject'>,
  decoded: BeatsDocument,
  printers: readonly IdentifiablePrinter[],
): string | undefined {
  // Runs for every window: plain loops, and the address normalized only when it comes to that.
  for (const field of PRIORITY) {
    const value = field === 'remoteAddress' ? normalizeAddress(peer.remoteAddress) : observedValue(field, peer, decoded);
    if (value === undefined) continue;
    for (const printer of printers) {
      const configured = printer.identity[field];
      if (configured === undefined) continue;
      if (field === 'remoteAddress' ? normalizeAddress(configured) === value : configured === value) return printer.id;
    }
  }
  return undefined;
}

function observedValue(
  field: Exclude<(typeof PRIORITY)[number], 'remoteAddress'>,
  peer: Pick<PeerIdentity, 'tlsSubject'>,
  decoded: BeatsDocument,
): string | undefined {
  if (field === 'tlsSubject') return peer.tlsSubject;
  return field === 'fieldsPrinterId' ? decoded.fieldsPrinterId : decoded.hostName;
}

