import test from 'ava';
import { identifyWindow } from '../../domain/catalog/normalizer.js';

const printers = [
  { id: 'p01', identity: { tlsSubject: 'CN=printer-01' } },
  { id: 'p02', identity: { fieldsPrinterId: 'p02', hostName: 'printer-02' } },
  { id: 'p03', identity: { hostName: 'printer-03' } },
  { id: 'p04', identity: { tlsSubject: 'CN=printer-04', hostName: 'printer-04' } },
];
const line = (origin: Record<string, unknown>) => ({
  '@timestamp': '2026-11-27T10:15:02.123Z',
  message: 'm',
  log: { file: { path: '/var/log/printer.log' }, offset: 0 },
  ...origin,
});
const tls = (tlsSubject: string) => ({ remoteAddress: '127.0.0.1', tlsSubject });
const plain = { remoteAddress: '127.0.0.1' };

test('a certificate that names one printer while the documents claim another: the certificate wins, the mismatch is reported', (t) => {
  t.deepEqual(identifyWindow(tls('CN=printer-01'), [line({ fields: { printer_id: 'p02' } })], printers), {
    printer: 'p01',
    mismatch: { certificate: 'p01', documents: 'p02' },
  });
  t.deepEqual(identifyWindow(tls('CN=printer-01'), [line({ host: { name: 'printer-03' } })], printers), {
    printer: 'p01',
    mismatch: { certificate: 'p01', documents: 'p03' },
  });
  // fields.printer_id outranks host.name in the claim, as it does in identification.
  t.deepEqual(
    identifyWindow(tls('CN=printer-01'), [line({ fields: { printer_id: 'p02' }, host: { name: 'printer-03' } })], printers).mismatch,
    {
      certificate: 'p01',
      documents: 'p02',
    },
  );
  // The first document that says who it is decides the claim, as it decides the printer.
  t.deepEqual(identifyWindow(tls('CN=printer-04'), [{ junk: true }, line({ host: { name: 'printer-03' } })], printers).mismatch, {
    certificate: 'p04',
    documents: 'p03',
  });
});

test('no mismatch when the claim agrees, names no configured printer, or no certificate outranked it', (t) => {
  t.deepEqual(identifyWindow(tls('CN=printer-04'), [line({ host: { name: 'printer-04' } })], printers), { printer: 'p04' });
  t.deepEqual(identifyWindow(tls('CN=printer-01'), [line({ host: { name: 'some-host' } })], printers), { printer: 'p01' });
  t.deepEqual(identifyWindow(tls('CN=printer-01'), [line({})], printers), { printer: 'p01' });
  // A certificate no printer configures does not outrank the documents: their claim decides.
  t.deepEqual(identifyWindow(tls('CN=stranger'), [line({ host: { name: 'printer-03' } })], printers), { printer: 'p03' });
  t.deepEqual(identifyWindow(plain, [line({ fields: { printer_id: 'p02' } })], printers), { printer: 'p02' });
  t.deepEqual(identifyWindow(plain, [line({ host: { name: 'nobody' } })], printers), { printer: undefined });
  t.deepEqual(identifyWindow(tls('CN=printer-01'), [], printers), { printer: 'p01' });
});
