import type { Logger } from '../../config/logging.js';
import { ThingworxConfigError } from './config-error.js';
import { type ExchangeRequest, type ExchangeResult, type InFlight, ExchangeError, exchange } from './http-exchange.js';
import { createThingworxAgent, type RestTlsOptions } from './https-agent.js';
import { encodeUpdatePropertyValuesBody, VtqEncodingError } from './named-vtq.js';
import { type OutcomeContext, outcomeForRequestError, outcomeForResponse } from './outcome.js';
import type { DeliveryOutcome, ThingworxTransport, VtqRow } from './types.js';
import { REST_TRANSPORT_DEFAULTS } from '../../config/defaults.js';

export type { RestTlsOptions } from './https-agent.js';

export interface RestTransportOptions {
  /** Server origin, e.g. `https://twx.example.com:8443`, optionally with a reverse-proxy path; without `/Thingworx`. */
  baseUrl: string;
  /** The app key, or a function that returns the current one (re-read after a rotation). Never logged. */
  appKey: string | (() => string);
  tls?: RestTlsOptions;
  /** Plain http:// is refused unless this is true (tests, a local stand-in). */
  allowInsecureHttp?: boolean;
  requestTimeoutMs?: number;
  /** Deadline of the session check (capped by requestTimeoutMs). */
  sessionCheckTimeoutMs?: number;
  maxSockets?: number;
  idleSocketTimeoutMs?: number;
  maxResponseBytes?: number;
  maxRetryAfterMs?: number;
  logger: Logger;
  /** Clock for HTTP-date Retry-After values; Date.now by default. */
  now?: () => number;
}

/** An app key must be a single visible-ASCII token to go in a header (a UUID in practice). Both transports check it. */
export const APP_KEY_SHAPE = /^[\x21-\x7e]+$/;

/**
 * The key as each request reads it (a function re-reads a rotated key), or undefined when it is unusable; a fixed key
 * of the wrong shape is a configuration error at once. Both transports read the key through this.
 */
export function appKeyReader(appKey: string | (() => string)): () => string | undefined {
  const read = (): string | undefined => {
    try {
      const key = typeof appKey === 'function' ? appKey() : appKey;
      return typeof key === 'string' && APP_KEY_SHAPE.test(key) ? key : undefined;
    } catch {
      return undefined;
    }
  };
  if (typeof appKey === 'string' && read() === undefined) {
    throw new ThingworxConfigError('appKey', 'must be a non-empty token of visible ASCII characters');
  }
  return read;
}

/** The origin and any reverse-proxy path prefix of a ThingWorx base URL; throws ThingworxConfigError. */
export function parseBaseUrl(baseUrl: string, allowInsecureHttp: boolean): { url: URL; pathPrefix: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ThingworxConfigError('baseUrl', 'not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowInsecureHttp)) {
    throw new ThingworxConfigError('baseUrl', `${url.protocol} is not allowed: use https:// (plain http only when explicitly allowed)`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ThingworxConfigError('baseUrl', 'must not carry credentials, a query or a fragment');
  }
  const pathPrefix = url.pathname.replace(/\/+$/, '');
  if (/\/thingworx$/i.test(pathPrefix)) {
    throw new ThingworxConfigError('baseUrl', 'give the server origin without /Thingworx (it is added per request)');
  }
  return { url, pathPrefix };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new ThingworxConfigError(name, `must be a positive number, got ${value}`);
  return value;
}

/**
 * The REST transport: `UpdatePropertyValues` per Thing and a cheap session check, over one
 * keep-alive agent. Never throws per request; every failure is a DeliveryOutcome. Throws
 * ThingworxConfigError at construction for settings that cannot work.
 */
export function createRestTransport(options: RestTransportOptions): ThingworxTransport {
  const { url, pathPrefix } = parseBaseUrl(options.baseUrl, options.allowInsecureHttp === true);
  const limits = {
    timeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs ?? REST_TRANSPORT_DEFAULTS.requestTimeoutMs),
    maxResponseBytes: positive('maxResponseBytes', options.maxResponseBytes ?? REST_TRANSPORT_DEFAULTS.maxResponseBytes),
  };
  const checkLimits = {
    ...limits,
    timeoutMs: Math.min(
      limits.timeoutMs,
      positive('sessionCheckTimeoutMs', options.sessionCheckTimeoutMs ?? REST_TRANSPORT_DEFAULTS.sessionCheckTimeoutMs),
    ),
  };
  const agent = createThingworxAgent(
    url,
    options.tls ?? {},
    {
      maxSockets: positive('maxSockets', options.maxSockets ?? REST_TRANSPORT_DEFAULTS.maxSockets),
      idleSocketTimeoutMs: positive('idleSocketTimeoutMs', options.idleSocketTimeoutMs ?? REST_TRANSPORT_DEFAULTS.idleSocketTimeoutMs),
    },
    options.logger,
  );
  const logger = options.logger.child({ component: 'thingworx-rest', host: url.host });
  const now = options.now ?? Date.now;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? REST_TRANSPORT_DEFAULTS.maxRetryAfterMs;
  const inFlight = new Set<InFlight>();
  let closed = false;

  const currentAppKey = appKeyReader(options.appKey);

  const thingPath = (thing: string): string => `${pathPrefix}/Thingworx/Things/${encodeURIComponent(thing)}`;

  const outcomeOf = (result: ExchangeResult, appKey: string): DeliveryOutcome => {
    const context: OutcomeContext = {
      nowMs: now(),
      maxRetryAfterMs,
      maxDetailChars: REST_TRANSPORT_DEFAULTS.maxDetailChars,
      secrets: [appKey],
    };
    return result.ok
      ? outcomeForResponse({ status: result.status, retryAfter: result.retryAfter, body: result.body }, context)
      : outcomeForRequestError(result.error, context);
  };

  const send = async (
    operation: 'update' | 'check',
    thing: string,
    build: (appKey: string) => ExchangeRequest,
    rows: number,
  ): Promise<DeliveryOutcome> => {
    if (closed) return { kind: 'retry', detail: 'TWX_TRANSPORT_CLOSED: the transport is closed' };
    if (typeof thing !== 'string' || thing.length === 0) {
      return { kind: 'rejected', status: 0, detail: 'TWX_THING_INVALID: the Thing name is empty' };
    }
    const appKey = currentAppKey();
    // Without a usable key nothing can succeed: the uplink treats this as a refused key and re-checks later.
    if (appKey === undefined) return { kind: 'unauthorized', status: 0 };
    const started = now();
    const outcome = outcomeOf(await exchange(build(appKey), agent, operation === 'check' ? checkLimits : limits, inFlight), appKey);
    logger.debug(
      { operation, thing, rows, outcome: outcome.kind, status: 'status' in outcome ? outcome.status : undefined, ms: now() - started },
      'thingworx request',
    );
    return outcome;
  };

  return {
    async updatePropertyValues(thing: string, rows: readonly VtqRow[]): Promise<DeliveryOutcome> {
      let body: Buffer;
      try {
        body = encodeUpdatePropertyValuesBody(rows);
      } catch (error) {
        // Not sent: status 0 marks a batch refused before it reached the wire.
        const code = error instanceof VtqEncodingError ? error.code : 'TWX_ENCODING_FAILED';
        return { kind: 'rejected', status: 0, detail: `${code}: ${error instanceof Error ? error.message : String(error)}` };
      }
      return send(
        'update',
        thing,
        (appKey) => ({
          url,
          method: 'POST',
          path: `${thingPath(thing)}/Services/UpdatePropertyValues`,
          headers: {
            appKey,
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'Content-Length': String(body.byteLength),
          },
          body,
        }),
        rows.length,
      );
    },

    checkSession(thing: string): Promise<DeliveryOutcome> {
      return send(
        'check',
        thing,
        (appKey) => ({
          url,
          method: 'GET',
          path: `${thingPath(thing)}/Properties/${REST_TRANSPORT_DEFAULTS.sessionCheckProperty}`,
          headers: { appKey, Accept: 'application/json' },
        }),
        0,
      );
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const error = new ExchangeError('TWX_TRANSPORT_CLOSED', 'the transport was closed with this request in flight');
      for (const request of inFlight) request.abort(error);
      agent.destroy();
    },
  };
}
