import type { Logger } from '../../config/logging.js';
import type { DeviceClock } from './device-clock.js';
import { SimPrinterError } from './errors.js';
import type { PrinterLedger } from './ledger.js';
import type { PrinterProcess } from './printer-process.js';
import { createPushMessageGenerator, type PushFamily } from './push-messages.js';
import { createPushShipper } from './push-shipper.js';
import { checkRate, createRateTicker } from './rate-ticker.js';

/** The agent on a pushing printer (mjp, dmp) that sends its readings over the push protocol. */
export interface PushProcessOptions {
  printer: string;
  family: PushFamily;
  seed: number;
  token?: string;
  clock: DeviceClock;
  ledger: PrinterLedger;
  logger: Logger;
  now?: () => number;
  messagesPerSecond: number;
  tickMs?: number;
  backoff?: { minMs: number; maxMs: number };
  maxUnacked?: number;
  maxBacklogMessages?: number;
  onProgress(): void;
}

export function createPushProcess(options: PushProcessOptions): PrinterProcess {
  const messages = createPushMessageGenerator({ family: options.family, seed: options.seed, printer: options.printer, now: options.now });
  const shipper = createPushShipper({
    ledger: options.ledger,
    logger: options.logger,
    token: options.token,
    backoff: options.backoff,
    maxUnacked: options.maxUnacked,
    maxBacklogMessages: options.maxBacklogMessages,
    onProgress: options.onProgress,
  });

  const message = () => {
    const time = options.clock.stamp();
    const generated = messages.next();
    return { readings: generated.readings, time, items: generated.items };
  };
  const ticker = createRateTicker({
    perSecond: checkRate(options.messagesPerSecond, 'pushMessagesPerSecond'),
    tickMs: options.tickMs,
    onDue: (count) => shipper.accept(count, message),
  });

  return {
    source: 'push',
    target: 'push',
    rateKey: 'pushMessagesPerSecond',
    produceKey: 'pushMessages',
    items: messages.items,
    start: (targets) => {
      if (!targets.push) {
        throw new SimPrinterError('SIM_ERR_NO_TARGET', `printer ${options.printer}: pushing needs a push target`, {
          printer: options.printer,
        });
      }
      shipper.start(targets.push);
      ticker.start();
    },
    stop: async () => {
      ticker.stop();
      await shipper.stop();
    },
    setRate: (perSecond) => ticker.setRate(perSecond),
    produce: (count) => shipper.accept(count, message),
    forceValue: (item, value) => {
      messages.forceValue(item, value);
      shipper.accept(1, message);
    },
    releaseValue: (item) => messages.releaseValue(item),
    syncAcks: () => {},
    isDrained: () => shipper.isDrained(),
    counters: () => shipper.counters(),
  };
}
