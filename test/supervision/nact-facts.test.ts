/**
 * The nact 7.6.2 behaviours supervision/ is built around (see supervision/README.md). If an upgrade
 * changes one of them, this file says which assumption broke.
 */
import test from 'ava';
import { dispatch, query, spawn, start, stop } from 'nact';
import { assertStaysTrue } from '../support/observe.js';
import { until } from '../support/until.js';
import { sleep } from './support.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('stopping an actor does not stop its children: they live on, unreachable, without afterStop', async (t) => {
  const system = start();
  const seen: string[] = [];
  const parent = spawn(system, (state: undefined) => state, 'parent');
  const child = spawn(
    parent,
    (state: undefined, msg: string) => {
      seen.push(msg);
      return state;
    },
    'child',
    {
      afterStop: () => {
        seen.push('child afterStop');
      },
    },
  );
  dispatch(child, 'before');
  await turn();
  stop(parent);
  await turn();
  await turn();
  dispatch(child, 'after');
  await turn();
  t.deepEqual(seen, ['before'], 'no afterStop for the child, and it can no longer be reached by its ref');
  stop(system);
});

test('a name is free again right after stop, and an old ref reaches the successor', async (t) => {
  const system = start();
  const seen: string[] = [];
  const first = spawn(
    system,
    (state: undefined, msg: string) => {
      seen.push(`first ${msg}`);
      return state;
    },
    'same',
  );
  stop(first);
  spawn(
    system,
    (state: undefined, msg: string) => {
      seen.push(`second ${msg}`);
      return state;
    },
    'same',
  );
  dispatch(first, 'hello');
  await turn();
  t.deepEqual(seen, ['second hello']);
  stop(system);
});

test('a handler still awaiting when its actor stops runs on, and a later throw runs afterStop again', async (t) => {
  const system = start();
  let afterStops = 0;
  let handling = false;
  const actor = spawn(
    system,
    async (state: undefined) => {
      handling = true;
      // The slow handler is the scenario: it is still awaiting when its actor stops.
      await sleep(30);
      throw new Error('late');
      // biome-ignore lint/correctness/noUnreachable: the type of the handler needs a state
      return state;
    },
    'slow',
    {
      onCrash: (_msg, _error, ctx) => ctx.stop,
      afterStop: () => {
        afterStops += 1;
      },
    },
  );
  dispatch(actor, 'go');
  await until(() => handling, { what: 'the handler awaiting' });
  stop(actor);
  await until(() => afterStops >= 2, { what: 'afterStop for the stop, then for the late throw' });
  t.is(afterStops, 2);
  stop(system);
});

test('onCrash receives the message, the error and the pending mailbox; query to a stopped actor rejects', async (t) => {
  const system = start();
  const crashes: Array<{ msg: unknown; error: string; pending: number }> = [];
  const actor = spawn(
    system,
    (state: undefined, msg: string) => {
      if (msg === 'boom') throw new Error('boom');
      return state;
    },
    'crashy',
    {
      onCrash: (msg, error, ctx) => {
        crashes.push({ msg, error: error instanceof Error ? error.message : '', pending: ctx.mailbox.length });
        return ctx.stop;
      },
    },
  );
  dispatch(actor, 'boom');
  dispatch(actor, 'queued-1');
  dispatch(actor, 'queued-2');
  await until(() => crashes.length > 0, { what: 'the crash' });
  t.deepEqual(crashes, [{ msg: 'boom', error: 'boom', pending: 2 }]);
  await t.throwsAsync(
    query(actor, () => 'anything', 50),
    { message: /stopped or never existed/ },
  );
  stop(system);
});

test('answering a child escalation with resume leaves the child busy forever (why we never do)', async (t) => {
  const system = start();
  let handled = 0;
  const parent = spawn(system, (state: undefined) => state, 'parent', { onCrash: (_msg, _error, ctx) => ctx.resume });
  const child = spawn(
    parent,
    (state: undefined, msg: string) => {
      handled += 1;
      if (msg === 'boom') throw new Error('boom');
      return state;
    },
    'child',
    { onCrash: (_msg, _error, ctx) => ctx.escalate },
  );
  dispatch(child, 'boom');
  await until(() => handled === 1, { what: 'the crashing message handled' });
  dispatch(child, 'next');
  // That the next message is never handled is what is under test: a named window.
  await assertStaysTrue(() => handled === 1, 50, 'the message after the crash unhandled');
  t.is(handled, 1, 'the message after the crash is never handled');
  await t.throwsAsync(
    query(child, () => 'ping', 50),
    { message: 'Query Timeout' },
  );
  stop(system);
});
