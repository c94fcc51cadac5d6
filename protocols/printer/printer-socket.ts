import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface PrinterTlsOptions {
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate and key, for printers that want one. */
  cert?: string | Buffer;
  key?: string | Buffer;
  servername?: string;
  /** Certificate validation stays on unless this is explicitly false. */
  rejectUnauthorized?: boolean;
}

export interface PrinterSocket {
  socket: Socket;
  /** The event after which the socket may carry requests (TLS: after the handshake). */
  readyEvent: 'connect' | 'secureConnect';
}

/** Starts a TCP connection, or TLS 1.2+ with certificate validation when `tls` is given. */
export function openPrinterSocket(host: string, port: number, tls?: PrinterTlsOptions): PrinterSocket {
  if (!tls) return { socket: netConnect({ host, port }), readyEvent: 'connect' };
  const socket = tlsConnect({
    host,
    port,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    // SNI must not carry an IP address; the certificate's IP SAN is still checked
    servername: tls.servername ?? (isIP(host) ? undefined : host),
    rejectUnauthorized: tls.rejectUnauthorized !== false,
    minVersion: 'TLSv1.2',
  });
  return { socket, readyEvent: 'secureConnect' };
}
