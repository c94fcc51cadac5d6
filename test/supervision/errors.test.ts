import test from 'ava';
import { ControlError } from '../../protocols/control/errors.js';
import { HealthError } from '../../domain/health/errors.js';
import { LumberjackError } from '../../protocols/lumberjack/errors.js';
import { PipError } from '../../protocols/printer/errors.js';
import { PushError } from '../../protocols/push/errors.js';
import { ThingworxConfigError } from '../../protocols/thingworx/config-error.js';
import { ExchangeError } from '../../protocols/thingworx/http-exchange.js';
import { SimPrinterError } from '../../sim/printers/errors.js';
import { CodedError, describeError, SupervisionError } from '../../supervision/errors.js';

// The one coded-error base: every family keeps its class name, codes and messages, and shares code + frozen context.
const families: [error: CodedError<string, object>, name: string, code: string, message: string][] = [
  [new SupervisionError('START_TIMEOUT', 'took too long', { path: 'a/b' }), 'SupervisionError', 'START_TIMEOUT', 'took too long'],
  [
    new LumberjackError('LJ_ERR_BAD_VERSION', 'bad version', { connectionId: 'c1' }),
    'LumberjackError',
    'LJ_ERR_BAD_VERSION',
    'bad version',
  ],
  [new PushError('PUSH_OVERFLOW', 'too many', { limit: 'maxPendingAcks', limitValue: 3 }), 'PushError', 'PUSH_OVERFLOW', 'too many'],
  [new PipError('PIP_BAD_UTF8', 'not utf-8', { connection: 'p01' }), 'PipError', 'PIP_BAD_UTF8', 'not utf-8'],
  [new ControlError('CONTROL_BAD_JSON', 'not json', { connection: 'control#3' }), 'ControlError', 'CONTROL_BAD_JSON', 'not json'],
  [new HealthError('HEALTH_RULE_INVALID', 'bad rule', { ruleIndex: 2 }), 'HealthError', 'HEALTH_RULE_INVALID', 'bad rule'],
  [new SimPrinterError('SIM_ERR_BAD_OPTIONS', 'bad option', { option: 'rate' }), 'SimPrinterError', 'SIM_ERR_BAD_OPTIONS', 'bad option'],
  [new ThingworxConfigError('baseUrl', 'not a URL'), 'ThingworxConfigError', 'TWX_CONFIG_INVALID', 'thingworx baseUrl: not a URL'],
  [new ExchangeError('TWX_TIMEOUT', 'no response within 5 ms'), 'ExchangeError', 'TWX_TIMEOUT', 'no response within 5 ms'],
];

for (const [error, name, code, message] of families) {
  test(`${name} is a CodedError with its own name, code and message`, (t) => {
    t.true(error instanceof CodedError);
    t.true(error instanceof Error);
    t.is(error.name, name);
    t.is(error.code, code);
    t.is(error.message, message);
    t.true(String(error.stack).startsWith(`${name}: ${message}`), 'the stack names the family');
    t.true(Object.isFrozen(error.context));
    t.deepEqual(describeError(error), { message, code });
  });
}

test('the context is a frozen copy: changing what was passed in does not change what was raised', (t) => {
  const context: { connectionId?: string } = { connectionId: 'c1' };
  const error = new LumberjackError('LJ_ERR_BAD_VERSION', 'bad version', context);
  context.connectionId = 'c2';
  t.is(error.context.connectionId, 'c1');
  t.throws(
    () => {
      (error.context as { connectionId?: string }).connectionId = 'c3';
    },
    { instanceOf: TypeError },
  );
});

test('a ThingworxConfigError still names its setting, now also in its context', (t) => {
  const error = new ThingworxConfigError('appKey', 'must be a non-empty token');
  t.is(error.setting, 'appKey');
  t.deepEqual(error.context, { setting: 'appKey' });
});

test('a cause given to the base is kept', (t) => {
  class ProbeError extends CodedError<'PROBE_FAILED'> {
    override readonly name = 'ProbeError';
  }
  const cause = new Error('underneath');
  t.is(new ProbeError('PROBE_FAILED', 'probe failed', {}, { cause }).cause, cause);
});

test('a context with a required field must be given; one with none required may be left out', (t) => {
  class LimitError extends CodedError<'LIMIT_HIT', { limit: string }> {
    override readonly name = 'LimitError';
  }
  // @ts-expect-error: the limit is required.
  const missing = new LimitError('LIMIT_HIT', 'over the limit');
  t.deepEqual(missing.context, {});
  t.deepEqual(new LimitError('LIMIT_HIT', 'over the limit', { limit: 'maxWindowEvents' }).context, { limit: 'maxWindowEvents' });
  t.deepEqual(new PushError('PUSH_OVERFLOW', 'too many').context, {});
});
