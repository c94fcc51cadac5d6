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
    const expected = address === '' ? 'printers[0].address: must not be empty' : 'printers[0].address: must be host:port (IPv6 as [::1]:7070)';
    t.deepEqual(errors, [expected]);
  });
}

test('a printer of a pushing family needs a push token while the push listener is on', (t) => {
  const mjp = samplePrinter(1, { family: 'mjp' });
  t.true(validateConfig(withPrinters([mjp])).ok, 'push listener off: nothing to authenticate');
  const raw = { ...withPrinters([mjp, samplePrinter(2, { family: 'dmp', identity: { tlsSubject: 'CN=printer-02' } })]), listeners: { push: {} } };
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
    { item: 'VatTemperature', type: 'Above', limit: 31, limitInclusive: true, alert: 'VatHot', severity: 'warning' },
    {
      item: 'ChamberHumidity',
      type: 'InRange',
      minimum: 20,
      minimumInclusive: true,
      maximum: 60,
      maximumInclusive: false,
      alert: 'HumidityOk',
      severity: 'info',
    },
    { item: 'BuildState', type: 'NotEqualTo', value: 'building', alert: 'NotBuilding', severity: 'warning' },
    { item: 'VatTemperature', type: 'DeviationBelow', value: 30, limit: 1, limitInclusive: true, alert: 'VatCold', severity: 'warning' },
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
