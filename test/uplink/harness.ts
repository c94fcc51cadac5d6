import { silentLogger, type Logger } from '../../config/logging.js';
import { DeliveryEngine } from '../../actors/uplink/delivery-engine.js';
import type { UplinkLimitOverrides } from '../../actors/uplink/limits.js';
import type { UplinkNotice } from '../../actors/uplink/messages.js';
import type { Lane } from '../../actors/uplink/queued-row.js';
import type { SessionState } from '../../actors/uplink/session.js';
import type { Reading } from '../../domain/readings.js';
import { actorAddress } from '../../supervision/index.js';
import { FakeClock } from './fake-clock.js';
import { ScriptedTransport } from './scripted-transport.js';

export const ADAPTER_THING = 'Adapter';

export interface Harness {
  engine: DeliveryEngine;
  clock: FakeClock;
  transport: ScriptedTransport;
  /** onDelivered calls, in order. */
  delivered: string[];
  spaceAvailable: string[];
  states: Array<[SessionState, SessionState]>;
}

/** An engine on fake time with a scripted transport, jitter off (random = 0) so delays are exact. */
export function createHarness(options: { limits?: UplinkLimitOverrides; logger?: Logger; start?: boolean } = {}): Harness {
  const clock = new FakeClock();
  const transport = new ScriptedTransport();
  const delivered: string[] = [];
  const spaceAvailable: string[] = [];
  const states: Array<[SessionState, SessionState]> = [];
  const engine = new DeliveryEngine({
    transport,
    sessionCheckThing: ADAPTER_THING,
    endpointHost: 'twx.example.test:8443',
    limits: options.limits,
    logger: options.logger ?? silentLogger(),
    clock,
    random: () => 0,
    onDelivered: (batchId) => delivered.push(batchId),
    onSpaceAvailable: (sender) => spaceAvailable.push(sender),
    onStateChange: (state, previous) => states.push([state, previous]),
  });
  if (options.start !== false) engine.start();
  return { engine, clock, transport, delivered, spaceAvailable, states };
}

let sequence = 0;

export function reading(item: string, value: Reading['value'], extra: Partial<Reading> = {}): Reading {
  sequence += 1;
  return {
    printer: 'p01',
    item,
    value,
    time: 1_764_238_502_000 + sequence,
    receivedAt: 1_764_238_502_000 + sequence,
    quality: 'GOOD',
    source: 'filebeat',
    ...extra,
  };
}

/** `count` numbered readings of one item, values 0…count-1 (so order is visible in what ThingWorx got). */
export function series(item: string, count: number, from = 0): Reading[] {
  return Array.from({ length: count }, (_, i) => reading(item, from + i));
}

export function batch(batchId: string, thing: string, readings: Reading[], lane: Lane = 'event', sender = 'collector/p01') {
  return { batchId, sender: actorAddress<UplinkNotice>(sender), thing, lane, readings };
}
