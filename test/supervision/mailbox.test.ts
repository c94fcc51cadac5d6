import test from 'ava';
import { type Behaviour, type ExitReason, MAILBOX_DEFAULTS, workerSpec } from '../../supervision/index.js';
import { waitForStatus, waitUntil, withTree } from './support.js';

type SeqMsg = { type: 'seq'; n: number; slow?: boolean } | { type: 'position' };

test('tells, asks and pings are handled in the order sent, across batches and async handlers', async (t) => {
  const seen: number[] = [];
  const sequenced: Behaviour<null, SeqMsg> = {
    init: () => null,
    handle(state, msg, ctx) {
      if (msg.type === 'position') {
        ctx.reply(seen.length);
        return state;
      }
      seen.push(msg.n);
      // Some handlers await: the rest of the batch must wait for them.
      return msg.slow ? new Promise((resolve) => setTimeout(() => resolve(state), 1)) : state;
    },
  };
  await withTree([workerSpec('seq', sequenced)], async ({ registry }) => {
    const path = 'root/seq';
    const total = MAILBOX_DEFAULTS.drainBatch * 4 + 3;
    const positions: Promise<number>[] = [];
    const pings: Promise<boolean>[] = [];
    for (let n = 0; n < total; n += 1) {
      t.true(registry.tell(path, { type: 'seq', n, slow: n % 17 === 5 }));
      if (n % 10 === 9) positions.push(registry.ask<number>(path, { type: 'position' }, 5_000));
      if (n % 25 === 0) pings.push(registry.ping(path, 5_000));
    }
    t.is(registry.get(path)?.mailboxDepth, total + positions.length + pings.length, 'everything is counted while queued');
    const answered = await Promise.all(positions);
    t.deepEqual(
      answered,
      answered.map((_, i) => (i + 1) * 10),
      'each ask saw exactly the tells sent before it',
    );
    t.true((await Promise.all(pings)).every(Boolean));
    await waitUntil(registry, () => registry.get(path)?.mailboxDepth === 0, 'mailbox drained');
    t.deepEqual(
      seen,
      Array.from({ length: total }, (_, n) => n),
    );
    t.is(registry.get(path)?.messagesHandled, total + positions.length);
  });
});

test('a long mailbox is handled in batches: the event loop gets a turn before it is drained', async (t) => {
  let handled = 0;
  const counting: Behaviour<null, { type: 'tick' }> = {
    init: () => null,
    handle(state) {
      handled += 1;
      return state;
    },
  };
  await withTree([workerSpec('counting', counting)], async ({ registry }) => {
    const total = 1_000;
    t.true(MAILBOX_DEFAULTS.drainBatch < total / 4, 'the mailbox spans several batches');
    for (let i = 0; i < total; i += 1) registry.tell('root/counting', { type: 'tick' });
    const handledAtFirstTurn = await new Promise<number>((resolve) => setImmediate(() => resolve(handled)));
    t.true(handledAtFirstTurn < total, `${handledAtFirstTurn} of ${total} handled before another callback ran`);
    await waitUntil(registry, () => handled === total, 'all handled');
    t.is(registry.get('root/counting')?.mailboxDepth, 0);
  });
});

test('a kill from inside a handler ends the batch: nothing queued behind it is handled by that incarnation', async (t) => {
  const handledBy: { incarnation: number; n: number }[] = [];
  const ends: ExitReason['kind'][] = [];
  let incarnations = 0;
  const suicidal: Behaviour<number, { type: 'work'; n: number; kill?: boolean }> = {
    init: () => {
      incarnations += 1;
      return incarnations;
    },
    handle(incarnation, msg, ctx) {
      handledBy.push({ incarnation, n: msg.n });
      if (msg.kill) ctx.registry.killByPath(ctx.path);
      return incarnation;
    },
    terminate(_state, reason) {
      ends.push(reason.kind);
    },
  };
  await withTree([workerSpec('suicidal', suicidal)], async ({ registry }) => {
    const path = 'root/suicidal';
    for (let n = 0; n < 5; n += 1) registry.tell(path, { type: 'work', n, kill: n === 1 });
    await waitUntil(registry, () => incarnations === 2, 'restarted after the kill');
    await waitForStatus(registry, path, 'running');
    t.deepEqual(handledBy, [
      { incarnation: 1, n: 0 },
      { incarnation: 1, n: 1 },
    ]);
    t.deepEqual(ends, ['killed']);
    t.is(registry.get(path)?.mailboxDepth, 0, 'the new incarnation starts with an empty mailbox');
  });
});
