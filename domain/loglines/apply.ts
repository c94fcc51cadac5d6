import type { Reading } from '../readings.js';
import { captureValue, parseIsoTimestamp } from './convert.js';
import type { CompiledLogRules } from './rules.js';

/** What happened to lines, for the collector's stats; `conversion_failed` counts items, the rest lines. */
export type LogLineCounter = 'matched' | 'no_match' | 'too_long' | 'conversion_failed' | 'time_fallback';
export type LogLineCounters = Record<LogLineCounter, number>;

export function createLogLineCounters(): LogLineCounters {
  return { matched: 0, no_match: 0, too_long: 0, conversion_failed: 0, time_fallback: 0 };
}

export interface LogLineContext {
  printer: string;
  /** Stable id of the line (e.g. file + offset); every reading of the line carries it. */
  eventId: string;
  receivedAt: number;
  /** Device time to use when the line's timestamp is missing or unreadable (e.g. the Beats @timestamp). */
  fallbackTime: number;
  counters?: LogLineCounters;
}

export type LogLineResult = { readings: Reading[] } | { unmatched: true; reason: 'too_long' | 'no_match' };

function count(ctx: LogLineContext, counter: LogLineCounter): void {
  if (ctx.counters) ctx.counters[counter] += 1;
}

/** What became of one line; the counters say the same (a matched line may still lose items to conversion). */
export type LogLineOutcome = 'matched' | 'too_long' | 'no_match';

/**
 * Turns one log line into readings with the first rule that matches it. Nothing of the raw line
 * survives except the typed values of configured items; unmatched lines yield nothing.
 * Never throws for any line.
 */
export function applyLogRules(rules: CompiledLogRules, line: string, ctx: LogLineContext): LogLineResult {
  const readings: Reading[] = [];
  const outcome = appendLogReadings(rules, line, ctx, readings);
  return outcome === 'matched' ? { readings } : { unmatched: true, reason: outcome };
}

/**
 * applyLogRules for a caller that gathers many lines' readings in one array (a Beats window):
 * appends to `into` instead of building an array and a result per line.
 */
export function appendLogReadings(rules: CompiledLogRules, line: string, ctx: LogLineContext, into: Reading[]): LogLineOutcome {
  // The cap comes before any pattern: with RE2's linear time it bounds the work of each rule on a line.
  if (line.length > rules.limits.maxLineLength) {
    count(ctx, 'too_long');
    return 'too_long';
  }
  for (const rule of rules.rules) {
    const groups = rule.pattern.matchAtStart(line);
    if (!groups) continue;
    count(ctx, 'matched');
    const timeText = groups[rule.timeGroup];
    let time = timeText === undefined ? undefined : parseIsoTimestamp(timeText);
    if (time === undefined) {
      count(ctx, 'time_fallback');
      time = ctx.fallbackTime;
    }
    for (const item of rule.items) {
      const value = captureValue(item.type, groups[item.group], rules.limits.maxStringLength);
      if (value === undefined) {
        count(ctx, 'conversion_failed');
        continue;
      }
      // `unit` always present (maybe undefined): one hidden class for every reading, no spread per reading.
      into.push({
        printer: ctx.printer,
        item: item.item,
        value,
        unit: item.unit,
        time,
        receivedAt: ctx.receivedAt,
        quality: 'GOOD',
        source: 'filebeat',
        eventId: ctx.eventId,
      });
    }
    return 'matched';
  }
  count(ctx, 'no_match');
  return 'no_match';
}
