import test from 'ava';
import { validateConfig } from '../../config/validate.js';
import { errorsOf, type Raw, sampleConfig, samplePrinter } from './sample-config.js';

function withPrinters(printers: Raw[]): Raw {
  return { ...sampleConfig(), printers };
}

test('at most 20 printers: 20 are accepted, 21 are refused naming the limit', (t) => {
  const twenty = Array.from({ length: 20 }, (_, index) => samplePrinter(index + 1));
  t.true(validateConfig(withPrinters(twenty)).ok);
  const errors = errorsOf(withPrinters([...twenty, samplePrinter(21)]));
  t.deepEqual(errors, ['printers: at most 20 printers are supported; this config lists 21']);
});

test('an empty printer list is accepted', (t) => {
  t.true(validateConfig(withPrinters([])).ok);
});

test('duplicate ids and Thing names are errors naming both places', (t) => {
  const raw = withPrinters([
    samplePrinter(1),
    samplePrinter(2, { id: 'p01' }),
    samplePrinter(3, { thing: 'Printer-p01' }),
    samplePrinter(4, { thing: 'Adapter-nuc-1' }),
  ]);
  t.deepEqual(errorsOf(raw), [
    'printers[1].id: "p01" is also the id of printers[0].id',
    'printers[2].thing: "Printer-p01" is also the Thing of printers[0].thing',
    'printers[3].thing: "Adapter-nuc-1" is also the Thing of adapter.thing',
  ]);
});

test('two printers cannot claim the same identity', (t) => {
  const raw = withPrinters([
    samplePrinter(1, { identity: { hostName: 'shared', remoteAddress: '10.0.0.5' } }),
    samplePrinter(2, { identity: { hostName: 'shared' } }),
    samplePrinter(3, { identity: { remoteAddress: '10.0.0.5' } }),
  ]);
  t.deepEqual(errorsOf(raw), [
    'printers[1].identity.hostName: "shared" is also the identity.hostName of printers[0].identity.hostName',
    'printers[2].identity.remoteAddress: "10.0.0.5" is also the identity.remoteAddress of printers[0].identity.remoteAddress',
  ]);
});

test('an identity sets at least one way to recognise the printer', (t) => {
  const raw = withPrinters([samplePrinter(1, { identity: {} }), samplePrinter(2, { identity: undefined })]);
  t.deepEqual(errorsOf(raw), [
    'printers[0].identity: must set at least one of tlsSubject, fieldsPrinterId, hostName, remoteAddress',
    'printers[1].identity: must set at least one of tlsSubject, fieldsPrinterId, hostName, remoteAddress',
  ]);
  t.deepEqual(errorsOf(withPrinters([samplePrinter(1, { identity: { remoteAddress: 'printer-01' } })])), [
    'printers[0].identity.remoteAddress: must be an IP address',
  ]);
});

test('the family must exist in the catalog', (t) => {
  t.deepEqual(errorsOf(withPrinters([samplePrinter(1, { family: 'projet-9k' })])), [
    'printers[0].family: unknown family "projet-9k"; known: dmp, mjp, projet-6k, projet-7k',
  ]);
});

test('ids and Thing names have a safe shape', (t) => {
  const raw = withPrinters([samplePrinter(1, { id: 'P 01', thing: 'Printer/01' })]);
  t.deepEqual(errorsOf(raw), [
    'printers[0].id: must be lower-case letters, digits and "-" (e.g. p01)',
    'printers[0].thing: must be a ThingWorx Thing name (letters, digits, "_", "." and "-")',
  ]);
});

for (const address of ['10.0.0.11:7070', 'printer-01.local:7070', '[::1]:7070', '[fd00::13]:1', 'localhost:65535']) {
  test(`address ${address} is accepted`, (t) => {
    t.true(validateConfig(withPrinters([samplePrinter(1, { address })])).ok);
  });
}

for (const address of ['10.0.0.11', '::1:7070', 'host:0', 'host:70000', '[zz]:7070', 'a b:7070', '10.0.0.999:7070', 'host:-1', '']) {
  test(`address ${JSON.stringify(address)} is refused with the expected form`, (t) => {
    const errors = errorsOf(withPrinters([samplePrinter(1, { address })]));
    const expected =
      address === '' ? 'printers[0].address: must not be empty' : 'printers[0].address: must be host:port (IPv6 as [::1]:7070)';
    t.deepEqual(errors, [expected]);
  });
}

test('a printer of a pushing family needs a push token while the push listener is on', (t) => {
  const mjp = samplePrinter(1, { family: 'mjp' });
  t.true(validateConfig(withPrinters([mjp])).ok, 'push listener off: nothing to authenticate');
  const raw = {
    ...withPrinters([mjp, samplePrinter(2, { family: 'dmp', identity: { tlsSubject: 'CN=printer-02' } })]),
    listeners: { push: {} },
  };
  t.deepEqual(errorsOf(raw), [
    'printers[0].pushToken: is required: family mjp pushes its data (or set identity.tlsSubject for a client certificate)',
  ]);
});

test('polling must be faster than the poll staleness threshold', (t) => {
  const raw = { ...withPrinters([samplePrinter(1, { pollIntervalMs: 60_000 })]), health: { staleAfterMs: { poll: 30_000 } } };
  t.deepEqual(errorsOf(raw), [
    'printers[0].pollIntervalMs: must be below health.staleAfterMs.poll (30000), or the printer looks stale between polls',
  ]);
});

test('operating limits get their defaults filled per type', (t) => {
  const limits = [
    { item: 'VatTemperature', type: 'Above', limit: 31, alert: 'VatHot' },
    { item: 'ChamberHumidity', type: 'InRange', minimum: 20, maximum: 60, alert: 'HumidityOk', severity: 'info' },
    { item: 'BuildState', type: 'NotEqualTo', value: 'building', alert: 'NotBuilding' },
    { item: 'VatTemperature', type: 'DeviationBelow', value: 30, limit: 1, alert: 'VatCold' },
  ];
  const result = validateConfig(withPrinters([samplePrinter(1, { limits })]));
  if (!result.ok) return t.fail(result.errors.join('\n'));
  t.deepEqual(result.config.printers[0]?.limits, [
    {
      item: 'VatTemperature',
      type: 'Above',
      limit: 31,
      limitInclusive: true,
      alert: 'VatHot',
      severity: 'warning',
      hysteresis: 0,
      raiseAfterMs: 0,
    },
    {
      item: 'ChamberHumidity',
      type: 'InRange',
      minimum: 20,
      minimumInclusive: true,
      maximum: 60,
      maximumInclusive: false,
      alert: 'HumidityOk',
      severity: 'info',
      hysteresis: 0,
      raiseAfterMs: 0,
    },
    { item: 'BuildState', type: 'NotEqualTo', value: 'building', alert: 'NotBuilding', severity: 'warning', raiseAfterMs: 0 },
    {
      item: 'VatTemperature',
      type: 'DeviationBelow',
      value: 30,
      limit: 1,
      limitInclusive: true,
      alert: 'VatCold',
      severity: 'warning',
      hysteresis: 0,
      raiseAfterMs: 0,
    },
  ]);
});

test('operating limits are checked against their type and the family catalog', (t) => {
  const limits = [
    { item: 'NoSuchItem', type: 'Above', limit: 1, alert: 'A' },
    { item: 'BuildState', type: 'Below', limit: 1, alert: 'B' },
    { item: 'VatTemperature', type: 'InRange', minimum: 40, maximum: 20, alert: 'C' },
    { item: 'Layer', type: 'EqualTo', value: 'ten', alert: 'D' },
    { item: 'VatTemperature', type: 'Above', alert: 'E' },
    { item: 'VatTemperature', type: 'Sideways', alert: 'F' },
    { item: 'VatTemperature', type: 'Below', limit: 5, alert: 'E' },
    { item: 'VatTemperature', type: 'DeviationAbove', value: 30, limit: -1, alert: 'G' },
  ];
  t.deepEqual(errorsOf(withPrinters([samplePrinter(1, { limits })])), [
    'printers[0].limits[0].item: "NoSuchItem" is not an item of family projet-6k',
    'printers[0].limits[1].type: Below needs a NUMBER or INTEGER item; BuildState is STRING',
    'printers[0].limits[2].maximum: must not be below minimum',
    "printers[0].limits[3].value: must be a value of Layer's type INTEGER",
    'printers[0].limits[4].limit: is required',
    'printers[0].limits[5].type: must be one of Above, Below, InRange, OutOfRange, EqualTo, NotEqualTo, DeviationAbove, DeviationBelow',
    'printers[0].limits[6].alert: "VatTemperature.E" is also the alert of printers[0].limits[4].alert',
    'printers[0].limits[7].limit: must be at least 0',
  ]);
});

test('a limit that is not a mapping is reported as such', (t) => {
  t.deepEqual(errorsOf(withPrinters([samplePrinter(1, { limits: [null, 'VatTemperature > 30'] })])), [
    'printers[0].limits[0]: must be a mapping',
    'printers[0].limits[1]: must be a mapping',
  ]);
});

test('hysteresis and raiseAfterMs are accepted where they mean something and filled in as 0 elsewhere', (t) => {
  const limits = [
    { item: 'VatTemperature', type: 'Above', limit: 32, alert: 'VatHot', hysteresis: 0.5, raiseAfterMs: 10_000 },
    { item: 'VatTemperature', type: 'OutOfRange', minimum: 28, maximum: 32, alert: 'VatOut', hysteresis: 1.9 },
    { item: 'VatTemperature', type: 'DeviationAbove', value: 30, limit: 1.5, alert: 'VatWarm', hysteresis: 1.5 },
    { item: 'BuildState', type: 'EqualTo', value: 'error', alert: 'BuildFailed', raiseAfterMs: 3_000 },
  ];
  const result = validateConfig(withPrinters([samplePrinter(1, { limits })]));
  if (!result.ok) return t.fail(result.errors.join('\n'));
  t.like(result.config.printers[0]?.limits, [
    { hysteresis: 0.5, raiseAfterMs: 10_000 },
    { hysteresis: 1.9, raiseAfterMs: 0 },
    { hysteresis: 1.5, raiseAfterMs: 0 },
    { raiseAfterMs: 3_000 },
  ]);
  t.false('hysteresis' in (result.config.printers[0]?.limits[3] ?? {}));
});

test('a hysteresis that could never let the alert clear, or that does not apply, is refused saying why', (t) => {
  const limits = [
    { item: 'VatTemperature', type: 'Above', limit: 32, alert: 'A', hysteresis: -0.5 },
    { item: 'VatTemperature', type: 'OutOfRange', minimum: 28, maximum: 32, alert: 'B', hysteresis: 2 },
    { item: 'VatTemperature', type: 'DeviationBelow', value: 30, limit: 1, alert: 'C', hysteresis: 1.5 },
    { item: 'BuildState', type: 'EqualTo', value: 'error', alert: 'D', hysteresis: 1 },
    { item: 'VatTemperature', type: 'Below', limit: 20, alert: 'E', hysteresis: '1C' },
    { item: 'VatTemperature', type: 'Below', limit: 20, alert: 'F', raiseAfterMs: 2.5 },
    { item: 'VatTemperature', type: 'Below', limit: 20, alert: 'G', raiseAfterMs: -1 },
    { item: 'VatTemperature', type: 'Above', limit: 40, alert: 'Vat', hysteresis: 1 },
  ];
  t.deepEqual(errorsOf(withPrinters([samplePrinter(1, { limits })])), [
    'printers[0].limits[0].hysteresis: must be at least 0',
    'printers[0].limits[1].hysteresis: must be less than half the range (maximum - minimum = 4), or a value inside the range could never clear the alert',
    'printers[0].limits[2].hysteresis: must not exceed limit (1), or the alert would clear only on the other side of the baseline',
    'printers[0].limits[3].hysteresis: applies only to Above, Below, InRange, OutOfRange, DeviationAbove, DeviationBelow: an equality has no distance to come back by (use raiseAfterMs against flapping)',
    'printers[0].limits[4].hysteresis: must be a number',
    'printers[0].limits[5].raiseAfterMs: must be a whole number',
    'printers[0].limits[6].raiseAfterMs: must be at least 0',
  ]);
});

test('an alert whose property or companions would overwrite a catalog item is refused', (t) => {
  const limits = [
    { item: 'VatTemperature', type: 'Above', limit: 40, alert: 'ResinLevel' },
    { item: 'VatTemperature', type: 'Above', limit: 40, alert: 'Chamber' },
  ];
  const family = {
    sources: ['poll'],
    items: { VatTemperature: { type: 'NUMBER' }, Chamber_Value: { type: 'NUMBER' }, ResinLevel: { type: 'NUMBER' } },
  };
  const raw = { ...sampleConfig(), catalog: { families: { custom: family } }, printers: [samplePrinter(1, { family: 'custom', limits })] };
  t.deepEqual(errorsOf(raw), [
    'printers[0].limits[0].alert: writes the property ResinLevel, which is an item of family custom; choose another alert name',
    'printers[0].limits[1].alert: writes the property Chamber_Value, which is an item of family custom; choose another alert name',
  ]);
});
