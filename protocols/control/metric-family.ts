/** Metric families as the daemon builds them, and the rules a family must meet before it is exposed. */

export type MetricType = 'gauge' | 'counter';

export interface MetricSample {
  labels?: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  /** For a counter, without `_total`: the exposition adds it to the samples. */
  name: string;
  help: string;
  type: MetricType;
  /** When set, `name` must end in `_<unit>` (OpenMetrics). */
  unit?: string;
  samples: readonly MetricSample[];
}

export type MetricsErrorCode =
  | 'METRICS_BAD_NAME'
  | 'METRICS_RESERVED_SUFFIX'
  | 'METRICS_DUPLICATE_FAMILY'
  | 'METRICS_BAD_UNIT'
  | 'METRICS_BAD_LABEL_NAME'
  | 'METRICS_DUPLICATE_SAMPLE'
  | 'METRICS_BAD_VALUE';

export class MetricsError extends Error {
  readonly code: MetricsErrorCode;
  readonly family: string;
  readonly label: string | undefined;

  constructor(code: MetricsErrorCode, message: string, family: string, label?: string) {
    super(message);
    this.name = 'MetricsError';
    this.code = code;
    this.family = family;
    this.label = label;
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const UNIT = /^[a-zA-Z0-9_:]+$/;
/** Suffixes parsers give meaning to; a family named so would be read as part of another. */
const RESERVED_SUFFIXES = ['_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];

/** Throws MetricsError for the first rule a family breaks. */
export function validateFamilies(families: readonly MetricFamily[]): void {
  const seen = new Set<string>();
  for (const family of families) {
    validateFamily(family);
    if (seen.has(family.name)) {
      throw new MetricsError('METRICS_DUPLICATE_FAMILY', `metric family ${family.name} appears twice`, family.name);
    }
    seen.add(family.name);
  }
}

function validateFamily(family: MetricFamily): void {
  const { name } = family;
  if (!METRIC_NAME.test(name)) throw new MetricsError('METRICS_BAD_NAME', `bad metric name "${name}"`, name);
  const suffix = RESERVED_SUFFIXES.find((reserved) => name.endsWith(reserved));
  if (suffix !== undefined) {
    throw new MetricsError('METRICS_RESERVED_SUFFIX', `metric family ${name} ends in the reserved suffix ${suffix}`, name);
  }
  if (family.unit !== undefined && (!UNIT.test(family.unit) || !name.endsWith(`_${family.unit}`))) {
    throw new MetricsError('METRICS_BAD_UNIT', `metric family ${name} must end in _${family.unit} to have that unit`, name);
  }
  const labelSets = new Set<string>();
  for (const sample of family.samples) {
    const labels = Object.entries(sample.labels ?? {});
    for (const [label] of labels) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) {
        throw new MetricsError('METRICS_BAD_LABEL_NAME', `bad label name "${label}" in ${name}`, name, label);
      }
    }
    const key = JSON.stringify(labels.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (labelSets.has(key)) {
      throw new MetricsError('METRICS_DUPLICATE_SAMPLE', `two samples of ${name} have the same labels`, name);
    }
    labelSets.add(key);
    validateValue(family, sample.value);
  }
}

function validateValue(family: MetricFamily, value: number): void {
  if (typeof value !== 'number') {
    throw new MetricsError('METRICS_BAD_VALUE', `a sample of ${family.name} is not a number`, family.name);
  }
  if (family.type === 'counter' && !(value >= 0)) {
    throw new MetricsError('METRICS_BAD_VALUE', `counter ${family.name} has a negative or NaN value`, family.name);
  }
}

/** A sample value as it travels in JSON: JSON has no NaN or infinities, so those go as OpenMetrics spells them. */
export type JsonSampleValue = number | 'NaN' | '+Inf' | '-Inf';

/**
 * The `metrics` command's result, ready for JSON: `{ families }` with non-finite values as strings
 * (JSON.stringify would turn them into null). The CLI reads them back into numbers.
 */
export function metricsResult(families: readonly MetricFamily[]): {
  families: Array<Omit<MetricFamily, 'samples'> & { samples: Array<{ labels: Record<string, string>; value: JsonSampleValue }> }>;
} {
  return {
    families: families.map((family) => ({
      ...family,
      samples: family.samples.map((sample) => ({ labels: { ...sample.labels }, value: jsonSampleValue(sample.value) })),
    })),
  };
}

function jsonSampleValue(value: number): JsonSampleValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return value;
}
