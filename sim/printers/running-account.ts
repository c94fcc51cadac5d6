/**
 * The zero-loss account of delivery-account.ts, kept as the run goes, in bounded memory: each
 * acknowledged event's readings wait until ThingWorx holds them (then only counters remain), and each
 * row ThingWorx took waits a while for the acknowledgement it may precede. What a long demo keeps is
 * the readings in flight and a few counters per printer, not every event and every row.
 */
import type { ReadingValue } from '../../domain/readings.js';
import { describeValue, sameValue } from './delivery-account.js';
import type { ExpectedReading } from './ledger.js';

export const RUNNING_ACCOUNT_DEFAULTS = {
  /**
   * How long a row nothing expects yet is kept (its acknowledgement may come after it), and how long a
   * matched reading is remembered to tell a re-sent copy. Poll and health rows are never expected: they go.
   */
  rowTtlMs: 30_000,
  /** Distinct string values kept for the leak check (job ids, states, error codes). */
  maxStrings: 100_000,
  examples: 5,
} as const;

export interface RunningAccountOptions {
  rowTtlMs?: number;
  maxStrings?: number;
  now?: () => number;
}

export interface PrinterAccount {
  /** Acknowledged events with readings. */
  events: number;
  /** Of them, those whose every reading ThingWorx holds with its value (so far). */
  delivered: number;
  /** Events with a reading ThingWorx took more than once. */
  duplicates: number;
}

export interface RunningAccountSummary {
  /** Acknowledged events, all printers. */
  acked: number;
  delivered: number;
  duplicates: number;
  /** Acknowledged events with a reading ThingWorx does not hold (yet: call after a drain). */
  lost: number;
  /** Of the lost, those with a row at the reading's Thing, property and time that has another value. */
  corrupted: number;
  lostExamples: string[];
  /** Rows ThingWorx took, every kind (poll, health and alert rows too). */
  rows: number;
  byPrinter: Record<string, PrinterAccount>;
  /** Items kept right now: what the account holds is the readings in flight, not the run. */
  held: { pending: number; unmatchedRows: number; matched: number; strings: number };
}

export interface RunningAccount {
  /** A reading an acknowledged event must produce (the ledger's onExpected). Readings of one event come together. */
  expect(reading: ExpectedReading): void;
  /** A row ThingWorx accepted (the stand-in's onRow). */
  row(thing: string, name: string, value: ReadingValue, time: number): void;
  summary(): RunningAccountSummary;
  /** Whether ThingWorx took any string value that contains `text` (the leak check, over the values kept). */
  holdsText(texts: readonly string[]): number;
}

interface Pending {
  value: ReadingValue;
  event: EventState;
  reading: ExpectedReading;
}

interface EventState {
  printer: string;
  duplicated: boolean;
}

interface HeldRows {
  values: ReadingValue[];
  at: number;
}

interface Matched {
  value: ReadingValue;
  event: EventState;
  at: number;
}

const keyOf = (thing: string | undefined, name: string, time: number): string => `${thing}|${name}|${time}`;

export function createRunningAccount(options: RunningAccountOptions = {}): RunningAccount {
  const ttl = options.rowTtlMs ?? RUNNING_ACCOUNT_DEFAULTS.rowTtlMs;
  const maxStrings = options.maxStrings ?? RUNNING_ACCOUNT_DEFAULTS.maxStrings;
  const now = options.now ?? Date.now;
  const pending = new Map<string, Pending>();
  // Insertion order is arrival order: the oldest are first, so pruning stops at the first young one.
  const unmatched = new Map<string, HeldRows>();
  const matched = new Map<string, Matched>();
  const strings = new Set<string>();
  const byPrinter = new Map<string, Omit<PrinterAccount, 'delivered'>>();
  let rows = 0;
  let lastEventKey = '';
  let lastEvent: EventState | undefined;
  let lastPrune = now();

  function printer(id: string): Omit<PrinterAccount, 'delivered'> {
    let account = byPrinter.get(id);
    if (account === undefined) {
      account = { events: 0, duplicates: 0 };
      byPrinter.set(id, account);
    }
    return account;
  }

  function duplicate(event: EventState): void {
    if (event.duplicated) return;
    event.duplicated = true;
    printer(event.printer).duplicates += 1;
  }

  function prune(at: number): void {
    // At most once a second: every row and reading passes here.
    if (at - lastPrune < 1_000) return;
    lastPrune = at;
    for (const [key, held] of unmatched) {
      if (at - held.at < ttl) break;
      unmatched.delete(key);
    }
    for (const [key, entry] of matched) {
      if (at - entry.at < ttl) break;
      matched.delete(key);
    }
  }

  return {
    expect(reading) {
      const at = now();
      prune(at);
      // An event is its printer's Thing at its device time; its readings arrive together.
      const eventKey = `${reading.thing}|${reading.time}|${reading.source}`;
      let event = eventKey === lastEventKey ? lastEvent : undefined;
      if (event === undefined) {
        event = { printer: reading.printer, duplicated: false };
        lastEventKey = eventKey;
        lastEvent = event;
        printer(reading.printer).events += 1;
      }
      const key = keyOf(reading.thing, reading.item, reading.time);
      const early = unmatched.get(key);
      const index = early ? early.values.findIndex((value) => sameValue(reading.value, value)) : -1;
      if (early && index >= 0) {
        if (early.values.filter((value) => sameValue(reading.value, value)).length > 1) duplicate(event);
        matched.set(key, { value: reading.value, event, at });
        return;
      }
      pending.set(key, { value: reading.value, event, reading });
    },

    row(thing, name, value, time) {
      const at = now();
      prune(at);
      rows += 1;
      if (typeof value === 'string' && strings.size < maxStrings) strings.add(value);
      const key = keyOf(thing, name, time);
      const waiting = pending.get(key);
      if (waiting && sameValue(waiting.value, value)) {
        pending.delete(key);
        matched.set(key, { value, event: waiting.event, at });
        return;
      }
      const done = matched.get(key);
      if (done && sameValue(done.value, value)) {
        duplicate(done.event);
        return;
      }
      // Nothing expects it yet: its acknowledgement may still come, or it is a poll, health or alert row.
      const held = unmatched.get(key);
      if (held) held.values.push(value);
      else unmatched.set(key, { values: [value], at });
    },

    summary() {
      const lostEvents = new Set<EventState>();
      const corruptedEvents = new Set<EventState>();
      const lostExamples: string[] = [];
      for (const [key, waiting] of pending) {
        lostEvents.add(waiting.event);
        const other = unmatched.get(key);
        if (other) corruptedEvents.add(waiting.event);
        if (lostExamples.length < RUNNING_ACCOUNT_DEFAULTS.examples) {
          const r = waiting.reading;
          lostExamples.push(
            `${r.printer} ${r.source} ${r.item}@${r.time}${other ? ` expected ${describeValue(r.value)} got ${other.values.map(describeValue).join(' | ')}` : ''}`,
          );
        }
      }
      // An event is delivered unless a reading of it still waits: what is not pending arrived.
      const lostBy = new Map<string, number>();
      for (const event of lostEvents) lostBy.set(event.printer, (lostBy.get(event.printer) ?? 0) + 1);
      const printers = Object.fromEntries(
        [...byPrinter].map(([id, account]) => [id, { ...account, delivered: account.events - (lostBy.get(id) ?? 0) }]),
      );
      const delivered = Object.values(printers).reduce((sum, account) => sum + account.delivered, 0);
      const total = (field: 'events' | 'duplicates') => [...byPrinter.values()].reduce((sum, account) => sum + account[field], 0);
      return {
        acked: total('events'),
        delivered,
        duplicates: total('duplicates'),
        lost: lostEvents.size,
        corrupted: corruptedEvents.size,
        lostExamples,
        rows,
        byPrinter: printers,
        held: { pending: pending.size, unmatchedRows: unmatched.size, matched: matched.size, strings: strings.size },
      };
    },

    holdsText(texts) {
      let found = 0;
      for (const text of texts) {
        for (const value of strings) {
          if (value.includes(text)) {
            found += 1;
            break;
          }
        }
      }
      return found;
    },
  };
}
