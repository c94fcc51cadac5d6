import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../config/logging.js';
import {
  AlwaysOnError,
  type Body,
  Code,
  encodeMessage,
  type Header,
  type InfoTable,
  type Message,
  MessageAssembler,
  PROPERTY_UPDATE_SERVICE,
  vtqRowsOfParams,
} from '../../protocols/thingworx/alwayson/index.js';
import type { FaultPlan } from './faults.js';
import { DecodedRows } from './infotable-decoder.js';
import type { ThingStore } from './thing-store.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../config/defaults.js';

/**
 * The stand-in's AlwaysOn side (PROTOCOLS.md §3): `/Thingworx/WS` upgraded with ws on the same server as REST, writing
 * into the same thing store under the same fault controls. AUTH checks the key (UNAUTHORIZED when wrong, and for every
 * later request once the key is rotated); BIND/UNBIND keep each session's bound Things; UpdateSubscribedPropertyValues
 * records rows as UpdatePropertyValues does; an unknown Thing is NOT_FOUND, a forbidden one FORBIDDEN. Tests can call
 * the edge (callEdge), drop every session, and stop answering pings.
 */

export const ALWAYSON_ENDPOINT_PATH = '/Thingworx/WS';

export interface AlwaysOnCounters {
  upgrades: number;
  auths: number;
  authRefused: number;
  binds: number;
  /** Things unbound (an edge leaving in good order). */
  unbound: number;
  requests: number;
  /** Responses sent, by AlwaysOn code. */
  byCode: Record<number, number>;
  /** Sessions ended by a fault (outage, reset, dropSessions). */
  dropped: number;
}

export interface AlwaysOnEndpointContext {
  appKeyMatches(candidate: string): boolean;
  thingExists(thing: string): boolean;
  plan: FaultPlan;
  store: ThingStore;
  /** Rows recorded (the stand-in's rowsAccepted). */
  onRowsRecorded(count: number): void;
  corruptRows(rows: DecodedRows): void;
  wait(ms: number): Promise<void>;
  now(): number;
  logger: Logger;
}

/** One BIND, UNBIND or recorded push, in the order the stand-in took them (what a test asks "which came first" of). */
export interface AlwaysOnEvent {
  kind: 'BIND' | 'UNBIND' | 'UPDATE';
  sessionId: number;
  things: string[];
}

/** The event record keeps the latest this many (a long run pushes without end). */
const EVENT_RECORD_MAX = 2_000;

export interface AlwaysOnEndpoint {
  counters: Readonly<AlwaysOnCounters>;
  /** BINDs and UNBINDs answered SUCCESS and pushes recorded, oldest first (the latest EVENT_RECORD_MAX). */
  events(): readonly AlwaysOnEvent[];
  /** Sessions that passed AUTH and are still open, with what each bound. */
  sessions(): Array<{ sessionId: number; bound: string[] }>;
  /** Sends a request to the edge over the first session that bound `thing`; resolves with its answer. */
  callEdge(thing: string, request: Body & { kind: 'request' }, timeoutMs?: number): Promise<Message>;
  /** Ends every session at once, as a restart of the Connection Server would. */
  dropSessions(): void;
  /** false: pings are no longer answered (a half-dead connection). */
  setPongs(on: boolean): void;
  close(): void;
}

interface EdgeSession {
  socket: WebSocket;
  sessionId: number;
  /** The key this session authenticated with: a rotation refuses it from then on. */
  appKey: string | undefined;
  bound: Set<string>;
  assembler: MessageAssembler;
  waiting: Map<number, (message: Message) => void>;
}

/** The code a stand-in HTTP status fault is answered with (5xx classes kept; anything unmappable is unavailable). */
function codeOfStatus(status: number): number {
  const detail = status % 100;
  const code = (Math.floor(status / 100) << 5) | detail;
  return detail < 32 && code >= Code.BAD_REQUEST && code <= 0xbf ? code : Code.SERVICE_UNAVAILABLE;
}

const NAME_RESULT: (thing: string) => InfoTable = (thing) => ({
  fields: [{ name: 'name', description: '', baseType: 'STRING', aspects: [] }],
  rows: [[{ type: 'STRING', value: thing }]],
});

export function attachAlwaysOnEndpoint(server: Server, context: AlwaysOnEndpointContext): AlwaysOnEndpoint {
  const logger = context.logger.child({ side: 'alwayson' });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: DEFAULT_ALWAYSON_LIMITS.maxMessageBytes,
    autoPong: false,
  });
  const counters: AlwaysOnCounters = { upgrades: 0, auths: 0, authRefused: 0, binds: 0, unbound: 0, requests: 0, byCode: {}, dropped: 0 };
  const sessions = new Set<EdgeSession>();
  let nextSessionId = 0x1000;
  let nextServerRequestId = 0x8000_0000;
  let pongs = true;
  const rows = new DecodedRows();
  const events: AlwaysOnEvent[] = [];
  const record = (kind: AlwaysOnEvent['kind'], session: EdgeSession, things: string[]): void => {
    // Trimmed in halves, so keeping the record costs no copy per event.
    if (events.length >= EVENT_RECORD_MAX) events.splice(0, EVENT_RECORD_MAX / 2);
    events.push({ kind, sessionId: session.sessionId, things });
  };

  const send = (session: EdgeSession, header: Header, body: Body): void => {
    if (session.socket.readyState !== WebSocket.OPEN) return;
    if (header.code >= Code.SUCCESS) counters.byCode[header.code] = (counters.byCode[header.code] ?? 0) + 1;
    for (const frame of encodeMessage({ header, body })) session.socket.send(frame);
  };
  const answer = async (session: EdgeSession, request: Header, code: number, body: Body = { kind: 'response' }): Promise<void> => {
    // No latency: answer in this turn (a benchmark's stand-in should not cost a timer per request).
    if (context.plan.state.latencyMs > 0) await context.wait(context.plan.state.latencyMs);
    send(session, { ...request, code, sessionId: session.sessionId }, body);
  };
  const drop = (session: EdgeSession): void => {
    counters.dropped += 1;
    session.socket.terminate();
  };

  const onUpdate = async (session: EdgeSession, header: Header, body: Body & { kind: 'request' }): Promise<void> => {
    const arrivedAt = context.now();
    const fault = context.plan.decide();
    switch (fault.kind) {
      case 'reset':
        return drop(session);
      case 'hang':
        return;
      case 'status':
        return answer(session, header, codeOfStatus(fault.status), { kind: 'response', reason: `Injected fault: ${fault.status}` });
      case 'handle':
        break;
    }
    if (!context.thingExists(body.entity))
      return answer(session, header, Code.NOT_FOUND, { kind: 'response', reason: `Thing [${body.entity}] not found` });
    if (context.plan.isForbidden(body.entity))
      return answer(session, header, Code.FORBIDDEN, { kind: 'response', reason: 'Not authorized' });
    if (body.name !== PROPERTY_UPDATE_SERVICE || body.characteristic !== 2)
      return answer(session, header, Code.NOT_FOUND, { kind: 'response', reason: `no service ${body.name}` });
    const decoded = vtqRowsOfParams(body.params);
    if ('error' in decoded) return answer(session, header, Code.BAD_REQUEST, { kind: 'response', reason: decoded.error });
    rows.reset();
    for (const row of decoded.rows) rows.push(row.name, row.value, row.baseType ?? 'STRING', row.time, row.quality);
    context.corruptRows(rows);
    const before = context.store.length + context.store.evicted;
    context.store.add(body.entity, arrivedAt, 'UpdatePropertyValues', rows);
    context.onRowsRecorded(context.store.length + context.store.evicted - before);
    record('UPDATE', session, [body.entity]);
    // Recorded, then the connection dies: the edge cannot know, and re-sends (a duplicate), as with REST.
    if (fault.resetAfter) return drop(session);
    return answer(session, header, Code.SUCCESS);
  };

  const onMessage = async (session: EdgeSession, message: Message): Promise<void> => {
    const { header, body } = message;
    if (header.code >= Code.SUCCESS) {
      session.waiting.get(header.requestId)?.(message);
      session.waiting.delete(header.requestId);
      return;
    }
    if (context.plan.state.outage === 'hang') return;
    if (body.kind === 'auth') {
      counters.auths += 1;
      const key = body.claims.find((claim) => claim.name === 'appKey')?.value;
      if (key === undefined || !context.appKeyMatches(key)) {
        counters.authRefused += 1;
        return answer(session, header, Code.UNAUTHORIZED, { kind: 'response', reason: 'Authentication failed' });
      }
      session.appKey = key;
      session.sessionId = nextSessionId++;
      sessions.add(session);
      return answer(session, header, Code.SUCCESS);
    }
    if (session.appKey === undefined || !context.appKeyMatches(session.appKey)) {
      return answer(session, header, Code.UNAUTHORIZED, { kind: 'response', reason: 'Authentication failed' });
    }
    counters.requests += 1;
    switch (body.kind) {
      case 'bind': {
        counters.binds += 1;
        const unknown = body.names.find((name) => !context.thingExists(name));
        if (unknown !== undefined)
          return answer(session, header, Code.NOT_FOUND, { kind: 'response', reason: `Thing [${unknown}] not found` });
        if (body.names.some((name) => context.plan.isForbidden(name)))
          return answer(session, header, Code.FORBIDDEN, { kind: 'response', reason: 'Not authorized' });
        for (const name of body.names) session.bound.add(name);
        record('BIND', session, body.names);
        return answer(session, header, Code.SUCCESS);
      }
      case 'unbind':
        for (const name of body.names) if (session.bound.delete(name)) counters.unbound += 1;
        record('UNBIND', session, body.names);
        return answer(session, header, Code.SUCCESS);
      case 'request':
        if (body.method === 'GET' && body.characteristic === 1 && body.name === 'name') {
          if (!context.thingExists(body.entity)) return answer(session, header, Code.NOT_FOUND);
          if (context.plan.isForbidden(body.entity)) return answer(session, header, Code.FORBIDDEN);
          return answer(session, header, Code.SUCCESS, { kind: 'response', result: NAME_RESULT(body.entity) });
        }
        if (body.method === 'POST') return onUpdate(session, header, body);
        return answer(session, header, Code.NOT_FOUND);
      default:
        return answer(session, header, Code.BAD_REQUEST);
    }
  };

  const onConnection = (socket: WebSocket): void => {
    counters.upgrades += 1;
    const session: EdgeSession = {
      socket,
      sessionId: 0,
      appKey: undefined,
      bound: new Set(),
      assembler: new MessageAssembler(),
      waiting: new Map(),
    };
    socket.on('ping', (data) => {
      if (pongs) socket.pong(data);
    });
    socket.on('message', (data, isBinary) => {
      if (!isBinary) return;
      let message: Message | undefined;
      try {
        message = session.assembler.push(data as Buffer);
      } catch (error) {
        logger.warn({ code: error instanceof AlwaysOnError ? error.code : 'unknown' }, 'stand-in: unreadable AlwaysOn message');
        return;
      }
      if (message) {
        onMessage(session, message).catch((error: unknown) => {
          logger.error({ err: error }, 'stand-in AlwaysOn message failed');
          socket.terminate();
        });
      }
    });
    socket.on('close', () => sessions.delete(session));
    socket.on('error', () => socket.terminate());
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    if (!path.endsWith(ALWAYSON_ENDPOINT_PATH) || context.plan.state.outage === 'reset') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, onConnection);
  });

  return {
    counters,
    events: () => events,
    sessions: () => [...sessions].map((s) => ({ sessionId: s.sessionId, bound: [...s.bound].sort() })),
    callEdge(thing, request, timeoutMs = 5_000) {
      const session = [...sessions].find((s) => s.bound.has(thing));
      if (!session) return Promise.reject(new Error(`no session has bound ${thing}`));
      const requestId = nextServerRequestId++;
      return new Promise<Message>((resolve, reject) => {
        const timer = setTimeout(() => {
          session.waiting.delete(requestId);
          reject(new Error(`the edge did not answer request ${requestId}`));
        }, timeoutMs);
        session.waiting.set(requestId, (message) => {
          clearTimeout(timer);
          resolve(message);
        });
        const code =
          request.method === 'GET' ? Code.GET : request.method === 'PUT' ? Code.PUT : request.method === 'POST' ? Code.POST : Code.DELETE;
        send(session, { code, requestId, endpointId: 0, sessionId: session.sessionId }, request);
      });
    },
    dropSessions() {
      for (const client of wss.clients) {
        counters.dropped += 1;
        client.terminate();
      }
    },
    setPongs(on) {
      pongs = on;
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
