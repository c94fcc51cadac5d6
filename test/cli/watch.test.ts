import test from 'ava';
import { ANSI, redrawFrame, stopOnInterrupt, watch } from '../../cli/views/watch.js';

test('a frame redraws in place: home, lines cleared to their end, the rest of the screen wiped', (t) => {
  t.is(redrawFrame('a\nbb', false), `${ANSI.home}a${ANSI.clearToLineEnd}\nbb${ANSI.clearToLineEnd}${ANSI.clearToScreenEnd}\n`);
  t.true(redrawFrame('a', true).startsWith(`${ANSI.clearScreen}${ANSI.home}`));
});

test('watch redraws on the interval until stopped, then shows the cursor again', async (t) => {
  const controller = new AbortController();
  const written: string[] = [];
  let frames = 0;
  await watch({
    intervalMs: 5,
    inPlace: true,
    signal: controller.signal,
    write: (text) => written.push(text),
    async render() {
      frames += 1;
      if (frames === 3) controller.abort();
      return `frame ${frames}`;
    },
  });
  t.is(frames, 3);
  t.is(written[0], ANSI.hideCursor);
  t.true(written[1]?.startsWith(ANSI.clearScreen));
  t.true(written[2]?.startsWith(ANSI.home) && !written[2].includes(ANSI.clearScreen));
  t.true(written[3]?.includes('frame 3'));
  t.is(written.at(-1), ANSI.showCursor);
});

test('watch into a pipe prints plain frames one after another', async (t) => {
  const controller = new AbortController();
  const written: string[] = [];
  let frames = 0;
  await watch({
    intervalMs: 5,
    inPlace: false,
    signal: controller.signal,
    write: (text) => written.push(text),
    async render() {
      frames += 1;
      if (frames === 2) controller.abort();
      return `frame ${frames}`;
    },
  });
  t.deepEqual(written, ['frame 1\n', 'frame 2\n']);
});

test('a long wait between frames ends at once on abort', async (t) => {
  const controller = new AbortController();
  const done = watch({
    intervalMs: 60_000,
    inPlace: false,
    signal: controller.signal,
    write: () => {},
    render: async () => 'x',
  });
  setImmediate(() => controller.abort());
  await done;
  t.pass();
});

test('Ctrl-C (SIGINT) aborts the watch signal and the handler is removed after', (t) => {
  const before = process.listenerCount('SIGINT');
  const interrupt = stopOnInterrupt();
  t.is(process.listenerCount('SIGINT'), before + 1);
  process.emit('SIGINT', 'SIGINT');
  t.true(interrupt.signal.aborted);
  interrupt.release();
  t.is(process.listenerCount('SIGINT'), before);
});
