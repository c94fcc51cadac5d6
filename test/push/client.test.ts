import type { AddressInfo } from 'node:net';
import test from 'ava';
import { WebSocketServer } from 'ws';
import { silentLogger } from '../../config/logging.js';
import { createPushClient } from '../../sim/clients/push-client.js';
import { PushError } from '../../protocols/push/errors.js';
import { TOKENS, WAIT_MS, startServer } from './harness.js';
import { capturedLogger } from '../lumberjack/support.js';
import { until as untilCondition } from '../support/until.js';

const FAST_BACKOFF = { minMs: 20, maxMs: 200 };

const until = (condition: () => boolean, what: string): Promise<void> => untilCondition(condition, { what, timeoutMs: WAIT_MS });

test('send() resolves only once the application acks', async (t) => {
  const { server, url, deliveries } = await startServer();
  t.teardown(() => server.close());
  const client = createPushClient({ url, token: TOKENS.p01, logger: silentLogger(), backoff: FAST_BACKOFF, firstSeq: 100 });
  t.teardown(() => client.close());
  let acked = false;
  const sent = client.send([{ item: 'ResinLevel', value: 71.5, unit: '%' }], 1_764_238_502_000).then(() => {
    acked = true;
  });
  const delivery = await deliveries.next('delivery');
  t.is(delivery.seq, 100);
  t.deepEqual(delivery.readings, [{ item: 'ResinLevel', value: 71.5, unit: '%' }]);
  // A second message delivered means the first one was long processed; still not acked.
  const later = client.send([{ item: 'ResinLevel', value: 71.4, unit: '%' }], 1_764_238_503_000);
  const second = await deliveries.next('delivery 2');
  t.false(acked);
  delivery.handle.ack();
  await sent;
  t.true(acked);
  second.handle.ack();
  await later;
  t.like(client.counters(), { sent: 2, acked: 2, resent: 0, reconnects: 0, unacked: 0 });
});

test('after a reconnect every unacked message is sent again with its seq (at-least-once)', async (t) => {
  const { server, url, deliveries } = await startServer();
  t.teardown(() => server.close());
  const client = createPushClient({ url, token: TOKENS.p01, logger: silentLogger(), backoff: FAST_BACKOFF, firstSeq: 1 });
  t.teardown(() => client.close());
  const results = [1, 2, 3].map((n) => client.send([{ item: 'Layer', value: n }], 1_764_238_500_000 + n));
  const firstRound = [await deliveries.next('1'), await deliveries.next('2'), await deliveries.next('3')];
  t.deepEqual(
    firstRound.map((d) => d.seq),
    [1, 2, 3],
  );
  firstRound[0]?.handle.ack();
  await results[0];
  await until(() => client.counters().acked === 1, 'the first ack');

  t.true(server.disconnect(firstRound[0]?.connectionId ?? '', 'test: drop the connection'));
  const secondRound = [await deliveries.next('resent 2'), await deliveries.next('resent 3')];
  t.deepEqual(
    secondRound.map((d) => [d.seq, d.time, d.readings[0]?.value]),
    [
      [2, 1_764_238_500_002, 2],
      [3, 1_764_238_500_003, 3],
    ],
  );
  t.not(secondRound[0]?.connectionId, firstRound[0]?.connectionId);
  firstRound[1]?.handle.ack(); // the old connection is gone: this ack must change nothing
  for (const delivery of secondRound) delivery.handle.ack();
  await Promise.all(results);
  t.like(client.counters(), { sent: 3, acked: 3, resent: 2, reconnects: 1, unacked: 0 });
});

test('messages queued while the adapter is down go out once it is up', async (t) => {
  const first = await startServer();
  const { port } = first;
  await first.server.close();
  const url = `ws://127.0.0.1:${port}/push/v1`;
  const client = createPushClient({ url, token: TOKENS.p01, logger: silentLogger(), backoff: FAST_BACKOFF, firstSeq: 1 });
  t.teardown(() => client.close());
  const result = client.send([{ item: 'Layer', value: 9 }], 1_764_238_500_000);
  // Same port again; if another process took it meanwhile the test cannot go on.
  const again = await startServer({ port }).catch(() => undefined);
  if (!again) {
    t.log('port was taken meanwhile; skipped');
    t.pass();
    return;
  }
  t.teardown(() => again.server.close());
  const delivery = await again.deliveries.next('delivery');
  delivery.handle.ack();
  await result;
  t.like(client.counters(), { sent: 1, acked: 1, resent: 0 });
});

test('send() refuses invalid messages locally, and close() rejects what is unacked', async (t) => {
  const { server, url, deliveries } = await startServer();
  t.teardown(() => server.close());
  const client = createPushClient({ url, token: TOKENS.p01, logger: silentLogger(), backoff: FAST_BACKOFF, firstSeq: 1 });
  const invalid = await t.throwsAsync(client.send([{ item: 'no spaces allowed', value: 1 }], 0));
  t.true(invalid instanceof PushError && invalid.code === 'PUSH_CLIENT_INVALID');
  const pending = client.send([{ item: 'Layer', value: 1 }], 1_764_238_500_000);
  const delivery = await deliveries.next('delivery');
  t.is(delivery.seq, 1, 'the invalid message did not use up a seq');
  await client.close();
  const closed = await t.throwsAsync(pending);
  t.true(closed instanceof PushError && closed.code === 'PUSH_CLIENT_CLOSED');
  const after = await t.throwsAsync(client.send([{ item: 'Layer', value: 2 }], 0));
  t.true(after instanceof PushError && after.code === 'PUSH_CLIENT_CLOSED');
});

test('the client keeps retrying while the adapter refuses its token', async (t) => {
  const { logger, lines } = capturedLogger();
  const { server, url, deliveries } = await startServer({ logger });
  t.teardown(() => server.close());
  const client = createPushClient({ url, token: 'wrong', logger: silentLogger(), backoff: FAST_BACKOFF, firstSeq: 1 });
  const pending = client.send([{ item: 'Layer', value: 1 }], 1_764_238_500_000);
  pending.catch(() => {});
  // Retrying is what is under test: wait for three refused upgrades, not for a guess at their time.
  const refusals = () => lines().filter((line) => line.msg === 'push upgrade refused: not authenticated').length;
  await untilCondition(() => refusals() >= 3, { what: 'three refused upgrades', timeoutMs: WAIT_MS });
  t.false(client.isConnected());
  t.is(deliveries.all.length, 0);
  t.is(client.counters().unacked, 1);
  await client.close();
});

test('a burst sent in one turn arrives as one text frame per message, in seq order', async (t) => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  const frames: { text: string; isBinary: boolean }[] = [];
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => frames.push({ text: String(data), isBinary })));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/push/v1`;
  const client = createPushClient({ url, token: TOKENS.p01, logger: silentLogger(), backoff: FAST_BACKOFF, firstSeq: 1 });
  t.teardown(() => client.close());
  await until(() => client.isConnected(), 'the connection');
  const burst = 25;
  for (let n = 0; n < burst; n++) client.send([{ item: 'Layer', value: n, unit: '°' }], 1_764_238_500_000 + n).catch(() => {});
  await until(() => frames.length === burst, `${burst} frames`);
  t.true(frames.every((frame) => !frame.isBinary));
  t.deepEqual(
    frames.map((frame) => JSON.parse(frame.text)),
    Array.from({ length: burst }, (_, n) => ({
      seq: n + 1,
      time: 1_764_238_500_000 + n,
      readings: [{ item: 'Layer', value: n, unit: '°' }],
    })),
  );
});
