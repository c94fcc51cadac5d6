import { Writable } from 'node:stream';
import test from 'ava';
import { createLogger, effectiveLogLevel, isLogLevel } from '../../config/logging.js';

function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

test('secrets are redacted wherever they sit in a log line', (t) => {
  const { stream, lines } = capture();
  const log = createLogger({ level: 'info', destination: stream });
  log.info({ appKey: 'k-123', thingworx: { appKey: 'k-456' }, headers: { appKey: 'k-789' }, token: 't-1' }, 'hello');
  const text = lines.join('\n');
  t.false(text.includes('k-123'));
  t.false(text.includes('k-456'));
  t.false(text.includes('k-789'));
  t.false(text.includes('t-1'));
  t.true(text.includes('[REDACTED]'));
});

test('LOG_LEVEL overrides the configured level when it names a level', (t) => {
  t.is(effectiveLogLevel('info', { LOG_LEVEL: 'debug' }), 'debug');
  t.is(effectiveLogLevel('warn', {}), 'warn');
  t.is(effectiveLogLevel('warn', { LOG_LEVEL: 'verbose' }), 'warn');
  t.true(isLogLevel('silent'));
  t.false(isLogLevel('DEBUG'));
});
