import test from 'ava';
import { AdmissionPolicy, type AdmissionTicket, knownPrintersOf, RefusalRecorder } from '../../protocols/admission/index.js';

const LIMITS = { maxConnections: 10, maxConnectionsPerAddress: 3, reservedPerPrinter: 2, maxPendingHandshakes: 4 };

function admitted(policy: AdmissionPolicy, address: string, options = {}): AdmissionTicket {
  const admission = policy.admit(address, options);
  if (!admission.admitted) throw new Error(`refused: ${admission.reason}`);
  return admission.ticket;
}

function refusal(policy: AdmissionPolicy, address: string, options = {}): string {
  const admission = policy.admit(address, options);
  return admission.admitted ? 'admitted' : admission.reason;
}

const KNOWN = knownPrintersOf([
  { identity: { remoteAddress: '10.0.0.11' } },
  { identity: { tlsSubject: 'CN=printer-02' } },
  { identity: {} },
]);

test('printers recognisable at accept get reservedPerPrinter slots each; others none', (t) => {
  t.deepEqual(KNOWN, { addresses: ['10.0.0.11'], tlsSubjects: ['CN=printer-02'], count: 2 });
  t.is(new AdmissionPolicy(LIMITS, KNOWN).reserved, 4);
});

test('the reserve is at most half the listener', (t) => {
  const many = knownPrintersOf(Array.from({ length: 20 }, (_, i) => ({ identity: { remoteAddress: `10.0.1.${i}` } })));
  t.is(new AdmissionPolicy(LIMITS, many).reserved, 5);
});

test('anonymous connections fill maxConnections - reserved; a printer address still gets in', (t) => {
  const policy = new AdmissionPolicy(LIMITS, KNOWN);
  for (let i = 0; i < 6; i++) admitted(policy, `192.168.0.${i}`);
  t.is(refusal(policy, '192.168.0.99'), 'anonymous-full');
  const printer = admitted(policy, '::ffff:10.0.0.11');
  t.is(printer.slot, 'printer');
  t.deepEqual(policy.counts(), { printer: 1, anonymous: 6, pending: 0 });
});

test('a printer can take every free slot; at maxConnections everyone is refused', (t) => {
  const policy = new AdmissionPolicy(LIMITS, KNOWN);
  for (let i = 0; i < 6; i++) admitted(policy, `192.168.0.${i}`);
  for (let i = 0; i < 4; i++) admitted(policy, '10.0.0.11');
  t.is(refusal(policy, '10.0.0.11'), 'listener-full');
  t.is(refusal(policy, '192.168.0.50'), 'listener-full');
});

test('the per-address limit counts anonymous and pending connections, not a printer address', (t) => {
  const policy = new AdmissionPolicy(LIMITS, KNOWN);
  const tickets = [admitted(policy, '192.168.0.7'), admitted(policy, '192.168.0.7'), admitted(policy, '::ffff:192.168.0.7')];
  t.is(refusal(policy, '192.168.0.7'), 'per-address');
  t.is(refusal(policy, '192.168.0.7', { tlsPending: true }), 'per-address');
  tickets[0]!.release();
  tickets[0]!.release(); // idempotent
  admitted(policy, '192.168.0.7');
  t.is(refusal(policy, '192.168.0.7'), 'per-address');
  for (let i = 0; i < 4; i++) admitted(policy, '10.0.0.11');
});

test('TLS: pending handshakes are bounded on their own, then become printer or anonymous by subject', (t) => {
  const policy = new AdmissionPolicy(LIMITS, KNOWN);
  const pending = [1, 2, 3, 4].map((i) => admitted(policy, `192.168.1.${i}`, { tlsPending: true }));
  t.is(refusal(policy, '192.168.1.9', { tlsPending: true }), 'handshakes-full');
  t.true(admitted(policy, '10.0.0.11', { tlsPending: true }).slot === 'printer', 'a printer address skips the handshake pool');
  t.deepEqual(pending[0]!.identify('CN=printer-02'), { admitted: true });
  t.is(pending[0]!.slot, 'printer');
  t.deepEqual(pending[1]!.identify(undefined), { admitted: true });
  t.is(pending[1]!.slot, 'anonymous');
  t.deepEqual(policy.counts(), { printer: 2, anonymous: 1, pending: 2 });
});

test('TLS: an anonymous handshake that ends when the anonymous share is full is refused and its slot freed', (t) => {
  const policy = new AdmissionPolicy(LIMITS, KNOWN);
  const pending = admitted(policy, '192.168.2.1', { tlsPending: true });
  const printerByCert = admitted(policy, '192.168.2.2', { tlsPending: true });
  for (let i = 0; i < 6; i++) admitted(policy, `192.168.0.${i}`);
  t.deepEqual(pending.identify('CN=stranger'), { admitted: false, reason: 'anonymous-full' });
  t.deepEqual(printerByCert.identify('CN=printer-02'), { admitted: true });
  pending.release();
  t.deepEqual(policy.counts(), { printer: 1, anonymous: 6, pending: 0 });
});

test('promote: an authenticated push peer leaves the anonymous share and its address count', (t) => {
  const policy = new AdmissionPolicy(LIMITS, KNOWN);
  const tickets = [1, 2, 3].map(() => admitted(policy, '192.168.3.1'));
  t.is(refusal(policy, '192.168.3.1'), 'per-address');
  tickets[0]!.promote();
  t.is(tickets[0]!.slot, 'printer');
  admitted(policy, '192.168.3.1');
  tickets[0]!.release();
  t.deepEqual(policy.counts(), { printer: 0, anonymous: 3, pending: 0 });
});

test('reload: new printers are judged by the new set, open slots stay', (t) => {
  const policy = new AdmissionPolicy(LIMITS);
  t.is(policy.reserved, 0);
  for (let i = 0; i < 10; i++) admitted(policy, `192.168.0.${i}`);
  t.is(refusal(policy, '192.168.0.20'), 'listener-full');
  policy.setKnownPrinters(KNOWN);
  t.is(policy.reserved, 4);
  t.is(refusal(policy, '10.0.0.11'), 'listener-full', 'the reserve keeps future slots, it does not evict');
  t.true(policy.isPrinterAddress('10.0.0.11'));
});

test('refusals are counted by reason; one log line per reason and interval, with the suppressed count', (t) => {
  const recorder = new RefusalRecorder(10_000);
  t.deepEqual(recorder.record('per-address', 0), { log: true, suppressed: 0 });
  t.deepEqual(recorder.record('per-address', 1), { log: false });
  t.deepEqual(recorder.record('anonymous-full', 2), { log: true, suppressed: 0 });
  t.deepEqual(recorder.record('per-address', 9_999), { log: false });
  t.deepEqual(recorder.record('per-address', 10_000), { log: true, suppressed: 2 });
  t.deepEqual(recorder.record('per-address', 10_001), { log: false });
  t.deepEqual(recorder.counts(), { 'listener-full': 0, 'anonymous-full': 1, 'per-address': 5, 'handshakes-full': 0 });
});
