import test from 'ava';
import { metricFamilies, type PrinterFacts, printerEntry } from '../../actors/control/views.js';
import { DropLedger } from '../../actors/drop-ledger.js';
import { renderOpenMetrics } from '../../protocols/control/openmetrics.js';

function facts(id: string, ledger: DropLedger): PrinterFacts {
  return { id, thing: `Printer-${id}`, family: 'projet-6k', subtreeStatus: 'running', readingsPerSecond: 0, dropped: ledger.ofPrinter(id) };
}

test('printers: each printer says its dropped total and the reasons that have any', (t) => {
  const ledger = new DropLedger();
  ledger.count('p01', 'log_no_match', 5);
  ledger.count('p01', 'identity_mismatch');
  t.deepEqual(printerEntry(facts('p01', ledger)).dropped, { total: 6, byReason: { log_no_match: 5, identity_mismatch: 1 } });
  t.deepEqual(printerEntry(facts('p02', ledger)).dropped, { total: 0, byReason: {} });
});

test('metrics: drops as counters by printer and reason, every reason of every printer present; refusals by reason and peer', (t) => {
  const ledger = new DropLedger({ maxNamedPeers: 1 });
  ledger.count('p01', 'log_no_match', 5);
  ledger.count('p01', 'unknown_document', 2);
  ledger.refused('unknown_printer', 'CN=stranger "evil"');
  ledger.refused('unknown_printer', '10.0.0.9');
  const text = renderOpenMetrics(metricFamilies([], undefined, [facts('p01', ledger), facts('p02', ledger)], ledger.refusals()));
  const lines = text.split('\n');
  t.true(lines.includes('# TYPE threedconnect_printer_dropped counter'));
  t.true(lines.includes('threedconnect_printer_dropped_total{printer="p01",reason="log_no_match"} 5'));
  t.true(lines.includes('threedconnect_printer_dropped_total{printer="p01",reason="unknown_document"} 2'));
  t.true(lines.includes('threedconnect_printer_dropped_total{printer="p01",reason="identity_mismatch"} 0'));
  t.true(
    lines.includes('threedconnect_printer_dropped_total{printer="p02",reason="log_no_match"} 0'),
    'a printer that dropped nothing still has its series',
  );
  t.true(lines.includes('# TYPE threedconnect_ingress_refused counter'));
  t.true(lines.includes('threedconnect_ingress_refused_total{reason="unknown_printer",peer="CN=stranger \\"evil\\""} 1'));
  t.true(lines.includes('threedconnect_ingress_refused_total{reason="unknown_printer",peer="other"} 1'));
  t.is(lines.filter((line) => line.startsWith('threedconnect_printer_dropped_total{printer="p02"')).length, 7);
});
