import test from 'ava';
import { validateConfig } from '../../config/validate.js';
import { errorsOf, sampleConfig } from './sample-config.js';
import { ADMISSION_DEFAULTS, DEFAULT_LUMBERJACK_LIMITS, PUSH_SERVER_DEFAULTS } from '../../config/defaults.js';

test('listener admission and idle keys default from the modules that own them', (t) => {
  const result = validateConfig({ ...sampleConfig(), listeners: { beats: {}, push: { port: 8765 } } });
  if (!result.ok) return t.fail(result.errors.join('\n'));
  const { beats, push } = result.config.listeners;
  t.like(beats.limits, {
    idleTimeoutMs: DEFAULT_LUMBERJACK_LIMITS.idleTimeoutMs,
    unidentifiedIdleTimeoutMs: DEFAULT_LUMBERJACK_LIMITS.unidentifiedIdleTimeoutMs,
    maxConnections: DEFAULT_LUMBERJACK_LIMITS.maxConnections,
    maxConnectionsPerAddress: ADMISSION_DEFAULTS.maxConnectionsPerAddress,
    reservedPerPrinter: ADMISSION_DEFAULTS.reservedPerPrinter,
    maxPendingHandshakes: ADMISSION_DEFAULTS.maxPendingHandshakes,
  });
  t.true(beats.limits.idleTimeoutMs > 0, 'idle connections are closed by default');
  t.like(push, {
    maxConnections: PUSH_SERVER_DEFAULTS.maxConnections,
    maxConnectionsPerAddress: ADMISSION_DEFAULTS.maxConnectionsPerAddress,
    reservedPerPrinter: ADMISSION_DEFAULTS.reservedPerPrinter,
  });
});

test('idle timeouts may be 0 (never); connection counts must be positive integers', (t) => {
  const ok = validateConfig({ ...sampleConfig(), listeners: { beats: { limits: { idleTimeoutMs: 0, reservedPerPrinter: 0 } } } });
  t.true(ok.ok);
  const errors = errorsOf({
    ...sampleConfig(),
    listeners: { beats: { limits: { maxConnectionsPerAddress: 0, maxConnections: 1.5 } }, push: { maxPendingHandshakes: -1 } },
  });
  t.is(errors.length, 3);
  t.true(errors.some((line) => line.startsWith('listeners.beats.limits.maxConnectionsPerAddress:')));
  t.true(errors.some((line) => line.startsWith('listeners.beats.limits.maxConnections:')));
  t.true(errors.some((line) => line.startsWith('listeners.push.maxPendingHandshakes:')));
});
