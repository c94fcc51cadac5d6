import { inflateSync } from 'node:zlib';
import test from 'ava';
import { LumberjackDecoder, drainWindows } from '../../protocols/lumberjack/decoder.js';
import { encodeJsonTextWindow, encodeJsonWindow, encodeWindow } from '../../sim/clients/frame-writer.js';
import { DEFAULT_LUMBERJACK_LIMITS } from '../../config/defaults.js';

const texts = (count: number) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ i, message: `line ${i} "é" 😀 ${'x'.repeat((i * 37) % 900)}` }));

test('encodeJsonTextWindow writes the bytes encodeJsonWindow writes, bare and compressed', (t) => {
  for (const count of [1, 3, 250, 3000]) {
    for (const compressionLevel of [0, 1, 3, 9]) {
      const events = texts(count);
      const expected = encodeJsonWindow(
        events.map((text) => Buffer.from(text, 'utf8')),
        { compressionLevel },
      );
      t.true(encodeJsonTextWindow(events, { compressionLevel }).equals(expected), `${count} events, level ${compressionLevel}`);
    }
  }
});

test('windows encoded one after another do not share bytes (the compression buffer is reused)', (t) => {
  const first = encodeJsonTextWindow(texts(50), { compressionLevel: 3 });
  const copy = Buffer.from(first);
  encodeJsonTextWindow(texts(400).reverse(), { compressionLevel: 3 });
  t.true(first.equals(copy));
  // 2W, 2C, then zlib: inflating gives the 2J frames of the first window.
  t.is(first.subarray(0, 2).toString('latin1'), '2W');
  t.is(first.subarray(6, 8).toString('latin1'), '2C');
  t.true(inflateSync(first.subarray(12)).equals(encodeJsonTextWindow(texts(50), { compressionLevel: 0 }).subarray(6)));
});

test('a decoder reads the events of a text-encoded window back', (t) => {
  const events = texts(20).map((text) => JSON.parse(text) as unknown);
  const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS);
  decoder.push(encodeJsonTextWindow(texts(20), { compressionLevel: 3 }));
  const windows = drainWindows(decoder);
  t.is(windows.length, 1);
  t.deepEqual(windows[0]?.events, events);
  t.true(encodeWindow(events, { compressionLevel: 3 }).equals(encodeJsonTextWindow(texts(20), { compressionLevel: 3 })));
});
