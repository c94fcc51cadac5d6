import test from 'ava';
import { Socket } from 'node:net';
import type { PushDelivery } from '../../protocols/push/connection.js';
import { TOKENS, message, rawClient, roundTrip, startServer } from './harness.js';

/**
 * Counts the writes handed to the kernel by the server's end of connections to `port` (its local
 * port is the listener's). Node gives a corked socket's buffered chunks to one _writev call.
 */
function countServerWrites(port: number): { count: () => number; restore: () => void } {
  const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (this: Socket, ...args: unknown[]) => unknown>;
  const originals = { _write: proto._write, _writev: proto._writev };
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    const original = originals[name];
    proto[name] = function (this: Socket, ...args: unknown[]) {
      if (this.localPort === port) writes++;
      return original.apply(this, args);
    };
  }
  return {
    count: () => writes,
    restore: () => {
      proto._write = originals._write;
      proto._writev = originals._writev;
    },
  };
}

async function deliveriesOf(next: () => Promise<PushDelivery>, count: number): Promise<PushDelivery[]> {
  const all: PushDelivery[] = [];
  for (let i = 0; i < count; i++) all.push(await next());
  return all;
}

test.serial('acks sent in one turn arrive as separate frames, in order, from one socket write', async (t) => {
  const { server, port, url, deliveries } = await startServer();
  t.teardown(() => server.close());
  const client = await rawClient(url, TOKENS.p01);
  for (const seq of [11, 12, 13, 14, 15]) client.ws.send(message(seq));
  const delivered = await deliveriesOf(() => deliveries.next('delivery'), 5);

  const writes = countServerWrites(port);
  t.teardown(() => writes.restore());
  // Acked out of arrival order, as a coalesced Delivered may release them: frames follow the acks.
  for (const index of [1, 0, 2, 4, 3]) delivered[index]?.handle.ack();
  const frames: unknown[] = [];
  for (let i = 0; i < 5; i++) frames.push(JSON.parse(await client.frames.next(`ack ${i + 1}`)));
  writes.restore();

  t.deepEqual(frames, [{ ack: 12 }, { ack: 11 }, { ack: 13 }, { ack: 15 }, { ack: 14 }]);
  t.is(writes.count(), 1);
  await roundTrip(client.ws);
  t.is(client.frames.queued, 0);
  t.is(server.connections()[0]?.acked, 5);
  t.is(server.connections()[0]?.pendingAcks, 0);
  client.ws.close();
  await client.closed;
});

test.serial('acks of different turns each go out; an ack right before a close still reaches the printer first', async (t) => {
  const { server, url, deliveries } = await startServer();
  t.teardown(() => server.close());
  const client = await rawClient(url, TOKENS.p02);
  client.ws.send(message(1));
  client.ws.send(message(2));
  client.ws.send(message(3));
  const [first, second, third] = await deliveriesOf(() => deliveries.next('delivery'), 3);

  first?.handle.ack();
  t.deepEqual(JSON.parse(await client.frames.next('ack 1')), { ack: 1 });
  await new Promise((resolve) => setImmediate(resolve));
  second?.handle.ack();
  t.deepEqual(JSON.parse(await client.frames.next('ack 2')), { ack: 2 });

  third?.handle.ack();
  t.true(server.disconnect(third?.connectionId ?? '', 'done'));
  t.deepEqual(JSON.parse(await client.frames.next('ack 3')), { ack: 3 });
  t.deepEqual(await client.closed, { code: 1000, reason: 'done' });
});

test.serial('an ack given just before a refused frame reaches the printer before the error and the close', async (t) => {
  const { server, url } = await startServer({ onMessage: (delivery) => delivery.handle.ack() });
  t.teardown(() => server.close());
  const client = await rawClient(url, TOKENS.p01);
  // Usually read in one chunk: the ack is still waiting for the end of the turn when the bad frame is refused.
  client.ws.send(message(7));
  client.ws.send('{"seq":8,');
  t.deepEqual(JSON.parse(await client.frames.next('ack')), { ack: 7 });
  t.is(JSON.parse(await client.frames.next('error')).error.code, 'PUSH_BAD_JSON');
  t.is((await client.closed).code, 1008);
});
