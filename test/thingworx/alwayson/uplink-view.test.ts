import test from 'ava';
import { decodeUplink } from '../../../cli/views/decode.js';
import { uplinkRows } from '../../../cli/views/uplink-view.js';
import { UPLINK } from '../../cli/snapshots.js';

const cellText = (cell: unknown): string => (typeof cell === 'string' ? cell : (cell as { text: string }).text);

test('`3dconnect uplink` shows the AlwaysOn session: state, session id, last pong, reconnects, bound Things', (t) => {
  const wire = JSON.parse(
    JSON.stringify({
      ...UPLINK,
      transport: 'alwayson',
      transportSession: {
        transport: 'alwayson',
        state: 'open',
        sessionId: 4096,
        boundThings: ['adapter', 'p01'],
        lastPongAgoMs: 12_000,
        reconnects: 1,
        reconnectInMs: null,
        lastError: null,
      },
    }),
  ) as unknown;
  const rows = uplinkRows(decodeUplink(wire)).map((row) => row.map(cellText));
  t.deepEqual(rows[0], ['transport', 'alwayson']);
  t.is(rows[1]?.[0], 'AlwaysOn');
  t.regex(rows[1]?.[1] ?? '', /^open · session 4096 · last pong 12s ago · 1 reconnect$/);
  t.deepEqual(rows[2], ['bound Things', 'adapter, p01']);
});

test('REST and older daemons show no session lines', (t) => {
  const rows = uplinkRows(decodeUplink(JSON.parse(JSON.stringify({ ...UPLINK, transportSession: null })) as unknown)).map((row) =>
    cellText(row[0]),
  );
  t.false(rows.includes('AlwaysOn'));
  t.false(rows.includes('bound Things'));
});
