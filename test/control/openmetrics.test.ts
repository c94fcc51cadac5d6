import test from 'ava';
import { type MetricFamily, MetricsError, renderExposition, renderOpenMetrics } from '../../protocols/control/openmetrics.js';

const FAMILIES: MetricFamily[] = [
  {
    name: 'threedconnect_readings_delivered',
    help: 'Readings ThingWorx accepted.',
    type: 'counter',
    samples: [
      { labels: { printer: 'p01', source: 'filebeat' }, value: 1200 },
      { labels: { printer: 'p02', source: 'poll' }, value: 0 },
    ],
  },
  {
    name: 'threedconnect_uplink_queue_bytes',
    help: 'Bytes waiting for ThingWorx.',
    type: 'gauge',
    unit: 'bytes',
    samples: [{ value: 65536 }],
  },
];

test('renders types, units, help and samples, counters as _total, # EOF last', (t) => {
  t.is(
    renderOpenMetrics(FAMILIES),
    [
      '# TYPE threedconnect_readings_delivered counter',
      '# HELP threedconnect_readings_delivered Readings ThingWorx accepted.',
      'threedconnect_readings_delivered_total{printer="p01",source="filebeat"} 1200',
      'threedconnect_readings_delivered_total{printer="p02",source="poll"} 0',
      '# TYPE threedconnect_uplink_queue_bytes gauge',
      '# UNIT threedconnect_uplink_queue_bytes bytes',
      '# HELP threedconnect_uplink_queue_bytes Bytes waiting for ThingWorx.',
      'threedconnect_uplink_queue_bytes 65536',
      '# EOF',
      '',
    ].join('\n'),
  );
});

test('escapes backslash, double quote and newline in label values and help', (t) => {
  const text = renderOpenMetrics([
    {
      name: 'x',
      help: 'say "hi"\nC:\\path',
      type: 'gauge',
      samples: [{ labels: { thing: 'a\\b "c"\nd' }, value: 1 }],
    },
  ]);
  t.true(text.includes('# HELP x say \\"hi\\"\\nC:\\\\path\n'));
  t.true(text.includes('x{thing="a\\\\b \\"c\\"\\nd"} 1\n'));
  // Every line break is a line of the exposition, none sits inside a value.
  t.is(text.split('\n').length, 5);
});

test('non-finite gauge values are written as OpenMetrics spells them', (t) => {
  const text = renderOpenMetrics([
    {
      name: 'g',
      help: '',
      type: 'gauge',
      samples: [
        { labels: { k: 'nan' }, value: Number.NaN },
        { labels: { k: 'pos' }, value: Number.POSITIVE_INFINITY },
        { labels: { k: 'neg' }, value: Number.NEGATIVE_INFINITY },
        { labels: { k: 'frac' }, value: 0.25 },
      ],
    },
  ]);
  t.true(text.includes('g{k="nan"} NaN\n'));
  t.true(text.includes('g{k="pos"} +Inf\n'));
  t.true(text.includes('g{k="neg"} -Inf\n'));
  t.true(text.includes('g{k="frac"} 0.25\n'));
  t.false(text.includes('# HELP'), 'an empty help is left out');
});

/** The line forms the OpenMetrics ABNF allows for gauges and counters. */
const LINE_FORMS = [
  /^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (gauge|counter)$/,
  /^# UNIT [a-zA-Z_:][a-zA-Z0-9_:]* [a-zA-Z0-9_:]+$/,
  /^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* (?:[^\n"\\]|\\\\|\\n|\\")*$/,
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^\n"\\]|\\\\|\\n|\\")*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^\n"\\]|\\\\|\\n|\\")*")*\})? (NaN|[+-]Inf|-?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)$/,
];

test('every line of a mixed exposition has a valid form, and # EOF appears once, last', (t) => {
  const text = renderOpenMetrics([
    ...FAMILIES,
    { name: 'odd', help: 'tab\there "q" \\ end', type: 'gauge', samples: [{ labels: { v: 'é\u2603"\\\n' }, value: 1e21 }] },
  ]);
  t.true(text.endsWith('# EOF\n'));
  const lines = text.slice(0, -1).split('\n');
  t.is(lines.filter((line) => line === '# EOF').length, 1);
  for (const line of lines.slice(0, -1))
    t.true(
      LINE_FORMS.some((form) => form.test(line)),
      line,
    );
});

test('the prometheus format names counters _total in HELP and TYPE and has no EOF or UNIT', (t) => {
  const text = renderExposition(FAMILIES, 'prometheus');
  t.true(
    text.startsWith(
      '# HELP threedconnect_readings_delivered_total Readings ThingWorx accepted.\n# TYPE threedconnect_readings_delivered_total counter\n',
    ),
  );
  t.false(text.includes('# EOF'));
  t.false(text.includes('# UNIT'));
  t.true(text.endsWith('threedconnect_uplink_queue_bytes 65536\n'));
  // 0.0.4 HELP knows only \\ and \n as escapes.
  t.true(renderExposition([{ name: 'h', help: 'say "hi"', type: 'gauge', samples: [] }], 'prometheus').includes('# HELP h say "hi"\n'));
});

test('names, labels, units and values are validated', (t) => {
  const gauge = (overrides: Partial<MetricFamily>): MetricFamily => ({ name: 'ok', help: '', type: 'gauge', samples: [], ...overrides });
  const cases: Array<[string, MetricFamily[], string]> = [
    ['a name starting with a digit', [gauge({ name: '3d_printers' })], 'METRICS_BAD_NAME'],
    ['a name with a dash', [gauge({ name: 'queue-bytes' })], 'METRICS_BAD_NAME'],
    ['a counter named _total', [gauge({ name: 'delivered_total', type: 'counter' })], 'METRICS_RESERVED_SUFFIX'],
    ['a gauge named _created', [gauge({ name: 'x_created' })], 'METRICS_RESERVED_SUFFIX'],
    ['a unit that is not the suffix', [gauge({ name: 'queue', unit: 'bytes' })], 'METRICS_BAD_UNIT'],
    ['a family twice', [gauge({}), gauge({})], 'METRICS_DUPLICATE_FAMILY'],
    ['a bad label name', [gauge({ samples: [{ labels: { 'printer-id': 'p01' }, value: 1 }] })], 'METRICS_BAD_LABEL_NAME'],
    ['a reserved label name', [gauge({ samples: [{ labels: { __name__: 'x' }, value: 1 }] })], 'METRICS_BAD_LABEL_NAME'],
    [
      'the same labels twice, in another order',
      [
        gauge({
          samples: [
            { labels: { a: '1', b: '2' }, value: 1 },
            { labels: { b: '2', a: '1' }, value: 2 },
          ],
        }),
      ],
      'METRICS_DUPLICATE_SAMPLE',
    ],
    ['a negative counter', [gauge({ type: 'counter', samples: [{ value: -1 }] })], 'METRICS_BAD_VALUE'],
    ['a NaN counter', [gauge({ type: 'counter', samples: [{ value: Number.NaN }] })], 'METRICS_BAD_VALUE'],
  ];
  for (const [what, families, code] of cases) {
    const error = t.throws(() => renderOpenMetrics(families), { instanceOf: MetricsError }, what);
    t.is(error?.code as string | undefined, code, what);
  }
});

test('an empty set of families is just # EOF', (t) => {
  t.is(renderOpenMetrics([]), '# EOF\n');
});
