import { readFileSync } from 'node:fs';
import type { TLSSocket, TlsOptions } from 'node:tls';
import { LumberjackError } from './errors.js';

/** none: no client certificate asked; optional: verified when presented; required: refused without one. */
export type ClientAuth = 'none' | 'optional' | 'required';

/** PEM text or a file path for each of certificate, key and CA. */
export interface BeatsServerTlsOptions {
  cert?: string | Buffer;
  certFile?: string;
  key?: string | Buffer;
  keyFile?: string;
  /** CA that client certificates must chain to (needed for optional and required). */
  ca?: string | Buffer;
  caFile?: string;
  clientAuth?: ClientAuth;
  /** TLS 1.2 or newer only. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** node:tls server options for these settings; reads the files once. Throws LJ_ERR_BAD_OPTIONS. */
export function tlsServerOptions(options: BeatsServerTlsOptions, handshakeTimeoutMs: number): TlsOptions {
  const clientAuth = options.clientAuth ?? 'none';
  const cert = pem('cert', options.cert, options.certFile);
  const key = pem('key', options.key, options.keyFile);
  const ca = pem('ca', options.ca, options.caFile);
  if (cert === undefined || key === undefined) {
    throw new LumberjackError('LJ_ERR_BAD_OPTIONS', 'TLS needs a certificate and a key');
  }
  if (clientAuth !== 'none' && ca === undefined) {
    throw new LumberjackError('LJ_ERR_BAD_OPTIONS', `clientAuth ${clientAuth} needs a CA to verify clients against`);
  }
  return {
    cert,
    key,
    ...(ca === undefined ? {} : { ca }),
    minVersion: options.minVersion ?? 'TLSv1.2',
    requestCert: clientAuth !== 'none',
    rejectUnauthorized: clientAuth === 'required',
    handshakeTimeout: handshakeTimeoutMs,
  };
}

export function clientAuthOf(options: BeatsServerTlsOptions): ClientAuth {
  return options.clientAuth ?? 'none';
}

/** "CN=printer-01" (RDNs in certificate order, ", "-joined) of a verified client certificate. */
export function verifiedSubject(socket: TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const subject = socket.getPeerX509Certificate()?.subject;
  return subject === undefined ? undefined : subject.split('\n').join(', ');
}

/** A client presented a certificate that did not verify (only possible with clientAuth optional). */
export function presentedUnverifiedCertificate(socket: TLSSocket): boolean {
  return !socket.authorized && socket.getPeerX509Certificate() !== undefined;
}

function pem(name: string, text: string | Buffer | undefined, file: string | undefined): string | Buffer | undefined {
  if (text !== undefined) return text;
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw new LumberjackError('LJ_ERR_BAD_OPTIONS', `cannot read TLS ${name} file`, {
      file,
      errno: (error as NodeJS.ErrnoException).code,
    });
  }
}
