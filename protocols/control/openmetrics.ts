/**
 * Text exposition of metric families. OpenMetrics 1.0 by default (`# EOF` last, counters' samples
 * named `<name>_total`); `prometheus` gives the classic 0.0.4 text format that node_exporter's textfile
 * collector parses today (it ignores OpenMetrics' `# UNIT` and would read `x_total` as an untyped metric).
 */
import { type MetricFamily, validateFamilies } from './metric-family.js';

export type { MetricFamily, MetricSample, MetricType } from './metric-family.js';
export { MetricsError, type MetricsErrorCode } from './metric-family.js';

export type ExpositionFormat = 'openmetrics' | 'prometheus';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Lone surrogates have no UTF-8 form; they would turn into U+FFFD anyway, so do it visibly here. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Label values (both formats) and OpenMetrics HELP: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus 0.0.4 HELP: only backslash and newline are escapes there. */
function escapePrometheusHelp(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD').replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** Throws MetricsError when a family breaks a naming or value rule; nothing partial is produced. */
export function renderExposition(families: readonly MetricFamily[], format: ExpositionFormat = 'openmetrics'): string {
  validateFamilies(families);
  const lines: string[] = [];
  for (const family of families) {
    const sampleName = family.type === 'counter' ? `${family.name}_total` : family.name;
    if (format === 'openmetrics') {
      lines.push(`# TYPE ${family.name} ${family.type}`);
      if (family.unit !== undefined) lines.push(`# UNIT ${family.name} ${family.unit}`);
      if (family.help !== '') lines.push(`# HELP ${family.name} ${escapeLabelValue(family.help)}`);
    } else {
      if (family.help !== '') lines.push(`# HELP ${sampleName} ${escapePrometheusHelp(family.help)}`);
      lines.push(`# TYPE ${sampleName} ${family.type}`);
    }
    for (const sample of family.samples) {
      lines.push(`${sampleName}${formatLabels(sample.labels)} ${formatSampleValue(sample.value)}`);
    }
  }
  if (format === 'openmetrics') lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** OpenMetrics text, ending in `# EOF`. */
export function renderOpenMetrics(families: readonly MetricFamily[]): string {
  return renderExposition(families, 'openmetrics');
}
