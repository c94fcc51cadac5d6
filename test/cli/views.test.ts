import test from 'ava';
import { decodePrinters } from '../../cli/views/decode.js';
import { renderPrinters } from '../../cli/views/printers-view.js';
import { ageSince, formatAge, formatBytes, formatCount } from '../../cli/views/quantities.js';
import { renderStatus, treeOrder } from '../../cli/views/status-view.js';
import { colourEnabled, createStyle, PLAIN_STYLE } from '../../cli/views/style.js';
import { renderTable } from '../../cli/views/table.js';
import { renderUplink } from '../../cli/views/uplink-view.js';
import { NOW, PRINTERS, STATUS, UPLINK, UPLINK_KEY_REFUSED } from './snapshots.js';

const ESC = '\x1b';
const ANSI_SEQUENCE = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');
const stripAnsi = (text: string) => text.replace(ANSI_SEQUENCE, '');

test('ages are whole units, rounded down', (t) => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [999, '0s'],
    [3_000, '3s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [5 * 60_000 + 59_000, '5m'],
    [2 * 3_600_000, '2h'],
    [23 * 3_600_000 + 3_599_999, '23h'],
    [4 * 86_400_000, '4d'],
    [400 * 86_400_000, '400d'],
    [-5_000, '0s'],
  ];
  for (const [ms, text] of cases) t.is(formatAge(ms), text, String(ms));
  t.is(ageSince(null, NOW), '-');
  t.is(ageSince(undefined, NOW), '-');
  t.is(ageSince(NOW - 7_000, NOW), '7s');
});

test('sizes and counts', (t) => {
  t.is(formatBytes(512), '512 B');
  t.is(formatBytes(1536), '1.5 KiB');
  t.is(formatBytes(64 * 1024 * 1024), '64.0 MiB');
  t.is(formatCount(1_234_567), '1,234,567');
  t.is(formatCount(999), '999');
});

test('colour only on a terminal, and never with NO_COLOR or a dumb terminal', (t) => {
  t.false(colourEnabled({ isTTY: false, env: {} }));
  t.true(colourEnabled({ isTTY: true, env: {} }));
  t.false(colourEnabled({ isTTY: true, env: { NO_COLOR: '1' } }));
  // no-color.org: an empty NO_COLOR does not count.
  t.true(colourEnabled({ isTTY: true, env: { NO_COLOR: '' } }));
  t.false(colourEnabled({ isTTY: true, env: { TERM: 'dumb' } }));
});

test('tables align every column to its header, right-aligned numbers end under theirs', (t) => {
  const lines = renderTable(
    [{ header: 'NAME' }, { header: 'N', align: 'right' }, { header: 'NOTE' }],
    [
      ['a', '1', 'x'],
      ['longer-name', '12345', 'y'],
    ],
    PLAIN_STYLE,
  );
  t.deepEqual(lines, ['NAME             N  NOTE', 'a                1  x', 'longer-name  12345  y']);
});

function columnStart(header: string, name: string): number {
  const index = header.indexOf(name);
  if (index < 0) throw new Error(`no column ${name}`);
  return index;
}

test('status: summary line, then the actor tree in order, indented by depth', (t) => {
  const text = renderStatus(STATUS, PLAIN_STYLE);
  t.false(text.includes(ESC), 'no colour when not asked for');
  const [summary, blank, header, ...rows] = text.split('\n');
  t.is(summary, '3dconnect 0.1.0 · pid 4242 · up 2h · printers 1/2 running · uplink ready · actors 6: 4 running, 1 backoff, 1 failed');
  t.is(blank, '');
  t.deepEqual(
    rows.map((row) =>
      row
        .split('  ')
        .find((part) => part.trim() !== '')
        ?.trim(),
    ),
    ['adapter', 'adapter/fleet', 'adapter/fleet/p01', 'adapter/fleet/p01/collector', 'adapter/fleet/p02', 'adapter/uplink'],
  );
  t.deepEqual(
    rows.map((row) => row.search(/\S/)),
    [0, 2, 4, 6, 4, 2],
  );
  t.deepEqual(
    treeOrder(STATUS.actors).map(({ depth }) => depth),
    [0, 1, 2, 3, 2, 1],
  );
  const headerLine = header ?? '';
  const statusAt = columnStart(headerLine, 'STATUS');
  const restartsEnd = columnStart(headerLine, 'RESTARTS') + 'RESTARTS'.length;
  const errorAt = columnStart(headerLine, 'LAST ERROR');
  for (const row of rows) t.regex(row.slice(statusAt), /^(running|failed|backoff) /, row);
  const p02 = rows.find((row) => row.includes('adapter/fleet/p02')) ?? '';
  t.is(p02.slice(restartsEnd - '12/3'.length, restartsEnd), '12/3');
  t.is(p02.slice(errorAt), '5m ago: PIP_CONNECT_FAILED connect ECONNREFUSED 127.0.0.1:4710');
  const uplink = rows.find((row) => row.includes('adapter/uplink')) ?? '';
  t.is(uplink.slice(errorAt), '1m ago: ThingWorx answered 503');
  const collector = rows.find((row) => row.includes('collector')) ?? '';
  const mailboxEnd = columnStart(headerLine, 'MAILBOX') + 'MAILBOX'.length;
  t.is(collector.slice(mailboxEnd - 2, mailboxEnd), '12');
  const lastMsgEnd = columnStart(headerLine, 'LAST MSG') + 'LAST MSG'.length;
  t.is(collector.slice(lastMsgEnd - 2, lastMsgEnd), '1s');
  const upEnd = columnStart(headerLine, 'UP') + 'UP'.length;
  t.is((rows.find((row) => row.trim().startsWith('adapter/fleet/p01 ')) ?? '').slice(upEnd - 2, upEnd), '4d');
});

test('status in colour: same text once the escapes are removed, states coloured', (t) => {
  const coloured = renderStatus(STATUS, createStyle(true));
  t.is(stripAnsi(coloured), renderStatus(STATUS, PLAIN_STYLE));
  t.true(coloured.includes(`${ESC}[31mfailed`));
  t.true(coloured.includes(`${ESC}[32mrunning`));
  t.true(coloured.includes(`${ESC}[33mbackoff`));
});

test('text from the daemon cannot drive the terminal', (t) => {
  const hostile = {
    ...STATUS,
    actors: [
      {
        ...STATUS.actors[0]!,
        lastError: { message: `evil${ESC}[2J${ESC}]0;title\x07`, at: NOW },
      },
    ],
  };
  const text = renderStatus(hostile, PLAIN_STYLE);
  t.false(text.includes(ESC));
  t.false(text.includes('\x07'));
  t.true(text.includes('evil?[2J?]0;title?'));
});

test('printers: thing, family, state, sources with ages, readings/s, dropped, alerts', (t) => {
  const text = renderPrinters(PRINTERS, PLAIN_STYLE);
  t.false(text.includes(ESC));
  const [summary, , header, p01, p02] = text.split('\n');
  t.is(summary, '2 printers · 12.3 readings/s · 1 active alert');
  t.is(header, 'PRINTER  THING           FAMILY     STATE     SOURCES (last seen)                   READINGS/S  DROPPED  ALERTS');
  t.is(
    p01,
    'p01      Printer_SLA_01  projet-6k  printing  filebeat 3s, metricbeat 10s, poll 2s        12.3    1,234  1: VatTemperatureHigh(VatTemperature)',
  );
  t.is(p02, 'p02      Printer_SLA_02  projet-7k  offline   poll 3h, push -                              0.0        0  -');
  const coloured = renderPrinters(PRINTERS, createStyle(true));
  t.true(coloured.includes(`${ESC}[31moffline`));
  t.true(coloured.includes(`${ESC}[33m  1,234`), 'a printer that dropped something shows it in colour');
  t.is(stripAnsi(coloured), text);
});

test('printers: windows refused from unknown peers are said in the summary, "other" as at least one more peer', (t) => {
  const one = renderPrinters({ ...PRINTERS, refused: [{ reason: 'unknown_printer', peer: '10.0.0.9', count: 1 }] }, PLAIN_STYLE);
  t.is(one.split('\n')[0], '2 printers · 12.3 readings/s · 1 active alert · 1 window refused from 1 unknown peer');
  const many = renderPrinters(
    {
      ...PRINTERS,
      refused: [
        { reason: 'unknown_printer', peer: 'CN=stranger', count: 1200 },
        { reason: 'unknown_printer', peer: 'other', count: 5 },
      ],
    },
    PLAIN_STYLE,
  );
  t.is(many.split('\n')[0], '2 printers · 12.3 readings/s · 1 active alert · 1,205 windows refused from 2+ unknown peers');
});

test('uplink: transport, session, endpoint, queue against caps, in flight, counters, responses by status', (t) => {
  const text = renderUplink(UPLINK, PLAIN_STYLE);
  t.deepEqual(text.split('\n'), [
    'transport              rest',
    'session                degraded (retrying 1 Thing; last: HTTP 503: Service Unavailable)',
    'endpoint               twx.example.com',
    'queue readings         1,234 / 100,000',
    'queue bytes            1.5 MiB / 64.0 MiB',
    'in flight              2 / 4 calls',
    'delivered              1,234,567 readings in 321 batches',
    'not sent               17 batches superseded, duplicate or dropped',
    'held Things            Printer_SLA_02: 403 forbidden · 120 readings waiting · held 2m · next try in 12s',
    '                       Printer_SLA_03: 404 not found · 114 readings waiting · held 3h · next try in 45s',
    'retries                3',
    'duplicates suppressed  5',
    'responses by status    200: 320, 403: 4, 404: 9, 503: 3, none: 1',
  ]);
  const full = renderUplink({ ...UPLINK, queue: { ...UPLINK.queue, readings: 100_000 } }, createStyle(true));
  t.true(full.includes(`${ESC}[31m100,000 / 100,000`), 'a full queue shows red');
});

test('uplink with the key refused: the reason, nothing counted as delivered, superseded batches apart, no Thing held', (t) => {
  const text = renderUplink(UPLINK_KEY_REFUSED, PLAIN_STYLE);
  const rows = Object.fromEntries(text.split('\n').map((line) => [line.slice(0, 23).trim(), line.slice(23)]));
  t.is(rows.session, 'unauthorized (HTTP 401: ThingWorx refused the app key)');
  t.is(rows.delivered, '0 readings in 0 batches');
  t.is(rows['not sent'], '134 batches superseded, duplicate or dropped');
  t.is(rows['held Things'], '-');
  const verifying = renderUplink(
    {
      ...UPLINK_KEY_REFUSED,
      session: 'ready',
      things: [{ thing: 'P', queuedReadings: 3, hold: { reason: 'verifying', status: 403, heldForMs: 0, retryInMs: null } }],
    },
    PLAIN_STYLE,
  );
  t.true(verifying.includes('P: 403 refused, checking the key · 3 readings waiting · held 0s · next try after the check'));
});

test('no printers is said in words', (t) => {
  t.is(renderPrinters({ at: NOW, printers: [], refused: [] }, PLAIN_STYLE), 'no printers configured');
});

test('printers: a printer whose Thing the uplink holds says so in its state, with the status', (t) => {
  const p02 = PRINTERS.printers[1]!;
  const held = { ...PRINTERS, printers: [{ ...p02, state: 'online', held: { reason: 'forbidden', status: 403 } }] };
  const row = renderPrinters(held, PLAIN_STYLE).split('\n')[3] ?? '';
  t.regex(row, /^p02 +Printer_SLA_02 +projet-7k +held \(403\) /);
  t.true(renderPrinters(held, createStyle(true)).includes(`${ESC}[33mheld (403)`), 'in the warning colour');
  t.deepEqual(decodePrinters(JSON.parse(JSON.stringify(held))), held);
});
