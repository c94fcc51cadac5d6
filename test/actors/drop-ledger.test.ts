import test from 'ava';
import { DropLedger, OTHER_PEERS } from '../../actors/drop-ledger.js';
import { catalogView, emptyDropCounts, normalizeBeatsEvents, normalizeReadings } from '../../domain/catalog/normalizer.js';
import { DEFAULT_FAMILIES } from '../../config/default-catalog.js';

const sla = DEFAULT_FAMILIES['projet-6k'];
if (!sla) throw new Error('the default catalog lacks projet-6k');

test('drops are counted by printer and reason, from normalized windows and one by one', (t) => {
  const ledger = new DropLedger();
  const at = '2026-11-27T10:15:02.123Z';
  const line = (message: string, offset: number) => ({
    '@timestamp': at,
    message,
    log: { file: { path: '/var/log/printer.log' }, offset },
  });
  const window = [
    line('no rule matches this', 0),
    line('nor this', 10),
    { not: 'a beats document' },
    line(`${at} THERMAL VatTemp=30.1C Setpoint=30.0C`, 20),
  ];
  ledger.add('p01', normalizeBeatsEvents('p01', catalogView(sla), window, 5).drops);
  ledger.add('p01', normalizeReadings(catalogView(sla), []).drops);
  ledger.count('p01', 'identity_mismatch');
  ledger.count('p02', 'not_sendable', 3);
  t.like(ledger.ofPrinter('p01'), { log_no_match: 2, unknown_document: 1, identity_mismatch: 1, not_sendable: 0 });
  t.like(ledger.ofPrinter('p02'), { not_sendable: 3, log_no_match: 0 });
  t.deepEqual(
    ledger.ofPrinter('p09'),
    { ...emptyDropCounts(), identity_mismatch: 0 },
    'a printer with nothing dropped has every reason at 0',
  );
  t.deepEqual(ledger.totalsByReason(), { log_no_match: 2, unknown_document: 1, identity_mismatch: 1, not_sendable: 3 });
  const copy = ledger.ofPrinter('p01');
  copy.log_no_match = 99;
  t.is(ledger.ofPrinter('p01').log_no_match, 2, 'a view is a copy');
});

test('refused windows are counted by peer, at most N peers by name and the rest as "other"; each named peer reported once', (t) => {
  const ledger = new DropLedger({ maxNamedPeers: 2 });
  t.true(ledger.refused('unknown_printer', '10.0.0.9'));
  t.false(ledger.refused('unknown_printer', '10.0.0.9'), 'a peer already counted is not reported again');
  t.true(ledger.refused('unknown_printer', 'CN=stranger'));
  t.false(ledger.refused('unknown_printer', '10.0.0.10'), 'past the bound: counted, not named');
  t.false(ledger.refused('unknown_printer', '10.0.0.11'));
  t.false(ledger.refused('unknown_printer', '10.0.0.9'));
  t.deepEqual(ledger.refusals(), [
    { reason: 'unknown_printer', peer: '10.0.0.9', count: 3 },
    { reason: 'unknown_printer', peer: 'CN=stranger', count: 1 },
    { reason: 'unknown_printer', peer: OTHER_PEERS, count: 2 },
  ]);
  t.deepEqual(ledger.totalsByReason(), { unknown_printer: 6 });
});
