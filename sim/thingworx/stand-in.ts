import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { type Logger, silentLogger } from '../../config/logging.js';
import { type AlwaysOnEndpoint, attachAlwaysOnEndpoint } from './alwayson-endpoint.js';
import { FaultPlan, type OutageMode, type StandInFaults } from './faults.js';
import type { DecodedRows } from './infotable-decoder.js';
import { handleRoute, type Reply, routeTakesBody, text } from './route-handlers.js';
import { ProvisionedModel } from './provisioned-model.js';
import { decideRoute } from './routes.js';
import { type RecordColumns, type RecordedVtq, type RowListener, ThingStore } from './thing-store.js';

export type { AlwaysOnCounters, AlwaysOnEndpoint } from './alwayson-endpoint.js';
export type { OutageMode, ResetPoint, StandInFaults } from './faults.js';
export type { RecordColumns, RecordedVtq, RowListener } from './thing-store.js';

export const STAND_IN_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  seed: 1,
  /** Request bodies past this are answered 413 and the connection is closed. */
  maxBodyBytes: 1024 * 1024,
  /** Records kept; the oldest are evicted past this (a demo may run for hours). */
  maxRecords: 1_000_000,
  /** Tomcat's default, which ThingWorx runs in. */
  keepAliveTimeoutMs: 20_000,
} as const;

export interface StandInOptions {
  appKey: string;
  /** Things that exist; any other answers 404. 'any' accepts every name. */
  things: readonly string[] | 'any';
  /** HTTPS with this certificate; plain HTTP when absent. With `ca` + `requireClientCert` a client certificate is required. */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer; requireClientCert?: boolean } | undefined;
  host?: string;
  port?: number;
  /** Seed of the fault decisions. */
  seed?: number;
  maxBodyBytes?: number;
  maxRecords?: number;
  /** Told every accepted row as it is stored (a running account that keeps no rows of its own). */
  onRow?: RowListener;
  logger?: Logger;
  now?: () => number;
}

export interface StandInCounters {
  /** HTTP requests that reached the stand-in. */
  requests: number;
  /** Responses sent, by status. */
  byStatus: Record<number, number>;
  /** Connections or requests ended with a TCP reset by a fault. */
  resets: number;
  /** TCP connections accepted. */
  connections: number;
  /** VTQs recorded. */
  rowsAccepted: number;
  /** VTQs stored with another value than they were sent with (the value-corruption fault). */
  rowsCorrupted: number;
}

export interface ThingworxStandIn {
  /** Origin to give the client, e.g. `https://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** Every accepted VTQ in arrival order (capped at maxRecords); made when read, so a reader of every row may prefer recordColumns. */
  records: readonly RecordedVtq[];
  /** Thing, property, time and arrival of every held row, column by column, without a record object per row. */
  recordColumns(): RecordColumns;
  counters: Readonly<StandInCounters>;
  faults: StandInFaults;
  /** The AlwaysOn side (`/Thingworx/WS` on the same server): its counters, sessions and test controls. */
  alwaysOn: AlwaysOnEndpoint;
  addThing(name: string): void;
  removeThing(name: string): void;
  propertyValue(thing: string, property: string): RecordedVtq | undefined;
  /** Things, property and alert definitions created through the provisioning services, and the write calls made. */
  provisioned: ProvisionedModel;
  clearRecords(): void;
  stop(): Promise<void>;
}

type ReadBody = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** A TCP reset, as a crashed server or a proxy would give; TLS sockets are reset underneath. */
function resetConnection(socket: Socket): void {
  // Node keeps the TCP socket of a server-side TLSSocket in `_parent`; only it can send an RST.
  const raw = socket instanceof TLSSocket ? (socket as TLSSocket & { _parent?: unknown })._parent : socket;
  const tcp = raw as Partial<Socket> | undefined;
  if (tcp && typeof tcp.resetAndDestroy === 'function' && !tcp.destroyed) tcp.resetAndDestroy();
  else socket.destroy();
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<ReadBody> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) return resolve({ ok: false, reason: 'too-large' });
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: ReadBody): void => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        finish({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    // A body in one chunk (the usual case) is used as it is: nothing holds it past the request.
    req.on('end', () => finish({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) }));
    req.on('error', () => finish({ ok: false, reason: 'aborted' }));
    req.on('close', () => finish({ ok: false, reason: 'aborted' }));
  });
}

/**
 * Starts the ThingWorx stand-in (PROTOCOLS.md §2) on loopback: UpdatePropertyValues, property
 * GET/PUT, Thing GET, the provisioning services (provisioned-model.ts), with ThingWorx's refusals and run-time faults. Used in-process by tests and
 * benchmarks, and as a process by sim/thingworx/main.ts.
 */
export async function startThingworxStandIn(options: StandInOptions): Promise<ThingworxStandIn> {
  const logger = (options.logger ?? silentLogger()).child({ component: 'thingworx-stand-in' });
  const now = options.now ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? STAND_IN_DEFAULTS.maxBodyBytes;
  const store = new ThingStore(options.maxRecords ?? STAND_IN_DEFAULTS.maxRecords, options.onRow);
  const things = options.things === 'any' ? undefined : new Set(options.things);
  const model = new ProvisionedModel();
  let appKeyDigest = digest(options.appKey);
  const counters: StandInCounters = { requests: 0, byStatus: {}, resets: 0, connections: 0, rowsAccepted: 0, rowsCorrupted: 0 };
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const reset = (socket: Socket): void => {
    counters.resets += 1;
    resetConnection(socket);
  };
  const plan = new FaultPlan(
    options.seed ?? STAND_IN_DEFAULTS.seed,
    (mode: OutageMode | undefined) => {
      if (mode === 'reset') for (const socket of sockets) reset(socket);
      if (mode === undefined) {
        for (const res of hanging) res.socket?.destroy();
        hanging.clear();
      }
    },
    (newKey) => {
      appKeyDigest = digest(newKey);
    },
  );

  const corruptRows = (rows: DecodedRows): void => {
    counters.rowsCorrupted += plan.corrupt(rows);
  };

  const wait = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  const send = async (res: ServerResponse, reply: Reply, extraHeaders: Record<string, string> = {}): Promise<void> => {
    await wait(plan.state.latencyMs);
    if (stopped || res.destroyed) return;
    counters.byStatus[reply.status] = (counters.byStatus[reply.status] ?? 0) + 1;
    res.writeHead(reply.status, {
      'Content-Type': reply.contentType,
      'Content-Length': String(Buffer.byteLength(reply.body)),
      ...extraHeaders,
    });
    res.end(reply.body);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrivedAt = now();
    counters.requests += 1;
    const fault = plan.decide();
    switch (fault.kind) {
      case 'reset':
        return reset(req.socket);
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      case 'status': {
        const headers: Record<string, string> =
          fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
        return send(res, text(fault.status, `Injected fault: HTTP ${fault.status}`), headers);
      }
      case 'handle':
        break;
    }
    const decision = decideRoute(
      { method: req.method ?? '', target: req.url ?? '/', headers: req.headers },
      {
        appKeyMatches: (candidate) => timingSafeEqual(digest(candidate), appKeyDigest),
        thingExists: (thing) => things === undefined || things.has(thing) || model.has(thing),
        thingForbidden: (thing) => plan.isForbidden(thing),
      },
    );
    if (!decision.ok) return send(res, text(decision.status, decision.message));
    const method = req.method ?? '';
    let body: Buffer | undefined;
    if (routeTakesBody(decision.route, method)) {
      const read = await readBody(req, maxBodyBytes);
      if (!read.ok) {
        if (read.reason === 'aborted') return;
        // The rest of an oversized body is not worth reading: answer and close.
        return send(res, text(413, `Request body over ${maxBodyBytes} bytes`), { Connection: 'close' });
      }
      body = read.body;
    }
    const before = store.length + store.evicted;
    const reply = handleRoute(decision.route, method, body, store, model, arrivedAt, corruptRows);
    counters.rowsAccepted += store.length + store.evicted - before;
    if (fault.resetAfter) return reset(req.socket);
    return send(res, reply);
  };

  const server: Server = options.tls
    ? createHttpsServer({
        cert: options.tls.cert,
        key: options.tls.key,
        ...(options.tls.ca !== undefined ? { ca: options.tls.ca } : {}),
        requestCert: options.tls.requireClientCert === true,
        rejectUnauthorized: options.tls.requireClientCert === true,
        minVersion: 'TLSv1.2',
      })
    : createHttpServer();
  server.keepAliveTimeout = STAND_IN_DEFAULTS.keepAliveTimeoutMs;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    onRequest(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'stand-in request failed');
      res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    counters.connections += 1;
    if (plan.state.outage === 'reset' || stopped) {
      reset(socket);
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that refuses our certificate or resets mid-handshake is normal here, not an error.
  server.on('tlsClientError', (error: Error) => logger.debug({ err: error }, 'TLS client error'));
  server.on('clientError', (error: Error, socket: Socket) => {
    logger.debug({ err: error }, 'HTTP client error');
    socket.destroy();
  });

  const alwaysOn = attachAlwaysOnEndpoint(server, {
    appKeyMatches: (candidate) => timingSafeEqual(digest(candidate), appKeyDigest),
    thingExists: (thing) => things === undefined || things.has(thing),
    plan,
    store,
    onRowsRecorded: (count) => {
      counters.rowsAccepted += count;
    },
    corruptRows,
    wait,
    now,
    logger,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? STAND_IN_DEFAULTS.port, options.host ?? STAND_IN_DEFAULTS.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
  logger.info({ url }, 'ThingWorx stand-in listening');

  return {
    url,
    port: address.port,
    // Made from the store's columns when read.
    get records() {
      return store.records;
    },
    recordColumns: () => store.columns(),
    counters,
    faults: plan.controls,
    alwaysOn,
    addThing: (name) => things?.add(name),
    removeThing: (name) => things?.delete(name),
    propertyValue: (thing, property) => store.latestValue(thing, property),
    provisioned: model,
    clearRecords: () => store.clear(),
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      alwaysOn.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
