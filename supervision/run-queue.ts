/** Something with queued work: handles a bounded batch of it when its turn comes. */
export interface Runnable {
  /** Must not throw: a failure inside is the runnable's own business (a cell's crash). */
  runBatch(): void;
}

/**
 * The process-wide run queue of actors with work. One `setImmediate` runs a round for every actor
 * that was ready when the round began, in the order they became ready, one batch each. Whatever
 * becomes ready during a round (an actor re-queued after a full batch, one woken by a tell) waits
 * for the next round, after the event loop has run I/O and timers: no actor starves the others,
 * and no chain of actors keeps the sockets waiting.
 */
export class RunQueue {
  /** Two arrays swapped every round and never shrunk: a steady state allocates nothing per message. */
  private ready: (Runnable | undefined)[] = [];
  private readyCount = 0;
  private running: (Runnable | undefined)[] = [];
  private roundScheduled = false;
  private readonly runRound = (): void => {
    this.roundScheduled = false;
    const round = this.ready;
    const count = this.readyCount;
    this.ready = this.running;
    this.readyCount = 0;
    this.running = round;
    for (let index = 0; index < count; index += 1) {
      const runnable = round[index] as Runnable;
      round[index] = undefined;
      try {
        runnable.runBatch();
      } catch (error) {
        // A bug, not a crash: it must not stall the rest of the round; surface it outside this call.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };

  /** Run `runnable` in the next round. The caller keeps it from being queued twice. */
  schedule(runnable: Runnable): void {
    this.ready[this.readyCount] = runnable;
    this.readyCount += 1;
    if (this.roundScheduled) return;
    this.roundScheduled = true;
    setImmediate(this.runRound);
  }
}

export const runQueue = new RunQueue();
