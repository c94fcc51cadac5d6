import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import type { BeatsBatch } from '../../protocols/lumberjack/batch.js';
import { createBeatsClient } from '../../sim/clients/lumberjack-client.js';
import { encodeAck } from '../../protocols/lumberjack/ack-writer.js';
import { createBeatsServer } from '../../protocols/lumberjack/server.js';
import { CAPTURES, filebeatEvents, rawPeer } from './support.js';

const HOLD_MS = 5000;
const CLIENT_TIMEOUT_MS = 2000;

/** The case, with the server's default limits: the application holds a window 5 s. */
async function holdingServer(t: { teardown(fn: () => Promise<void>): void }) {
  const held: BeatsBatch[] = [];
  const server = createBeatsServer({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    onWindow: (batch) => {
      held.push(batch);
      setTimeout(() => batch.handle.ack(), HOLD_MS);
    },
  });
  const { port } = await server.listen();
  t.teardown(() => server.close());
  return { port, held };
}

test('a window held 5 s does not time out a client whose timeout is 2 s: keep-alives reach it', async (t) => {
  const { port, held } = await holdingServer(t);
  const client = createBeatsClient({ host: '127.0.0.1', port, timeoutMs: CLIENT_TIMEOUT_MS, windowSize: 10, logger: silentLogger() });
  t.teardown(() => client.close());
  const started = Date.now();
  await client.publish(filebeatEvents(10));
  t.true(Date.now() - started >= HOLD_MS - 50);
  t.is(held.length, 1);
  const counters = client.counters();
  t.like(counters, { timeouts: 0, reconnects: 0, resent: 0, acked: 10 });
  t.true(counters.keepAlives >= 2, `${counters.keepAlives} keep-alives`);
});

test('on the wire: `2A 0` while the window is held, then its ACK', async (t) => {
  const { port } = await holdingServer(t);
  const peer = await rawPeer(port);
  const window = CAPTURES[1]!.bytes.subarray(0, 6 + 5 * 10 + 1469); // the first window of 5 bare J frames
  peer.socket.write(window);
  const keepAlive = encodeAck(0);
  let received = await peer.receivedAtLeast(6);
  while (!received.subarray(-6).equals(encodeAck(5))) received = await peer.receivedAtLeast(received.length + 6);
  const frames = Array.from({ length: received.length / 6 }, (_, i) => received.subarray(i * 6, i * 6 + 6));
  t.true(frames.length >= 3, `${frames.length - 1} keep-alives before the ACK`);
  t.true(frames.slice(0, -1).every((frame) => frame.equals(keepAlive)));
  peer.socket.end();
});
