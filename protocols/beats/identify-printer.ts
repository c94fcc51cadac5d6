import { normalizeAddress } from '../admission/policy.js';
import type { PeerIdentity } from '../lumberjack/batch.js';
import type { BeatsOrigin } from './documents.js';

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

/**
 * Which printer sent a document: the first of TLS subject, `fields.printer_id`, the host name and
 * remote address that some printer configures and that matches (strongest first: a verified
 * certificate, then what the Beat says about itself, then the network). A printer is only ever
 * matched on the fields it configures. Identity values are unique across printers (the config
 * checks that), so the first match is the only one.
 */
export function identifyPrinter(
  peer: Pick<PeerIdentity, 'remoteAddress' | 'tlsSubject'>,
  decoded: BeatsOrigin,
  printers: readonly IdentifiablePrinter[],
): string | undefined {
  if (peer.tlsSubject !== undefined) {
    for (const printer of printers) if (printer.identity.tlsSubject === peer.tlsSubject) return printer.id;
  }
  const claimed = claimedPrinter(decoded, printers);
  if (claimed !== undefined) return claimed;
  // Runs for every window: the address is normalized only when it comes to that.
  const address = normalizeAddress(peer.remoteAddress);
  for (const printer of printers) {
    const configured = printer.identity.remoteAddress;
    if (configured !== undefined && normalizeAddress(configured) === address) return printer.id;
  }
  return undefined;
}

/**
 * The printer a document names itself as: `fields.printer_id`, then the host name. A configured
 * `hostName` matches the host as any Beats generation names it: `host.name`, `agent.hostname` (7.x)
 * or `beat.hostname` (6.x).
 */
export function claimedPrinter(decoded: BeatsOrigin, printers: readonly IdentifiablePrinter[]): string | undefined {
  if (decoded.fieldsPrinterId !== undefined) {
    for (const printer of printers) if (printer.identity.fieldsPrinterId === decoded.fieldsPrinterId) return printer.id;
  }
  return (
    printerWithHostName(decoded.hostName, printers) ??
    printerWithHostName(decoded.agentHostName, printers) ??
    printerWithHostName(decoded.beatHostName, printers)
  );
}

/** The printer whose configured hostName is exactly `hostName`. */
function printerWithHostName(hostName: string | undefined, printers: readonly IdentifiablePrinter[]): string | undefined {
  if (hostName === undefined) return undefined;
  for (const printer of printers) {
    if (printer.identity.hostName === hostName) return printer.id;
  }
  return undefined;
}
