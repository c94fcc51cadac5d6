import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Logger } from '../../config/logging.js';
import { ThingworxConfigError } from './config-error.js';

/** TLS settings of the connection to ThingWorx. PEM contents, not paths: the config loader reads files. */
export interface RestTlsOptions {
  /** CA certificate(s) to trust instead of the bundled roots. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Optional client certificate and its key, for a gateway that asks for one. */
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** Turns certificate verification off. Only ever by explicit configuration; logged as a warning. */
  allowSelfSigned?: boolean;
}

export interface PoolOptions {
  maxSockets: number;
  /** Idle keep-alive sockets are closed after this, before a server's own idle timeout races a reuse. */
  idleSocketTimeoutMs: number;
}

/** The keep-alive agent for one ThingWorx endpoint: https with verification on, or plain http only when asked. */
export function createThingworxAgent(url: URL, tls: RestTlsOptions, pool: PoolOptions, logger: Logger): HttpAgent {
  const common = {
    keepAlive: true,
    maxSockets: pool.maxSockets,
    maxFreeSockets: pool.maxSockets,
    timeout: pool.idleSocketTimeoutMs,
    scheduling: 'lifo' as const,
  };
  if (url.protocol === 'http:') {
    logger.warn({ event: 'thingworx_plain_http', host: url.host }, 'ThingWorx connection is plain HTTP: no TLS, for tests only');
    return new HttpAgent(common);
  }
  return new HttpsAgent({ ...common, ...thingworxTlsOptions(url, tls, logger) });
}

/** What an https connection to ThingWorx presents and checks: the REST agent's and the AlwaysOn socket's, the same. */
export interface ThingworxTlsConnectOptions {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  rejectUnauthorized: boolean;
  minVersion: 'TLSv1.2';
}

/** The TLS options of a connection to ThingWorx: verification on unless explicitly turned off (logged as a warning). */
export function thingworxTlsOptions(url: URL, tls: RestTlsOptions, logger: Logger): ThingworxTlsConnectOptions {
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new ThingworxConfigError('tls', 'a client certificate needs both cert and key');
  }
  const allowSelfSigned = tls.allowSelfSigned === true;
  if (allowSelfSigned) {
    logger.warn(
      { event: 'thingworx_tls_verification_off', host: url.host },
      'ThingWorx certificate verification is OFF (allowSelfSigned): any server certificate is accepted',
    );
  }
  return {
    ...(tls.ca !== undefined ? { ca: typeof tls.ca === 'string' || Buffer.isBuffer(tls.ca) ? tls.ca : [...tls.ca] } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert, key: tls.key } : {}),
    ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
    rejectUnauthorized: !allowSelfSigned,
    minVersion: 'TLSv1.2',
  };
}
