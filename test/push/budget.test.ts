import test from 'ava';
import { IngestBudget } from '../../protocols/ingest-budget/byte-budget.js';
import { assertStaysTrue } from '../support/observe.js';
import { until } from '../support/until.js';
import { TOKENS, message, rawClient, startServer } from './harness.js';

test('push messages count against the shared byte budget: over its fair share a connection is not read until bytes are freed', async (t) => {
  const first = Buffer.from(message(1));
  // The budget holds a little more than two messages; another connection (a Beats window) holds all of it.
  const budget = new IngestBudget({ maxBytes: 2 * first.length + 10, maxUnidentifiedBytes: 64, maxStalledWaitMs: 60_000 });
  const beats = budget.open({ identified: true, onFreed: () => {} });
  beats.setHeld(budget.limits.maxBytes);
  const { server, url, deliveries } = await startServer({ budget });
  t.teardown(() => server.close());
  const client = await rawClient(url, TOKENS.p01);

  // Under its fair share (half the budget) a connection may always read, however full the budget is.
  client.ws.send(message(1));
  const one = await deliveries.next('delivery 1');
  client.ws.send(message(2));
  await deliveries.next('delivery 2');
  t.deepEqual(server.connections()[0]?.pausedBy, ['budget']);
  client.ws.send(message(3));
  await until(() => client.ws.bufferedAmount === 0, { what: 'message 3 handed to the socket' });
  // That message 3 is not read is what is under test: a named window, begun once it is on its way.
  await assertStaysTrue(() => deliveries.all.length === 2 && server.connections()[0]?.received === 2, 300, 'message 3 not read');
  t.is(deliveries.all.length, 2, 'message 3 is not read while the connection holds its share');

  // An ack frees that message's bytes: reading resumes.
  one.handle.ack();
  t.is((await deliveries.next('delivery 3')).seq, 3);
  t.true(
    budget.heldBytes <= budget.limits.maxBytes + 2 * first.length,
    `${budget.heldBytes} held, max ${budget.limits.maxBytes}, message ${first.length}`,
  );
  beats.close();
  client.ws.close();
  await client.closed;
  t.is(budget.heldBytes, 0, 'a closed connection returns its bytes');
});
