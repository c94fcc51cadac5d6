import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import {
  actorAddress,
  type Behaviour,
  type ReplyAddress,
  type SupervisionError,
  startTree,
  supervisorSpec,
  workerSpec,
} from '../../supervision/index.js';
import { assertStaysTrue } from '../support/observe.js';
import { FAST, newJournal, probe, sleep, waitForStatus, waitUntil, withTree } from './support.js';

type GateMsg = { type: 'block' } | { type: 'noop' };

test('mailbox depth counts queued messages; messages handled counts finished user messages', async (t) => {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let blocked = false;
  const gated: Behaviour<null, GateMsg> = {
    init: () => null,
    async handle(state, msg) {
      if (msg.type === 'block') {
        blocked = true;
        await gate;
      }
      return state;
    },
  };
  await withTree([workerSpec('gated', gated)], async (tree) => {
    const { registry } = tree;
    const path = actorAddress<GateMsg>('root/gated');
    t.is(registry.get(path)?.mailboxDepth, 0);
    t.true(registry.tell(path, { type: 'block' }));
    await waitUntil(registry, () => blocked, 'block handler started');
    t.is(registry.get(path)?.mailboxDepth, 0, 'a message being handled is no longer queued');
    for (let i = 0; i < 5; i += 1) t.true(registry.tell(path, { type: 'noop' }));
    t.is(registry.get(path)?.mailboxDepth, 5);
    t.is(registry.get(path)?.messagesHandled, 0);
    // A busy actor cannot answer the wrapper's ping: that is how a zombie shows.
    t.false(await registry.ping(path, 100));
    t.is(registry.get(path)?.mailboxDepth, 6, 'the ping waits in the mailbox too');
    release();
    await waitUntil(registry, () => registry.get(path)?.mailboxDepth === 0, 'mailbox drained');
    const row = registry.get(path);
    t.is(row?.messagesHandled, 6, 'block + 5 noops; pings are not behaviour messages');
    t.is(typeof row?.lastMessageAt, 'number');
    t.true(await registry.ping(path, 1_000));
  });
});

type AskMsg = { type: 'echo'; value: unknown } | { type: 'whoami' } | { type: 'forward'; replyTo: ReplyAddress } | { type: 'ignore' };
/** Its asks answer different things per message, so the address promises nothing about the answer. */
const ANSWERING = actorAddress<AskMsg>('root/answering');

const answering: Behaviour<null, AskMsg> = {
  init: () => null,
  handle(state, msg, ctx) {
    switch (msg.type) {
      case 'echo':
        ctx.reply(msg.value);
        break;
      case 'whoami':
        ctx.reply(ctx.ref);
        break;
      case 'forward':
        ctx.registry.tell(msg.replyTo, `answer for ${ctx.path}`);
        break;
      case 'ignore':
        break;
    }
    return state;
  },
};

test('ask answers through ctx.reply or a reply-to address in the message, and rejects with stable codes', async (t) => {
  await withTree([workerSpec('answering', answering)], async ({ registry }) => {
    t.is(await registry.ask(ANSWERING, { type: 'echo', value: 7 }, 1_000), 7);
    const forwarded = await registry.ask(ANSWERING, (replyTo) => ({ type: 'forward', replyTo }), 1_000);
    t.is(forwarded, 'answer for root/answering');
    const timeout = await t.throwsAsync<SupervisionError>(registry.ask(ANSWERING, { type: 'ignore' }, 50));
    t.is(timeout?.code, 'ASK_TIMEOUT');
    const missing = await t.throwsAsync<SupervisionError>(registry.ask(actorAddress<AskMsg>('root/nobody'), { type: 'ignore' }, 50));
    t.is(missing?.code, 'NOT_RUNNING');
  });
});

test('tell by ref reaches only the incarnation the ref names; by path it reaches whoever runs there now', async (t) => {
  const journal = newJournal();
  await withTree([workerSpec('answering', answering), workerSpec('p', probe('p', journal))], async ({ registry }) => {
    const firstRef = (await registry.ask(ANSWERING, { type: 'whoami' }, 1_000)) as ReplyAddress;
    t.true(registry.tell(firstRef, { type: 'ignore' }));
    t.true(registry.killByPath('root/answering'));
    await waitUntil(registry, () => registry.get('root/answering')?.restarts.total === 1, 'restart');
    await waitForStatus(registry, 'root/answering', 'running');
    t.false(registry.tell(firstRef, { type: 'ignore' }), 'stale ref: that incarnation is gone');
    const secondRef = (await registry.ask(ANSWERING, { type: 'whoami' }, 1_000)) as ReplyAddress;
    t.true(registry.tell(secondRef, { type: 'ignore' }));
    t.true(registry.tell(ANSWERING, { type: 'ignore' }));
    t.false(registry.tell(actorAddress<AskMsg>('root/unknown'), { type: 'ignore' }));
    t.false(registry.tell(actorAddress<AskMsg>('no/such/path'), { type: 'ignore' }));
  });
});

type TickMsg = { type: 'tick' };
interface TickerStats {
  incarnations: number;
  ticks: Map<number, number>;
  aborted: Set<number>;
  terminations: Array<[number, string]>;
  zombieTicks: number;
}

function ticker(stats: TickerStats): Behaviour<{ id: number; ended: boolean }, TickMsg> {
  return {
    init(ctx) {
      const id = ++stats.incarnations;
      ctx.signal.addEventListener('abort', () => stats.aborted.add(id));
      ctx.schedule({ type: 'tick' }, 5);
      return { id, ended: false };
    },
    handle(state, _msg, ctx) {
      if (state.ended) stats.zombieTicks += 1;
      stats.ticks.set(state.id, (stats.ticks.get(state.id) ?? 0) + 1);
      ctx.schedule({ type: 'tick' }, 5);
      return state;
    },
    terminate(state, reason) {
      state.ended = true;
      stats.terminations.push([state.id, reason.kind]);
    },
  };
}

test('each end (kill, crash, shutdown) runs terminate once, aborts the signal and cancels timers', async (t) => {
  const stats: TickerStats = { incarnations: 0, ticks: new Map(), aborted: new Set(), terminations: [], zombieTicks: 0 };
  const tree = await startTree(supervisorSpec('root', FAST, [workerSpec('ticker', ticker(stats))]), {
    logger: silentLogger(),
  });
  const { registry } = tree;
  const ticksOf = (id: number) => stats.ticks.get(id) ?? 0;
  await waitUntil(registry, () => ticksOf(1) >= 3, 'incarnation 1 ticking');
  registry.killByPath('root/ticker');
  await waitUntil(registry, () => ticksOf(2) >= 3, 'incarnation 2 ticking');
  registry.crashByPath('root/ticker');
  await waitUntil(registry, () => ticksOf(3) >= 3, 'incarnation 3 ticking');
  await tree.stop();
  const after = [1, 2, 3].map(ticksOf);
  // That no timer fires is what is under test: a named window of twelve tick periods. Timers of one process fire
  // in due order, so a late window on a loaded machine still outlasts every tick that was due.
  await assertStaysTrue(() => [1, 2, 3].every((id, i) => ticksOf(id) === after[i]), 60, 'no tick of an ended incarnation');
  t.deepEqual([1, 2, 3].map(ticksOf), after, 'no timer of an ended incarnation fires');
  t.deepEqual(stats.terminations, [
    [1, 'killed'],
    [2, 'crashed'],
    [3, 'shutdown'],
  ]);
  t.deepEqual([...stats.aborted].sort(), [1, 2, 3]);
  t.is(stats.zombieTicks, 0);
  t.is(registry.get('root/ticker')?.status, 'stopped');
});

test('crashByPath makes an idle actor crash promptly, and a busy one crash on its next message', async (t) => {
  let release = () => {};
  let handled: string[] = [];
  let blocked = false;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const worker: Behaviour<null, { type: string }> = {
    init: () => null,
    async handle(state, msg) {
      if (msg.type === 'block') {
        blocked = true;
        await gate;
      }
      handled = [...handled, msg.type];
      return state;
    },
  };
  await withTree([workerSpec('idle', probe('idle', newJournal())), workerSpec('busy', worker)], async ({ registry }) => {
    t.true(registry.crashByPath('root/idle'));
    await waitUntil(registry, () => registry.get('root/idle')?.restarts.total === 1, 'idle restarted');
    t.is(registry.get('root/idle')?.lastError?.code, 'INJECTED_CRASH');

    const busy = actorAddress<{ type: string }>('root/busy');
    registry.tell(busy, { type: 'block' });
    await waitUntil(registry, () => blocked, 'block handler started');
    registry.tell(busy, { type: 'first-after-block' });
    registry.tell(busy, { type: 'second-after-block' });
    t.true(registry.crashByPath('root/busy'));
    release();
    await waitUntil(registry, () => registry.get('root/busy')?.restarts.total === 1, 'busy restarted');
    await waitForStatus(registry, 'root/busy', 'running');
    t.deepEqual(handled, ['block'], 'the message after the arming threw; the rest of that mailbox died with it');
  });
});

test('a crash in init counts as a crash: restarted with backoff, the error recorded', async (t) => {
  let attempts = 0;
  const flaky: Behaviour<null, never> = {
    init() {
      attempts += 1;
      if (attempts === 2) throw Object.assign(new Error('printer unreachable'), { code: 'E_UNREACHABLE' });
      return null;
    },
    handle: (state) => state,
  };
  await withTree([workerSpec('flaky', flaky)], async ({ registry }) => {
    registry.killByPath('root/flaky');
    await waitUntil(registry, () => attempts === 3 && registry.get('root/flaky')?.status === 'running', 'third init');
    const row = registry.get('root/flaky');
    t.is(row?.restarts.total, 2, 'the kill and the failed init each cost a restart');
    t.deepEqual(row?.lastError && { message: row.lastError.message, code: row.lastError.code }, {
      message: 'printer unreachable',
      code: 'E_UNREACHABLE',
    });
  });
});

test('an init slower than startTimeoutMs is abandoned; what it builds later still reaches terminate', async (t) => {
  let attempts = 0;
  const cleaned: number[] = [];
  const slow: Behaviour<{ attempt: number }, never> = {
    async init() {
      attempts += 1;
      const attempt = attempts;
      // The slow init is the scenario, not a wait for something.
      if (attempt === 2) await sleep(300);
      return { attempt };
    },
    handle: (state) => state,
    terminate(state) {
      cleaned.push(state.attempt);
    },
  };
  await withTree([workerSpec('slow', slow, { startTimeoutMs: 100 })], async ({ registry }) => {
    registry.killByPath('root/slow');
    await waitUntil(registry, () => attempts === 3 && registry.get('root/slow')?.status === 'running', 'third init');
    t.is(registry.get('root/slow')?.lastError?.code, 'START_TIMEOUT');
    await waitUntil(registry, () => cleaned.includes(2), 'late init cleaned up');
    t.deepEqual(cleaned, [1, 2]);
  });
});
