import type { Logger } from '../../config/logging.js';
import type { BeatsClientOverrides } from '../clients/lumberjack-client.js';
import type { ReadingValue } from '../../domain/readings.js';
import type { BeatShipperCounters, SimBeatsTarget } from './beat-shipper.js';
import type { PrinterFamily } from './families.js';
import type { ExpectedReading, LedgerCounters, LedgerOptions } from './ledger.js';
import type { SimMount } from './metricbeat-samples.js';
import type { PipServer, PipServerStats, PipServerTlsOptions } from './pip-server.js';
import type { PushShipperCounters, SimPushTarget } from './push-shipper.js';

/** What every simulated printer (SLA or pushing) offers the demo, the tests and the benchmarks. */

export interface SimTargets {
  /** The adapter's Beats listener (Filebeat, Metricbeat). */
  beats?: SimBeatsTarget;
  /** The adapter's push endpoint. */
  push?: SimPushTarget;
}

/** Events per second; 0 produces nothing on its own (tests then call produce()). */
export interface SimRates {
  linesPerSecond?: number;
  metricDocsPerSecond?: number;
  pushMessagesPerSecond?: number;
}

/** Events to produce at once (log lines, Metricbeat documents, push messages). */
export interface SimProduceCounts {
  lines?: number;
  metricDocs?: number;
  pushMessages?: number;
}

/** What the printer's Beats documents say about it, for the adapter's printers[].identity. */
export interface SimPrinterIdentity {
  hostName: string;
  fieldsPrinterId: string;
  /** Only when the printer was told the subject of the client certificate it presents. */
  tlsSubject?: string;
}

export interface SimPipOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  tls?: PipServerTlsOptions;
  includeJobFileName?: boolean;
}

/** Options every simulated printer takes. */
export interface SimPrinterBaseOptions {
  /** Printer id as the adapter's config will name it, e.g. "p01". */
  id: string;
  seed: number;
  /** ThingWorx Thing, for the ledger (default Printer-<id>). */
  thing?: string;
  /** `host.name` the Beats send (default printer-<id>). */
  hostName?: string;
  /** `fields.printer_id` the Beats send (default the id). */
  fieldsPrinterId?: string;
  tlsSubject?: string;
  /** Where the Beats ship; may also be given to start(). */
  beats?: SimBeatsTarget;
  /** Window size, compression level, pipelining, timeouts and backoff of both Beats clients. */
  beatsClient?: BeatsClientOverrides;
  mounts?: readonly SimMount[];
  pip?: SimPipOptions;
  /** Wall clock behind device time (device time still steps at least 1 ms per event). */
  now?: () => number;
  logger?: Logger;
  ledger?: Omit<LedgerOptions, 'printer' | 'thing'>;
  /** Rate tick interval. */
  tickMs?: number;
  /** Per Beat: libbeat's queue size and the unread backlog bound. */
  maxInFlightEvents?: number;
  maxBacklogEvents?: number;
}

export interface SimPrinterCounters {
  ledger: LedgerCounters;
  filebeat?: BeatShipperCounters;
  metricbeat?: BeatShipperCounters;
  push?: PushShipperCounters;
  pip: PipServerStats;
}

export interface SimulatedPrinter {
  readonly id: string;
  readonly family: PrinterFamily;
  readonly thing: string;
  readonly identity: SimPrinterIdentity;
  /** Bearer token of a pushing printer. */
  readonly pushToken?: string;
  /** The printer's PIP/1 server, with its fault controls. */
  readonly pip: PipServer;
  /** Starts the PIP server (once); resolves with its port. */
  listen(): Promise<number>;
  /** The PIP port (0 before listen()). */
  pipPort(): number;
  /** host:port of the PIP server ([v6]:port for IPv6), as the adapter config's `address`. */
  pipAddress(): string;
  /** Starts producing and shipping (and the PIP server, if not yet listening). Once. */
  start(targets?: SimTargets): Promise<void>;
  /** Stops for good: timers, shippers, PIP server, every socket. */
  stop(): Promise<void>;
  setRates(rates: SimRates): void;
  /** Produces this many events now, on top of the rates. */
  produce(counts: SimProduceCounts): void;
  /** From now on the item carries this value (until releaseValue); one event carrying it is produced at once. */
  forceValue(item: string, value: ReadingValue): void;
  releaseValue(item: string): void;
  /** The items forceValue accepts. */
  forceableItems(): readonly string[];
  counters(): SimPrinterCounters;
  /** Readings the adapter must deliver for every event acknowledged so far. */
  expectedAcked(): ExpectedReading[];
  /** Strings that must never reach ThingWorx (job file names, log path, sampled raw lines, error texts). */
  forbiddenStrings(): string[];
  /** Resolves once nothing is waiting and everything handed over is acknowledged. */
  drained(timeoutMs?: number): Promise<void>;
}
