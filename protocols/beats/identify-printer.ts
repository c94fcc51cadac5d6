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
  const observed: BeatsPrinterIdentity = {
    tlsSubject: peer.tlsSubject,
    fieldsPrinterId: decoded.fieldsPrinterId,
    hostName: decoded.hostName,
    remoteAddress: normalizeAddress(peer.remoteAddress),
  };
  for (const field of PRIORITY) {
    const value = observed[field];
    if (value === undefined) continue;
    const match = printers.find((printer) => {
      const configured = printer.identity[field];
      if (configured === undefined) return false;
      return field === 'remoteAddress' ? normalizeAddress(configured) === value : configured === value;
    });
    if (match) return match.id;
  }
  return undefined;
}

/** A dual-stack listener reports IPv4 peers as "::ffff:10.0.0.5"; config says "10.0.0.5". */
function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice('::ffff:'.length) : lower;
}
