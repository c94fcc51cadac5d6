import test from 'ava';
import { actorAddress, type Behaviour, type ExitReason, supervisorSpec, workerSpec } from '../../supervision/index.js';
import { FAST, waitForStatus, waitUntil, withTree } from './support.js';
import { MAILBOX_DEFAULTS } from '../../config/defaults.js';

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
    const path = actorAddress<SeqMsg, number>('root/seq');
    const total = MAILBOX_DEFAULTS.drainBatch * 4 + 3;
    const positions: Promise<number>[] = [];
    const pings: Promise<boolean>[] = [];
    for (let n = 0; n < total; n += 1) {
      t.true(registry.tell(path, { type: 'seq', n, slow: n % 17 === 5 }));
      if (n % 10 === 9) positions.push(registry.ask(path, { type: 'position' }, 5_000));
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
    for (let i = 0; i < total; i += 1) registry.tell(actorAddress<{ type: 'tick' }>('root/counting'), { type: 'tick' });
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
    const path = actorAddress<{ type: 'work'; n: number; kill?: boolean }>('root/suicidal');
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

test('a busy actor does not starve the others: every actor with work gets a batch per turn', async (t) => {
  const handled = { busy: 0, quiet: 0 };
  let busyWhenQuietRan = -1;
  const busy: Behaviour<null, { type: 'tick' }> = {
    init: () => null,
    handle(state) {
      handled.busy += 1;
      return state;
    },
  };
  const quiet: Behaviour<null, { type: 'tick' }> = {
    init: () => null,
    handle(state) {
      handled.quiet += 1;
      busyWhenQuietRan = handled.busy;
      return state;
    },
  };
  await withTree([workerSpec('busy', busy), workerSpec('quiet', quiet)], async ({ registry }) => {
    const total = MAILBOX_DEFAULTS.drainBatch * 20;
    const busyAddress = actorAddress<{ type: 'tick' }>('root/busy');
    for (let i = 0; i < total; i += 1) registry.tell(busyAddress, { type: 'tick' });
    registry.tell(actorAddress<{ type: 'tick' }>('root/quiet'), { type: 'tick' });
    await waitUntil(registry, () => handled.busy === total && handled.quiet === 1, 'all handled');
    t.true(busyWhenQuietRan <= MAILBOX_DEFAULTS.drainBatch, `quiet ran after ${busyWhenQuietRan} of ${total} busy messages`);
  });
});

test('actors telling each other without end still let timers and I/O run between turns', async (t) => {
  let bounces = 0;
  let running = true;
  type Ball = { type: 'ball' };
  const bouncer = (other: string): Behaviour<null, Ball> => ({
    init: () => null,
    handle(state, msg, ctx) {
      bounces += 1;
      if (running) ctx.registry.tell(actorAddress<Ball>(other), msg);
      return state;
    },
  });
  await withTree([workerSpec('ping', bouncer('root/pong')), workerSpec('pong', bouncer('root/ping'))], async ({ registry }) => {
    registry.tell(actorAddress<Ball>('root/ping'), { type: 'ball' });
    const bouncesWhenTimerFired = await new Promise<number>((resolve) => setTimeout(() => resolve(bounces), 20));
    running = false;
    // With no yield between turns the timer would never fire, and this test would time out.
    t.true(bouncesWhenTimerFired > 0, 'the ball was bouncing when the timer fired');
  });
});

type CrashMsg = { type: 'work'; n: number; crash?: 'throw' | 'reject' };

for (const crash of ['throw', 'reject'] as const) {
  test(`a handler that ${crash}s crashes its incarnation: nothing queued behind it is handled by it, and the crash is recorded`, async (t) => {
    const handledBy: { incarnation: number; n: number }[] = [];
    const ends: ExitReason['kind'][] = [];
    let incarnations = 0;
    const crashing: Behaviour<number, CrashMsg> = {
      init: () => {
        incarnations += 1;
        return incarnations;
      },
      handle(incarnation, msg) {
        handledBy.push({ incarnation, n: msg.n });
        if (msg.crash === 'throw') throw Object.assign(new Error('bad reading'), { code: 'E_BAD' });
        if (msg.crash === 'reject') return Promise.reject(Object.assign(new Error('bad reading'), { code: 'E_BAD' }));
        return incarnation;
      },
      terminate(_state, reason) {
        ends.push(reason.kind);
      },
    };
    await withTree([workerSpec('crashing', crashing)], async ({ registry }) => {
      const path = actorAddress<CrashMsg>('root/crashing');
      for (let n = 0; n < 5; n += 1) registry.tell(path, n === 1 ? { type: 'work', n, crash } : { type: 'work', n });
      await waitUntil(registry, () => incarnations === 2, 'restarted after the crash');
      await waitForStatus(registry, path, 'running');
      t.deepEqual(handledBy, [
        { incarnation: 1, n: 0 },
        { incarnation: 1, n: 1 },
      ]);
      t.deepEqual(ends, ['crashed']);
      const row = registry.get(path);
      t.is(row?.lastError?.code, 'E_BAD');
      t.is(row?.restarts.total, 1);
      t.is(row?.messagesHandled, 1, 'the crashing message does not count as handled');
      t.is(row?.mailboxDepth, 0, 'the new incarnation starts with an empty mailbox');
      t.true(registry.tell(path, { type: 'work', n: 9 }));
      await waitUntil(registry, () => handledBy.length === 3, 'the successor handles new messages');
      t.deepEqual(handledBy[2], { incarnation: 2, n: 9 });
    });
  });
}

test('a child crashing right after its supervisor was killed ends once, and the subtree comes back', async (t) => {
  const ends: ExitReason['kind'][] = [];
  let incarnations = 0;
  const doomed: Behaviour<number, { type: 'kill-parent-then-throw' }> = {
    init: () => {
      incarnations += 1;
      return incarnations;
    },
    handle(_state, _msg, ctx) {
      // The supervisor leaves nact's tree at once: this child's path no longer resolves when it crashes.
      ctx.registry.killByPath('root/sub');
      throw new Error('boom');
    },
    terminate(_state, reason) {
      ends.push(reason.kind);
    },
  };
  await withTree([supervisorSpec('sub', FAST, [workerSpec('doomed', doomed)])], async ({ registry }) => {
    t.true(registry.tell(actorAddress<{ type: 'kill-parent-then-throw' }>('root/sub/doomed'), { type: 'kill-parent-then-throw' }));
    await waitUntil(registry, () => incarnations === 2, 'the subtree restarted');
    await waitForStatus(registry, 'root/sub/doomed', 'running');
    await waitForStatus(registry, 'root/sub', 'running');
    // Its supervisor, finishing first, abandons it: the same end nact's own crash handling gave it.
    t.deepEqual(ends, ['shutdown'], 'terminate ran once');
    t.is(registry.get('root/sub')?.lastError?.code, 'ACTOR_KILLED');
    t.true(await registry.ping('root/sub/doomed'));
  });
});
