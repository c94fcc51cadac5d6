/**
 * The seeded chaos monkey: builds the whole fault schedule from the seed (schedule.ts), then executes
 * it against a running system: kills and crashes actors through the registry's chaos hooks, turns
 * the ThingWorx stand-in's faults on and off, resets printer connections on the faulty links, and
 * makes printers' PIP servers go silent, reset or answer garbage.
 */
import {
  CONTROL_PATH,
  collectorPath,
  FLEET_PATH,
  healthPath,
  INGRESS_PATH,
  pollerPath,
  printerPath,
  UPLINK_PATH,
} from '../../actors/paths.js';
import type { SimulatedPrinter } from '../../sim/printers/index.js';
import type { StandInFaults } from '../../sim/thingworx/stand-in.js';
import type { Registry } from '../../supervision/index.js';
import type { FaultyLink } from './faulty-link.js';
import { type ActorRole, buildSchedule, type FaultAction, type FaultKind, type FaultStep, type ScheduleShape } from './schedule.js';
import { seededRandom } from '../../sim/seeded-random.js';

/** What the monkey acts on. */
export interface ChaosTargets {
  registry: Registry;
  thingworx: StandInFaults;
  printer(id: string): SimulatedPrinter | undefined;
  links: { beats: FaultyLink; push: FaultyLink };
}

export interface MonkeyReport {
  /** Faults that took effect, by kind (a kill aimed at an actor that was restarting anyway misses). */
  injected: Partial<Record<FaultKind, number>>;
  /** Faults that hit nothing: the actor was not there, no connection was open. */
  missed: Partial<Record<FaultKind, number>>;
}

export interface ChaosMonkey {
  readonly seed: number;
  readonly schedule: readonly FaultStep[];
  /** Executes the schedule in real time; resolves after its last step (or once stopped). */
  run(): Promise<MonkeyReport>;
  /** Stops early and clears every fault still active. Safe to call at any time, more than once. */
  stop(): void;
  report(): MonkeyReport;
}

function actorPath(role: ActorRole, printer: string | undefined): string {
  const of = (build: (id: string) => string) => {
    if (printer === undefined) throw new Error(`a ${role} fault needs a printer`);
    return build(printer);
  };
  switch (role) {
    case 'collector':
      return of(collectorPath);
    case 'poller':
      return of(pollerPath);
    case 'health':
      return of(healthPath);
    case 'printer':
      return of(printerPath);
    case 'fleet':
      return FLEET_PATH;
    case 'ingress':
      return INGRESS_PATH;
    case 'uplink':
      return UPLINK_PATH;
    case 'control':
      return CONTROL_PATH;
  }
}

/** Applies one action; false when it hit nothing. */
function apply(action: FaultAction, targets: ChaosTargets): boolean {
  const { thingworx } = targets;
  switch (action.type) {
    case 'kill':
      return targets.registry.killByPath(actorPath(action.role, action.printer));
    case 'crash':
      return targets.registry.crashByPath(actorPath(action.role, action.printer));
    case 'twx-errors':
      thingworx.setErrorRate(action.rate, action.status);
      return true;
    case 'twx-latency':
      thingworx.setLatency(action.ms);
      return true;
    case 'twx-resets':
      thingworx.setResets(action.rate, action.point);
      return true;
    case 'twx-retry-after':
      thingworx.setRetryAfter(action.seconds, action.requests, action.status);
      return true;
    case 'twx-outage':
      thingworx.setOutage(action.on, action.mode);
      return true;
    case 'net-reset':
      return targets.links[action.listener].reset(action.share, seededRandom(action.pickSeed)) > 0;
    case 'pip-answering': {
      const pip = targets.printer(action.printer)?.pip;
      if (!pip) return false;
      if (action.answering) pip.resumeAnswering();
      else pip.stopAnswering();
      return true;
    }
    case 'pip-reset': {
      const pip = targets.printer(action.printer)?.pip;
      if (!pip || pip.stats().connectionsOpen === 0) return false;
      pip.closeConnections();
      return true;
    }
    case 'pip-garbage': {
      const pip = targets.printer(action.printer)?.pip;
      if (!pip) return false;
      pip.answerGarbage(action.garbage, action.count);
      return true;
    }
  }
}

function channelOf(action: FaultAction): string | undefined {
  switch (action.type) {
    case 'twx-errors':
    case 'twx-latency':
    case 'twx-resets':
    case 'twx-retry-after':
    case 'twx-outage':
      return action.type;
    case 'pip-answering':
      return `pip:${action.printer}`;
    default:
      return undefined;
  }
}

export function createChaosMonkey(seed: number, shape: ScheduleShape, targets: ChaosTargets): ChaosMonkey {
  const schedule = buildSchedule(seed, shape);
  const injected: Partial<Record<FaultKind, number>> = {};
  const missed: Partial<Record<FaultKind, number>> = {};
  /** Durational faults now on, by channel, with the step that turns each off. */
  const active = new Map<string, FaultStep>();
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const report = (): MonkeyReport => ({ injected: { ...injected }, missed: { ...missed } });

  function execute(step: FaultStep, index: number): void {
    const hit = apply(step.action, targets);
    const channel = channelOf(step.action);
    if (step.phase === 'clear') {
      if (channel) active.delete(channel);
      return;
    }
    const counts = hit ? injected : missed;
    counts[step.kind] = (counts[step.kind] ?? 0) + 1;
    if (channel) {
      const clear = schedule.slice(index + 1).find((later) => later.phase === 'clear' && channelOf(later.action) === channel);
      if (clear) active.set(channel, clear);
    }
  }

  function clearAll(): void {
    for (const clear of active.values()) apply(clear.action, targets);
    active.clear();
  }

  return {
    seed,
    schedule,
    report,
    async run() {
      const startedAt = Date.now();
      for (const [index, step] of schedule.entries()) {
        const waitMs = startedAt + step.atMs - Date.now();
        if (waitMs > 0 && !stopped) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, waitMs);
          });
        }
        if (stopped) break;
        execute(step, index);
      }
      clearAll();
      return report();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      clearAll();
    },
  };
}
