import WebSocket from 'ws';
import type { Logger } from '../../../config/logging.js';
import { backoffDelayMs } from '../../../supervision/backoff.js';
import { ThingworxConfigError } from '../config-error.js';
import { type RestTlsOptions, thingworxTlsOptions } from '../https-agent.js';
import { outcomeForRequestError } from '../outcome.js';
import { appKeyReader, parseBaseUrl } from '../rest-transport.js';
import type { DeliveryOutcome, ThingworxTransport, TransportStatus, VtqRow } from '../types.js';
import type { AlwaysOnCodecLimits } from './limits.js';
import type { Body, Message } from './message.js';
import { answerServerMessage } from './one-way.js';
import { outcomeForAlwaysOnResponse } from './outcome.js';
import { encodePropertyUpdate } from './property-update.js';
import { AlwaysOnSession as Session, type FrameBuilder, type Reply } from './session.js';
import { Characteristic, Code, ENTITY_THING, METHOD_CODES } from './wire.js';
import { encodeMessage } from './writer.js';
import { ALWAYSON_TRANSPORT_DEFAULTS, DEFAULT_ALWAYSON_LIMITS, OUTCOME_DEFAULTS } from '../../../config/defaults.js';

/** The session's timings (ALWAYSON_TRANSPORT_DEFAULTS for any not given). */
export interface AlwaysOnTimings {
  pingIntervalMs: number;
  pongTimeoutMs: number;
  reconnectJitterMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  reconnectJitterRatio: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

const TIMING_KEYS: ReadonlyArray<keyof AlwaysOnTimings> = [
  'pingIntervalMs',
  'pongTimeoutMs',
  'reconnectJitterMs',
  'reconnectMinMs',
  'reconnectMaxMs',
  'reconnectJitterRatio',
  'connectTimeoutMs',
  'requestTimeoutMs',
];

/** Each timing given or its default; a timer cannot honour a negative or non-finite one. */
function timingsOf(options: Partial<AlwaysOnTimings>): AlwaysOnTimings {
  const timings: Partial<AlwaysOnTimings> = {};
  for (const key of TIMING_KEYS) {
    const value: number = options[key] ?? ALWAYSON_TRANSPORT_DEFAULTS[key];
    if (!Number.isFinite(value) || value < 0) throw new ThingworxConfigError(key, `must be a number ≥ 0, got ${value}`);
    timings[key] = value;
  }
  return timings as AlwaysOnTimings;
}

export interface AlwaysOnTransportOptions extends Partial<AlwaysOnTimings> {
  /** Server origin as for REST, e.g. `https://twx.example.com:8443`; `wss://…/Thingworx/WS` is derived from it. */
  baseUrl: string;
  /** The app key, or a function that returns the current one (re-read after a rotation). Never logged. */
  appKey: string | (() => string);
  tls?: RestTlsOptions;
  /** Plain ws:// only when this is true (tests, a local stand-in), as REST allows http://. */
  allowInsecureHttp?: boolean;
  /** The Things to BIND: the printers' and the adapter's own (read again at every connect and by thingsChanged). */
  things: () => readonly string[];
  limits?: Partial<AlwaysOnCodecLimits>;
  logger: Logger;
  random?: () => number;
  now?: () => number;
}

const MAX_REQUEST_ID = 0xffff_ffff;
/** close() waits at most this for a connect under way. */
const CLOSE_WAIT_MS = 1_000;

/** The session's URL: the base URL checked as REST checks it, on ws(s) at the AlwaysOn path. */
function wsUrl(baseUrl: string, allowInsecure: boolean): URL {
  const { url, pathPrefix } = parseBaseUrl(baseUrl, allowInsecure);
  const ws = new URL(url.href);
  ws.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.pathname = `${pathPrefix}${ALWAYSON_TRANSPORT_DEFAULTS.path}`;
  return ws;
}

/**
 * The AlwaysOn transport: the same narrow face as REST (ThingworxTransport), over one authenticated WebSocket session
 * (PROTOCOLS.md §3). The uplink's delivery engine is unchanged: each SUCCESS is a `delivered`, each refusal the outcome
 * its REST status would be, a lost connection a `retry` for every call in flight (the engine re-sends; the server's
 * side suppresses the duplicates as it does for REST). The session reconnects by itself after a drop (random delay,
 * then backoff); calls while it is away are answered `retry` at once. Never throws per call.
 */
export function createAlwaysOnTransport(options: AlwaysOnTransportOptions): ThingworxTransport {
  const url = wsUrl(options.baseUrl, options.allowInsecureHttp === true);
  const limits: AlwaysOnCodecLimits = { ...DEFAULT_ALWAYSON_LIMITS, ...options.limits };
  const timing = timingsOf(options);
  const logger = options.logger.child({ component: 'thingworx-alwayson', host: url.host });
  const tls = url.protocol === 'wss:' ? thingworxTlsOptions(url, options.tls ?? {}, options.logger) : {};
  if (url.protocol === 'ws:')
    logger.warn({ event: 'thingworx_plain_ws', host: url.host }, 'ThingWorx AlwaysOn is plain ws://: no TLS, for tests only');
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;

  let closed = false;
  let session: Session | undefined;
  let connecting: Promise<Session | DeliveryOutcome> | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let reconnectAt = 0;
  let failedAttempts = 0;
  let everConnected = false;
  let reconnects = 0;
  let lastPongAt: number | undefined;
  let lastError: string | undefined;
  let lastRequestId = 0;

  const currentAppKey = appKeyReader(options.appKey);
  const secrets = (): string[] => {
    const key = currentAppKey();
    return key === undefined ? [] : [key];
  };
  const retry = (detail: string): DeliveryOutcome => ({ kind: 'retry', detail });

  const nextRequestId = (): number => {
    lastRequestId = lastRequestId >= MAX_REQUEST_ID ? 1 : lastRequestId + 1;
    return lastRequestId;
  };

  /** The frames of a request with this code and body. */
  const framesFor =
    (code: number, body: Body): FrameBuilder =>
    (requestId, sessionId) =>
      encodeMessage({ header: { code, requestId, endpointId: 0, sessionId }, body }, limits);

  const request = (live: Session, frames: FrameBuilder): Promise<Reply> => live.request(nextRequestId(), frames);

  const outcomeOf = (reply: Reply): DeliveryOutcome =>
    reply.ok ? outcomeForAlwaysOnResponse(reply.message, secrets(), now()) : reply.outcome;

  /** The session ended (drop, missed pong, refused key, close): reconnect after a delay when asked. */
  const end = (live: Session, reason: string, reconnect: boolean): void => {
    if (!live.end(reason)) return;
    if (session === live) session = undefined;
    lastError = reason;
    if (reconnect && !closed) {
      logger.warn({ sessionId: live.sessionId, reason }, 'AlwaysOn session lost; reconnecting');
      scheduleReconnect();
    }
  };

  const reconnectDelay = (): number => {
    if (failedAttempts === 0) return Math.round(random() * timing.reconnectJitterMs);
    const policy = { minMs: timing.reconnectMinMs, maxMs: timing.reconnectMaxMs, jitter: timing.reconnectJitterRatio };
    return backoffDelayMs(failedAttempts - 1, policy, random);
  };

  const scheduleReconnect = (): void => {
    if (closed || reconnectTimer !== undefined || connecting !== undefined) return;
    const delayMs = reconnectDelay();
    reconnectAt = now() + delayMs;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void ensureSession();
    }, delayMs);
  };

  const answerServer = (live: Session, message: Message): void => {
    const answer = answerServerMessage(message.body);
    const target =
      message.body.kind === 'request'
        ? { entity: message.body.entity, name: message.body.name, method: message.body.method }
        : { kind: message.body.kind };
    if (answer.kind === 'refused')
      logger.warn(
        { ...target, requestId: message.header.requestId },
        'ThingWorx asked the one-way adapter to write or call a service; refused (FORBIDDEN)',
      );
    else logger.info({ ...target, answer: answer.kind }, 'ThingWorx called the edge');
    const body: Body =
      answer.kind === 'metadata' ? { kind: 'response', result: answer.result } : { kind: 'response', reason: answer.reason };
    live.send({ header: { ...message.header, code: answer.code, sessionId: live.sessionId }, body });
  };

  const bindAll = async (live: Session, names: readonly string[]): Promise<DeliveryOutcome> => {
    const unique = [...new Set(names)].filter((name) => name.length > 0 && !live.bound.has(name));
    if (unique.length === 0) return { kind: 'delivered', status: 200 };
    const outcome = outcomeOf(await request(live, framesFor(Code.BIND, { kind: 'bind', names: unique })));
    if (outcome.kind === 'delivered') for (const name of unique) live.bound.add(name);
    return outcome;
  };

  /** Opens the socket, AUTHs with the current key, BINDs the configured Things. */
  const connect = async (): Promise<Session | DeliveryOutcome> => {
    const appKey = currentAppKey();
    if (appKey === undefined) return { kind: 'unauthorized', status: 0 };
    const socket = new WebSocket(url, {
      headers: { appKey, 'Max-Frame-Size': String(limits.chunkSize) },
      handshakeTimeout: timing.connectTimeoutMs,
      perMessageDeflate: false,
      maxPayload: limits.maxMessageBytes,
      ...tls,
    });
    const live: Session = new Session(socket, {
      limits,
      requestTimeoutMs: timing.requestTimeoutMs,
      logger,
      onServerMessage: (message) => answerServer(live, message),
    });
    // One error listener for the socket's whole life: ws may emit more than one while a handshake is aborted.
    let settleOpen: ((outcome: DeliveryOutcome | undefined) => void) | undefined;
    socket.on('error', (error) => {
      if (settleOpen) settleOpen(outcomeForRequestError(error, { nowMs: now(), secrets: [appKey], ...OUTCOME_DEFAULTS }));
      else end(live, `TWX_AO_CONNECTION_LOST: ${error.message}`, true);
    });
    const opened = await new Promise<DeliveryOutcome | undefined>((resolve) => {
      settleOpen = resolve;
      socket.once('open', () => resolve(undefined));
      socket.once('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        // A gateway may check the appKey header at the upgrade: 401/403 there mean what they mean to REST.
        resolve(
          status === 401 || status === 403
            ? { kind: 'unauthorized', status }
            : retry(`TWX_AO_UPGRADE_REFUSED: HTTP ${status} to the WebSocket upgrade`),
        );
        socket.terminate();
      });
    });
    settleOpen = undefined;
    if (opened) {
      socket.terminate();
      return opened;
    }
    socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        logger.warn({}, 'AlwaysOn text frame ignored: the protocol is binary');
        return;
      }
      live.onFrame(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
    });
    socket.on('close', (code) => end(live, `TWX_AO_CONNECTION_LOST: closed (${code})`, true));

    const auth = await request(live, framesFor(Code.AUTH, { kind: 'auth', claims: [{ name: 'appKey', value: appKey }] }));
    const authOutcome = outcomeOf(auth);
    if (!auth.ok || authOutcome.kind !== 'delivered') {
      end(live, `AO_ERR_AUTH_REFUSED: ${authOutcome.kind}`, false);
      return authOutcome;
    }
    live.sessionId = auth.message.header.sessionId;
    const bind = await bindAll(live, options.things());
    if (bind.kind !== 'delivered') {
      // One Thing the key may not bind refuses the whole list: each Thing is bound again alone before its first push.
      logger.warn(
        { sessionId: live.sessionId, outcome: bind.kind },
        'AlwaysOn BIND of the configured Things refused; binding each on first use',
      );
    }
    if (live.ended) return retry(lastError ?? 'TWX_AO_CONNECTION_LOST');
    live.startKeepAlive(
      timing.pingIntervalMs,
      timing.pongTimeoutMs,
      () => {
        lastPongAt = now();
      },
      () => {
        logger.warn({ sessionId: live.sessionId, pongTimeoutMs: timing.pongTimeoutMs }, 'AlwaysOn ping unanswered');
        end(live, `AO_ERR_PONG_MISSED: no pong within ${timing.pongTimeoutMs} ms`, true);
      },
    );
    return live;
  };

  /** The live session, or the outcome that says why there is none (a reconnect pending: retry at once). */
  const ensureSession = (): Promise<Session | DeliveryOutcome> => {
    if (closed) return Promise.resolve(retry('TWX_TRANSPORT_CLOSED: the transport is closed'));
    if (session && !session.ended) return Promise.resolve(session);
    if (connecting) return connecting;
    if (reconnectTimer !== undefined) {
      // A stable detail: the session check logs a new detail at warn, and the time left is in describe().
      return Promise.resolve(retry('TWX_AO_NOT_CONNECTED: the AlwaysOn session is reconnecting'));
    }
    connecting = connect().then(
      (result) => {
        connecting = undefined;
        if (result instanceof Session) {
          if (closed) {
            end(result, 'TWX_TRANSPORT_CLOSED', false);
            return retry('TWX_TRANSPORT_CLOSED: the transport is closed');
          }
          session = result;
          failedAttempts = 0;
          if (everConnected) reconnects += 1;
          everConnected = true;
          lastError = undefined;
          logger.info({ sessionId: result.sessionId, bound: result.bound.size, reconnects }, 'AlwaysOn session open');
          return result;
        }
        lastError = 'detail' in result ? result.detail : `${result.kind} ${result.status}`;
        // A refused key waits for the uplink's own re-check (it re-reads the key); no answer backs off here.
        if (result.kind === 'retry') {
          failedAttempts += 1;
          scheduleReconnect();
        }
        return result;
      },
      (error: unknown) => {
        connecting = undefined;
        failedAttempts += 1;
        scheduleReconnect();
        return retry(`TWX_AO_CONNECT_FAILED: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    return connecting;
  };

  /** BINDs one Thing alone (one added by a reload, or left out by a refused BIND of the list). */
  const ensureBound = (live: Session, thing: string): Promise<DeliveryOutcome> => {
    if (live.bound.has(thing)) return Promise.resolve({ kind: 'delivered', status: 200 });
    let binding = live.binding.get(thing);
    if (!binding) {
      binding = bindAll(live, [thing]).finally(() => live.binding.delete(thing));
      live.binding.set(thing, binding);
    }
    return binding;
  };

  /** The live session, waiting for one being opened; undefined when there is none (the next connect binds anew). */
  const liveSession = async (): Promise<Session | undefined> => {
    const current = session && !session.ended ? session : connecting ? await connecting : undefined;
    return current instanceof Session && !current.ended ? current : undefined;
  };

  /** UNBINDs the bound Things no longer configured, then BINDs the configured ones not bound (a reload). */
  const rebind = async (): Promise<void> => {
    const live = await liveSession();
    if (!live) return;
    const wanted = new Set(options.things());
    const gone = [...live.bound].filter((name) => !wanted.has(name));
    if (gone.length > 0) {
      const outcome = outcomeOf(await request(live, framesFor(Code.UNBIND, { kind: 'unbind', names: gone })));
      if (outcome.kind === 'delivered') for (const name of gone) live.bound.delete(name);
      else logger.warn({ sessionId: live.sessionId, things: gone, outcome: outcome.kind }, 'AlwaysOn UNBIND of the removed Things refused');
    }
    // A first push of one of these meanwhile BINDs it alone (a refused list must not refuse it too).
    const outcome = await bindAll(live, [...wanted]);
    if (outcome.kind !== 'delivered') {
      logger.warn(
        { sessionId: live.sessionId, outcome: outcome.kind },
        'AlwaysOn BIND of the added Things refused; binding each on first use',
      );
    }
  };

  /** After a refused key, the next call connects again and AUTHs with the key as it is then. */
  const afterCall = (live: Session, outcome: DeliveryOutcome): DeliveryOutcome => {
    if (outcome.kind === 'unauthorized' && outcome.status === 401) end(live, 'AO_ERR_AUTH_REFUSED: the key was refused mid-session', false);
    return outcome;
  };

  const call = async (thing: string, frames: FrameBuilder, needsBind: boolean): Promise<DeliveryOutcome> => {
    if (typeof thing !== 'string' || thing.length === 0)
      return { kind: 'rejected', status: 0, detail: 'TWX_THING_INVALID: the Thing name is empty' };
    const live = await ensureSession();
    if (!(live instanceof Session)) return live;
    if (needsBind) {
      const bound = await ensureBound(live, thing);
      if (bound.kind !== 'delivered') return afterCall(live, bound);
    }
    return afterCall(live, outcomeOf(await request(live, frames)));
  };

  return {
    async updatePropertyValues(thing: string, rows: readonly VtqRow[]): Promise<DeliveryOutcome> {
      const started = now();
      // Encoded when sent (after the session and its BIND): the rows are only read, before this call settles.
      const frames: FrameBuilder = (requestId, sessionId) =>
        encodePropertyUpdate({ requestId, endpointId: 0, sessionId }, thing, rows, limits);
      const outcome = await call(thing, frames, true);
      logger.debug({ thing, rows: rows.length, outcome: outcome.kind, ms: now() - started }, 'thingworx alwayson request');
      return outcome;
    },

    async thingsChanged(): Promise<void> {
      if (closed) return;
      try {
        await rebind();
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'AlwaysOn re-bind after a reload failed');
      }
    },

    checkSession(thing: string): Promise<DeliveryOutcome> {
      const body: Body & { kind: 'request' } = {
        kind: 'request',
        method: 'GET',
        entityType: ENTITY_THING,
        entity: thing,
        characteristic: Characteristic.PROPERTIES,
        name: ALWAYSON_TRANSPORT_DEFAULTS.sessionCheckProperty,
      };
      return call(thing, framesFor(METHOD_CODES[body.method], body), false);
    },

    describe(): TransportStatus {
      const live = session && !session.ended ? session : undefined;
      return {
        transport: 'alwayson',
        state: closed ? 'closed' : live ? 'open' : connecting ? 'connecting' : reconnectTimer !== undefined ? 'waiting' : 'idle',
        sessionId: live ? live.sessionId : null,
        boundThings: live ? [...live.bound].sort() : [],
        lastPongAgoMs: lastPongAt === undefined ? null : Math.max(0, now() - lastPongAt),
        reconnects,
        reconnectInMs: reconnectTimer !== undefined ? Math.max(0, reconnectAt - now()) : null,
        lastError: lastError ?? null,
      };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      const live = session;
      if (live && !live.ended && live.bound.size > 0) {
        // UNBIND first, so ThingWorx sees these Things leave now rather than when the socket times out; bounded.
        const unbind = request(live, framesFor(Code.UNBIND, { kind: 'unbind', names: [...live.bound] }));
        await Promise.race([unbind, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
      }
      if (live) end(live, 'TWX_TRANSPORT_CLOSED: the transport was closed with this request in flight', false);
      // A connect under way ends itself when it settles (it sees `closed`); waiting for it is bounded.
      if (connecting) await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    },
  };
}
