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
 * Which printer sent a document: the first of TLS subject, `fields.printer_id`, the host name and
 * remote address that some printer configures and that matches. A configured `hostName` matches the
 * host as any Beats generation names it: `host.name`, `agent.hostname` (7.x) or `beat.hostname`
 * (6.x). A printer is only ever matched on the fields it configures. Identity values are unique
 * across printers (the config checks that), so the first match is the only one.
 */
export function identifyPrinter(
  peer: Pick<PeerIdentity, 'remoteAddress' | 'tlsSubject'>,
  decoded: BeatsDocument,
  printers: readonly IdentifiablePrinter[],
): string | undefined {
  // Runs for every window: plain loops, and the address normalized only when it comes to that.
  for (const field of PRIORITY) {
    if (field === 'hostName') {
      const matched =
        printerWithHostName(decoded.hostName, printers) ??
        printerWithHostName(decoded.agentHostName, printers) ??
        printerWithHostName(decoded.beatHostName, printers);
      if (matched !== undefined) return matched;
      continue;
    }
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

/** The printer whose configured hostName is exactly `hostName`. */
function printerWithHostName(hostName: string | undefined, printers: readonly IdentifiablePrinter[]): string | undefined {
  if (hostName === undefined) return undefined;
  for (const printer of printers) {
    if (printer.identity.hostName === hostName) return printer.id;
  }
  return undefined;
}

function observedValue(field: 'tlsSubject' | 'fieldsPrinterId', peer: Pick<PeerIdentity, 'tlsSubject'>, decoded: BeatsDocument): string | undefined {
  return field === 'tlsSubject' ? peer.tlsSubject : decoded.fieldsPrinterId;
}

/** A dual-stack listener reports IPv4 peers as "::ffff:10.0.0.5"; config says "10.0.0.5". */
function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice('::ffff:'.length) : lower;
}
