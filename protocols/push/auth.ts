import { createHash, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

/** What the server knows about a connecting printer when it decides who it is. */
export interface PushAuthRequest {
  /** From `Authorization: Bearer <token>`. */
  token?: string;
  /** Subject of a client certificate the server's CA verified, e.g. "CN=printer-01". */
  tlsSubject?: string;
  remoteAddress: string;
}

/** The printer id for a request, or undefined to refuse it (401). */
export type PushAuthenticator = (request: PushAuthRequest) => string | undefined;

/** Longest token accepted from a header; longer is refused before any comparison. */
export const MAX_BEARER_TOKEN_LENGTH = 512;

export function parseBearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > MAX_BEARER_TOKEN_LENGTH + 7) return undefined;
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
  return match?.[1];
}

/** The verified client certificate's subject as "CN=…, O=…", or undefined when not verified. */
export function verifiedSubject(socket: TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const subject = socket.getPeerX509Certificate()?.subject;
  return subject ? subject.split('\n').join(', ') : undefined;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function entriesOf(map: ReadonlyMap<string, string> | Readonly<Record<string, string>>): [string, string][] {
  return map instanceof Map ? [...map.entries()] : Object.entries(map);
}

/**
 * Printer id by bearer token (map printerId → token). Comparison is in constant time: tokens are
 * hashed to equal length and every configured token is compared, so timing tells neither how much
 * of a token matched nor which printer it belongs to. Empty tokens are never accepted.
 */
export function tokenAuthenticator(tokens: ReadonlyMap<string, string> | Readonly<Record<string, string>>): PushAuthenticator {
  const known = entriesOf(tokens)
    .filter(([, token]) => token.length > 0)
    .map(([printerId, token]) => ({ printerId, hash: digest(token) }));
  return ({ token }) => {
    if (token === undefined || token.length === 0) return undefined;
    const offered = digest(token);
    let found: string | undefined;
    for (const entry of known) {
      if (timingSafeEqual(entry.hash, offered) && found === undefined) found = entry.printerId;
    }
    return found;
  };
}

/** Printer id by verified client-certificate subject (map printerId → subject, e.g. "CN=printer-01"). */
export function subjectAuthenticator(subjects: ReadonlyMap<string, string> | Readonly<Record<string, string>>): PushAuthenticator {
  const bySubject = new Map(entriesOf(subjects).map(([printerId, subject]) => [subject, printerId]));
  return ({ tlsSubject }) => (tlsSubject === undefined ? undefined : bySubject.get(tlsSubject));
}

/** The first authenticator that knows the request wins (e.g. certificate, then token). */
export function anyAuthenticator(...authenticators: PushAuthenticator[]): PushAuthenticator {
  return (request) => {
    for (const authenticate of authenticators) {
      const printerId = authenticate(request);
      if (printerId !== undefined) return printerId;
    }
    return undefined;
  };
}
