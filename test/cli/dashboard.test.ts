/**
 * Issue 17: the fleet dashboard, rendered from fixed snapshots and compared with golden text at 80 and
 * 120 columns and 30 rows (UPDATE_GOLDEN=1 rewrites the files after a deliberate change).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import test from 'ava';
import { type DashboardSnapshot, plainEventLines, plainSummaryLine, renderDashboard } from '../../cli/views/dashboard-view.js';
import { createStyle, PLAIN_STYLE } from '../../cli/views/style.js';
import { displayWidth } from '../../cli/views/terminal-text.js';
import { DASHBOARD, NOW } from './snapshots.js';

const ESC = '\x1b';
const ANSI_SEQUENCE = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');
const stripAnsi = (text: string) => text.replace(ANSI_SEQUENCE, '');
const HINT = 'Ctrl-C stops · status --tree: the actors';

function golden(name: string, text: string): string {
  const file = new URL(`./golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
  return readFileSync(file, 'utf8');
}

for (const columns of [80, 120]) {
  test(`20 printers fit 30 rows at ${columns} columns (golden text)`, (t) => {
    const lines = renderDashboard(DASHBOARD, PLAIN_STYLE, { columns, rows: 30 }, { hint: HINT });
    t.is(lines.length, 30);
    t.true(
      lines.every((line) => displayWidth(line) <= columns),
      'no line wider than the screen',
    );
    t.true(lines[0]?.startsWith('3dconnect 0.1.0'), 'the header is on top');
    t.is(lines.filter((line) => /^p\d\d /.test(line)).length, 20, 'one line per printer');
    t.is(`${lines.join('\n')}\n`, golden(`dashboard-${columns}x30.txt`, `${lines.join('\n')}\n`));
  });
}

test('in colour, the same text once the escapes are stripped', (t) => {
  const plain = renderDashboard(DASHBOARD, PLAIN_STYLE, { columns: 120, rows: 30 });
  const coloured = renderDashboard(DASHBOARD, createStyle(true), { columns: 120, rows: 30 });
  t.not(coloured.join('\n'), plain.join('\n'));
  t.deepEqual(coloured.map(stripAnsi), plain);
});

test('a short screen keeps the header and the events title, and says how many printers it left out', (t) => {
  const lines = renderDashboard(DASHBOARD, PLAIN_STYLE, { columns: 80, rows: 16 });
  t.is(lines.length, 16);
  t.true(lines[0]?.startsWith('3dconnect'));
  t.true(
    lines.some((line) => line.startsWith('… 11 more: 3dconnect printers')),
    lines.join('\n'),
  );
  t.true(lines.some((line) => line.startsWith('EVENTS')));
});

test('the uplink restarting, a session with a reason, a daemon without events', (t) => {
  const restarting: DashboardSnapshot = { ...DASHBOARD, uplink: null, events: null };
  const lines = renderDashboard(restarting, PLAIN_STYLE, { columns: 80, rows: 30 });
  t.is(lines[1], 'uplink restarting, no figures');
  t.true(lines.some((line) => line.startsWith('EVENTS unavailable')));
  const degraded: DashboardSnapshot = {
    ...DASHBOARD,
    uplink: { ...(DASHBOARD.uplink ?? ({} as never)), session: 'degraded', sessionDetail: 'retrying 2 Things; last: HTTP 503' },
  };
  const header = renderDashboard(degraded, PLAIN_STYLE, { columns: 200, rows: 30 })[1] ?? '';
  t.true(header.startsWith('uplink degraded · queue 87/100,000'));
  t.true(header.endsWith('why: retrying 2 Things; last: HTTP 503'));
});

test('not a terminal: one summary line per period, then the events since the last one', (t) => {
  t.is(
    plainSummaryLine(DASHBOARD),
    `${new Date(NOW).toISOString().slice(11, 19)}Z uplink ready, queue 87, delivered 612.4/s, held 1; printers 17 online, 1 degraded, 1 offline, 1 held; 645.5 readings/s; 2 alerts active`,
  );
  const lines = plainEventLines(DASHBOARD.events, NOW - 35_000);
  t.is(lines.length, 2);
  t.true(lines[0]?.endsWith('held: Demo-Printer-p17 404 not-found'));
  t.true(lines[1]?.endsWith('alert raised: p03 VatTempHigh (VatTemp)'));
});
