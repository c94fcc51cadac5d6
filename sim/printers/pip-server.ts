import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { type Logger, silentLogger } from '../../config/logging.js';
import { LineSplitter } from '../../protocols/printer/line-splitter.js';
import { isReadOnlyOp } from '../../protocols/printer/ops.js';
import { MAX_REQUEST_ID } from '../../protocols/printer/request.js';
import { createPrinterModel, type JsonObject, type PrinterFamily, type PrinterModel } from './families.js';
import { PIP_CODEC_LIMITS } from '../../config/defaults.js';

/**
 * A PIP/1 server for one simulated printer, with fault controls for tests and the demo.
 * It answers the four read-only ops from a seeded value model and every other op with UNKNOWN_OP.
 */
export const PIP_SERVER_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  seed: 1,
  maxLineBytes: PIP_CODEC_LIMITS.maxLineBytes,
  /** Size of an `oversized` garbage reply: past any client's line cap, and sent without a newline. */
  oversizedReplyBytes: PIP_CODEC_LIMITS.maxLineBytes + 4096,
  /** Op names kept for stats(), the latest ones. */
  opsKept: 1_000,
});

/** Kinds of bad reply the simulator can send instead of a good one. */
export type PipGarbageKind = 'not-json' | 'wrong-id' | 'bad-result' | 'oversized';

export interface PipServerTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA for client certificates; with requireClientCert the handshake fails without one. */
  ca?: string | Buffer;
  requireClientCert?: boolean;
}

export interface PipServerOptions {
  family: PrinterFamily;
  seed?: number;
  host?: string;
  /** 0 (default) picks a free port; later up() calls reuse the port first bound. */
  port?: number;
  tls?: PipServerTlsOptions;
  serial?: string;
  now?: () => number;
  includeJobFileName?: boolean;
  logger?: Logger;
}

export interface PipServerStats {
  connectionsOpen: number;
  connectionsAccepted: number;
  requests: number;
  answered: number;
  /** The op names received, in order, including refused ones: the latest PIP_SERVER_DEFAULTS.opsKept. */
  opsReceived: readonly string[];
}

export interface PipServer {
  readonly family: PrinterFamily;
  /** Listens; resolves with the port. */
  start(): Promise<number>;
  port(): number;
  /** Closes the listener and every connection for good. */
  stop(): Promise<void>;
  /** Fault: keep reading requests but answer none (clients time out). */
  stopAnswering(): void;
  resumeAnswering(): void;
  /** Fault: destroy every open connection; the listener stays up. */
  closeConnections(): void;
  /** Fault: the next `count` replies (any connection) are garbage of this kind. */
  answerGarbage(kind: PipGarbageKind, count?: number): void;
  /** Polls answer this value for the item (a sensor, a consumable, BuildState) until released. */
  forceValue(item: string, value: number | string): void;
  releaseValue(item: string): void;
  /** Fault: the printer goes away (listener closed, connections destroyed). */
  down(): Promise<void>;
  /** The printer comes back on the same port. */
  up(): Promise<number>;
  stats(): PipServerStats;
}

type Reply = { v: 1; id: number; ok: true; result: JsonObject } | { v: 1; id: number; ok: false; error: { code: string; message: string } };

function refusal(id: number, code: string, message: string): Reply {
  return { v: 1, id, ok: false, error: { code, message } };
}

export function createPipServer(options: PipServerOptions): PipServer {
  const host = options.host ?? PIP_SERVER_DEFAULTS.host;
  const log = (options.logger ?? silentLogger()).child({ sim: 'pip-server', family: options.family });
  const model: PrinterModel = createPrinterModel({
    family: options.family,
    seed: options.seed ?? PIP_SERVER_DEFAULTS.seed,
    serial: options.serial,
    now: options.now ?? Date.now,
    includeJobFileName: options.includeJobFileName,
  });
  const rawSockets = new Set<Socket>();
  let connectionsOpen = 0;
  let connectionsAccepted = 0;
  let requests = 0;
  let answered = 0;
  const opsReceived: string[] = [];
  let answering = true;
  const garbage: PipGarbageKind[] = [];
  let boundPort = options.port ?? 0;
  let listening = false;

  const server: Server = options.tls
    ? createTlsServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          ca: options.tls.ca,
          requestCert: options.tls.requireClientCert === true,
          rejectUnauthorized: options.tls.requireClientCert === true,
          minVersion: 'TLSv1.2',
        },
        serve,
      )
    : createNetServer(serve);
  // raw TCP sockets, so down() can also cut connections still in their TLS handshake
  server.on('connection', (socket: Socket) => {
    rawSockets.add(socket);
    socket.once('close', () => rawSockets.delete(socket));
  });
  server.on('tlsClientError', (error: Error) => log.debug({ err: error.message }, 'tls handshake failed'));

  function serve(socket: Socket): void {
    connectionsOpen += 1;
    connectionsAccepted += 1;
    const splitter = new LineSplitter(PIP_SERVER_DEFAULTS.maxLineBytes);
    socket.on('error', (error) => log.debug({ err: error.message }, 'connection error'));
    socket.once('close', () => {
      connectionsOpen -= 1;
    });
    socket.on('data', (chunk: Buffer) => {
      let lines: Buffer[];
      try {
        lines = splitter.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const line of lines) {
        const reply = answer(line);
        if (reply !== undefined && !socket.destroyed) socket.write(reply);
      }
    });
  }

  /** The bytes to write for one request line, or undefined to stay silent. */
  function answer(line: Buffer): string | undefined {
    requests += 1;
    let request: unknown;
    try {
      request = JSON.parse(line.toString('utf8'));
    } catch {
      return `${JSON.stringify(refusal(0, 'BAD_REQUEST', 'not JSON'))}\n`;
    }
    const fields = typeof request === 'object' && request !== null ? (request as Record<string, unknown>) : {};
    const id = fields.id;
    const op = fields.op;
    if (typeof op === 'string') {
      opsReceived.push(op);
      // Only the latest: a demo polls for hours.
      if (opsReceived.length > PIP_SERVER_DEFAULTS.opsKept) opsReceived.splice(0, opsReceived.length - PIP_SERVER_DEFAULTS.opsKept);
    }
    if (!answering) return undefined;
    answered += 1;
    if (fields.v !== 1 || typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_REQUEST_ID) {
      return `${JSON.stringify(refusal(0, 'BAD_REQUEST', 'expected {"v":1,"id":<u32>,"op":"…"}'))}\n`;
    }
    const kind = garbage.shift();
    if (kind) return garbageReply(kind, id);
    const reply = isReadOnlyOp(op)
      ? ({ v: 1, id, ok: true, result: model[op]() } satisfies Reply)
      : refusal(id, 'UNKNOWN_OP', `unknown op ${typeof op === 'string' ? op.slice(0, 64) : typeof op}`);
    return `${JSON.stringify(reply)}\n`;
  }

  function garbageReply(kind: PipGarbageKind, id: number): string {
    switch (kind) {
      case 'not-json':
        return '}{ this is not json\n';
      case 'wrong-id':
        return `${JSON.stringify({ v: 1, id: id === MAX_REQUEST_ID ? 1 : id + 1, ok: true, result: {} })}\n`;
      case 'bad-result':
        return `${JSON.stringify({ v: 1, id, ok: true, result: { state: 'exploded', VatTemperature: { nested: true } } })}\n`;
      case 'oversized':
        return 'x'.repeat(PIP_SERVER_DEFAULTS.oversizedReplyBytes);
    }
  }

  function listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: boundPort }, () => {
        server.off('error', reject);
        listening = true;
        const address = server.address();
        if (typeof address === 'object' && address) boundPort = address.port;
        log.debug({ port: boundPort }, 'pip simulator listening');
        resolve(boundPort);
      });
    });
  }

  function destroyConnections(): void {
    for (const socket of rawSockets) socket.destroy();
  }

  function shutDown(): Promise<void> {
    destroyConnections();
    if (!listening) return Promise.resolve();
    listening = false;
    return new Promise((resolve) => server.close(() => resolve()));
  }

  return {
    family: options.family,
    start: listen,
    port: () => boundPort,
    stop: shutDown,
    stopAnswering: () => {
      answering = false;
    },
    resumeAnswering: () => {
      answering = true;
    },
    closeConnections: destroyConnections,
    answerGarbage: (kind, count = 1) => {
      for (let i = 0; i < count; i += 1) garbage.push(kind);
    },
    forceValue: (item, value) => model.force(item, value),
    releaseValue: (item) => model.release(item),
    down: shutDown,
    up: listen,
    stats: () => ({ connectionsOpen, connectionsAccepted, requests, answered, opsReceived: [...opsReceived] }),
  };
}
