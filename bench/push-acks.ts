/**
 * Push acks benchmark (`npm run bench push-acks`, or `node --import tsx bench/push-acks.ts`).
 *
 * What one ack costs the adapter's process the way PushConnection sends them (the turn's
 * `{"ack":seq}` frames built by hand into one buffer, encodeAckFrames, written to the socket under
 * ws) against the plain way (one `ws.send` each, the socket corked for the turn so that the writes
 * still leave in one). Issue 18 asked for the plain way if it costs at most 10 % more CPU per ack;
 * this bench is why the hand-built frames stay (test/push/ack-frames.test.ts guards the assumption
 * they rest on). The printer is a ws client in a child process, so its reading costs this process
 * nothing; it checks that every ack arrives as its own frame, in order.
 *
 * Each round sends the same number of acks in turns of `batch` acks (one setImmediate between
 * turns, as the connection flushes once per loop iteration). Rounds of the two ways alternate, with
 * a round that writes nothing as the floor of the loop itself; CPU per ack is the round's process
 * CPU above that floor, divided by its acks. The figure to read is the ratio of CPU per ack
 * (ws.send over hand-built), per batch size.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setImmediate as nextIteration } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { encodeAck, encodeAckFrames } from '../protocols/push/replies.js';
import { median, round } from './measures.js';

export const PUSH_ACKS_BENCH = Object.freeze({
  /** Acks per turn: a lone Delivered notice, a few, and a burst after the uplink caught up. */
  batches: Object.freeze([1, 8, 64]),
  acksPerRound: 40_000,
  /** Rounds per way and batch size; the median counts. */
  rounds: 5,
  /** Up to this ratio of CPU per ack (ws.send over hand-built), ws.send would be worth its simplicity (issue 18). */
  plainWayWorthItUpTo: 1.1,
});

const SELF = fileURLToPath(import.meta.url);
const SINK_FLAG = '--push-acks-sink';
/** The printer's question between rounds; it answers with what it received so far. */
const COUNT_REQUEST = 'count';

type Way = 'floor' | 'handBuilt' | 'wsSend';
const WAYS: readonly Way[] = ['floor', 'handBuilt', 'wsSend'];

/**
 * The alternative: one `ws.send` per ack, the socket under ws corked for the turn so that its
 * writes still leave in one (ws nests its own cork per frame inside it).
 */
function sendAcksThroughWs(ws: WebSocket, socket: Socket, seqs: readonly number[]): void {
  socket.cork();
  for (const seq of seqs) ws.send(encodeAck(seq));
  socket.uncork();
}

interface Link {
  ws: WebSocket;
  socket: Socket;
  /** What the printer has received: the count of acks, or an error if one was out of order. */
  received(): Promise<number>;
}

async function openLink(): Promise<{ link: Link; child: ChildProcess; server: Server }> {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  const server = createServer();
  const accepted = new Promise<{ ws: WebSocket; socket: Socket }>((resolve) => {
    server.on('upgrade', (request, socket: Socket, head) => wss.handleUpgrade(request, socket, head, (ws) => resolve({ ws, socket })));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, SINK_FLAG, `ws://127.0.0.1:${port}/`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const { ws, socket } = await accepted;
  socket.setNoDelay(true);
  const answers: ((text: string) => void)[] = [];
  ws.on('message', (data) => answers.shift()?.(String(data)));
  const received = () =>
    new Promise<number>((resolve, reject) => {
      answers.push((text) => {
        const count = Number(text);
        if (Number.isInteger(count)) resolve(count);
        else reject(new Error(`printer: ${text}`));
      });
      ws.send(COUNT_REQUEST);
    });
  return { link: { ws, socket, received }, child, server };
}

/** One round: `acks` acks in turns of `batch`; the process CPU (µs) and wall time (ms) it took. */
async function runRound(link: Link, way: Way, batch: number, acks: number, firstSeq: number): Promise<{ cpuUs: number; wallMs: number }> {
  const seqs: number[] = new Array(batch);
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  for (let sent = 0; sent < acks; sent += batch) {
    for (let index = 0; index < batch; index++) seqs[index] = firstSeq + sent + index;
    if (way === 'wsSend') sendAcksThroughWs(link.ws, link.socket, seqs);
    else if (way === 'handBuilt') link.socket.write(encodeAckFrames(seqs));
    if (link.socket.writableNeedDrain) await once(link.socket, 'drain');
    else await nextIteration();
  }
  const cpu = process.cpuUsage(startCpu);
  const wallMs = performance.now() - startWall;
  return { cpuUs: cpu.user + cpu.system, wallMs };
}

export async function runBenchmark(): Promise<Record<string, unknown>> {
  const settings = PUSH_ACKS_BENCH;
  const { link, child, server } = await openLink();
  try {
    let nextSeq = 0;
    const byBatch: Record<string, unknown> = {};
    const ratios: number[] = [];
    for (const batch of settings.batches) {
      const acks = Math.ceil(settings.acksPerRound / batch) * batch;
      const samples: Record<Way, { cpuUs: number; wallMs: number }[]> = { floor: [], handBuilt: [], wsSend: [] };
      // One more round of each way than counted: the first warms the code up.
      for (let roundIndex = 0; roundIndex <= settings.rounds; roundIndex++) {
        for (const way of WAYS) {
          const result = await runRound(link, way, batch, acks, nextSeq);
          if (way !== 'floor') nextSeq += acks;
          const got = await link.received();
          if (got !== nextSeq) throw new Error(`the printer received ${got} acks, ${nextSeq} were sent`);
          if (roundIndex > 0) samples[way].push(result);
        }
      }
      const floorUs = median(samples.floor.map((sample) => sample.cpuUs));
      const perWay = (way: 'handBuilt' | 'wsSend') => {
        const cpuUs = median(samples[way].map((sample) => sample.cpuUs));
        const wallMs = median(samples[way].map((sample) => sample.wallMs));
        return {
          acksPerSecond: Math.round(acks / (wallMs / 1000)),
          cpuUsPerAck: round((cpuUs - floorUs) / acks, 3),
          cpuUsPerAckWithLoop: round(cpuUs / acks, 3),
        };
      };
      const handBuilt = perWay('handBuilt');
      const wsSend = perWay('wsSend');
      const ratio = round(wsSend.cpuUsPerAck / handBuilt.cpuUsPerAck, 3);
      ratios.push(ratio);
      byBatch[`acksPerTurn${batch}`] = {
        acksPerRound: acks,
        loopFloorCpuUsPerAck: round(floorUs / acks, 3),
        handBuilt,
        wsSend,
        cpuPerAckRatio: ratio,
        cpuPerAckRatioWithLoop: round(wsSend.cpuUsPerAckWithLoop / handBuilt.cpuUsPerAckWithLoop, 3),
      };
    }
    const worst = Math.max(...ratios);
    return {
      what: 'push acks from the adapter process to a ws client in a child process on loopback: hand-built frames written under ws (encodeAckFrames, as PushConnection does) against ws.send per ack with the socket corked per turn; CPU per ack above the loop floor, medians of alternating rounds',
      settings: { ...settings, batches: [...settings.batches] },
      byBatch,
      /** The best case for ws.send across batch sizes: the hand-built frames pay while even this is over 1.1. */
      bestCpuPerAckRatio: Math.min(...ratios),
      worstCpuPerAckRatio: worst,
      plainWayWorthIt: worst <= settings.plainWayWorthItUpTo,
    };
  } finally {
    link.ws.terminate();
    child.kill();
    server.close();
  }
}

/** The printer: counts the acks, checks each is the next seq in its own frame, answers COUNT_REQUEST. */
function runSink(url: string): void {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let count = 0;
  let problem: string | undefined;
  ws.on('message', (data) => {
    const text = String(data);
    if (text === COUNT_REQUEST) {
      ws.send(problem ?? String(count));
      return;
    }
    if (problem === undefined && text !== encodeAck(count)) problem = `expected ${encodeAck(count)}, got ${text.slice(0, 40)}`;
    count++;
  });
  ws.on('close', () => process.exit(0));
  ws.on('error', (error) => {
    process.stderr.write(`push-acks sink: ${error.message}\n`);
    process.exit(1);
  });
}

const sinkAt = process.argv.indexOf(SINK_FLAG);
if (sinkAt !== -1 && process.argv[sinkAt + 1] !== undefined) {
  runSink(process.argv[sinkAt + 1]!);
} else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await runBenchmark(), null, 2)}\n`);
}
