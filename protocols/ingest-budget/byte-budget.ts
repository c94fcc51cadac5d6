/**
 * One byte budget for everything the printer-facing listeners hold in memory on a printer's behalf:
 * Beats windows being assembled or waiting for their ACK, bytes received and not yet decoded, push
 * messages held or waiting for their ack. Without it each connection was bounded on its own
 * (maxBytesInFlight, 32 MiB) and 64 connections together were not, so four connections could take
 * the daemon past its heap (issue 19).
 *
 * The budget does not refuse bytes (they are already read when they are counted); it tells a
 * connection whether it may read more. A connection that may not stops reading, and TCP holds the
 * sender back. It is told when bytes are freed, and asks again.
 *
 * Fairness: a connection holding less than its fair share (the budget divided among the connections
 * holding bytes) may always read, so a small printer is never starved by a large one. Above its fair
 * share it may read only while the total is under the budget. So the total stays near the budget:
 * at most about one socket read per connection over it.
 */
import { INGEST_BUDGET_DEFAULTS } from '../../config/defaults.js';

/** The budget's size and patience; defaults: INGEST_BUDGET_DEFAULTS in config/defaults.ts; the config may override them. */
export interface IngestBudgetLimits {
  /** Bytes all printer connections together may hold; well inside the unit's heap (128 MB). */
  maxBytes: number;
  /**
   * Bytes a connection may hold before its printer is known (TLS subject at the handshake, or the
   * first event of its first window): enough for a Beat's first compressed window, far less than a
   * window an attacker could build.
   */
  maxUnidentifiedBytes: number;
  /**
   * How long a connection may go, from its first wait for budget, without completing a window: if
   * it then waits again, holding at least its fair share and nothing that an ACK would free (a
   * window that cannot complete), it is closed, its bytes go to the others, and its Beat re-sends
   * later. Without this, connections that each hold part of a window could wait for each other
   * forever.
   */
  maxStalledWaitMs: number;
}

/** Whether an account may read more, and if not, why. */
export type BudgetVerdict = 'read' | 'wait' | 'unidentified-limit';

/** The shared accounting: created once (ingress init) and given to every listener. */
export class IngestBudget {
  private total = 0;
  /** Accounts holding more than zero bytes: the fair share divides the budget among them. */
  private holders = 0;
  private readonly waiting = new Set<BudgetAccount>();
  private wakeScheduled = false;
  /** The account whose large inflate is running (see BudgetAccount.startLargeInflate). */
  private largeInflate: BudgetAccount | undefined;

  constructor(readonly limits: Readonly<IngestBudgetLimits> = INGEST_BUDGET_DEFAULTS) {}

  /** Bytes held by all accounts. */
  get heldBytes(): number {
    return this.total;
  }

  /** The budget divided among the accounts that hold bytes. */
  fairShare(): number {
    return Math.floor(this.limits.maxBytes / Math.max(1, this.holders));
  }

  /**
   * An account for one connection. `onFreed` runs (in a later turn, never inside setHeld) after
   * bytes were freed while the account waited: the connection asks mayRead() again.
   */
  open(options: { identified: boolean; onFreed: () => void }): BudgetAccount {
    return new BudgetAccount(this, options.identified, options.onFreed);
  }

  /** @internal an account's held bytes changed from `before` to `after`. */
  change(before: number, after: number): void {
    this.total += after - before;
    if (before === 0 && after > 0) this.holders += 1;
    else if (before > 0 && after === 0) this.holders -= 1;
    if (after < before && this.waiting.size > 0) this.scheduleWake();
  }

  /** @internal */
  claimLargeInflate(account: BudgetAccount, worstCaseBytes: number): boolean {
    if (this.largeInflate !== undefined && this.largeInflate !== account) return false;
    const othersHold = this.total - account.heldBytes;
    if (othersHold > 0 && this.total + worstCaseBytes > this.limits.maxBytes) return false;
    this.largeInflate = account;
    return true;
  }

  /** @internal */
  releaseLargeInflate(account: BudgetAccount): void {
    if (this.largeInflate !== account) return;
    this.largeInflate = undefined;
    if (this.waiting.size > 0) this.scheduleWake();
  }

  /** @internal */
  setWaiting(account: BudgetAccount, waiting: boolean): void {
    if (waiting) this.waiting.add(account);
    else this.waiting.delete(account);
  }

  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      for (const account of [...this.waiting]) account.wake();
    });
  }
}

export class BudgetAccount {
  private held = 0;
  /** Refused reading (verdict not 'read'). */
  private isWaiting = false;
  /** Refused a large inflate. */
  private wantsInflate = false;
  private closed = false;

  constructor(
    private readonly budget: IngestBudget,
    private known: boolean,
    private readonly onFreed: () => void,
  ) {}

  get heldBytes(): number {
    return this.held;
  }

  get limits(): Readonly<IngestBudgetLimits> {
    return this.budget.limits;
  }

  get identified(): boolean {
    return this.known;
  }

  /** The connection's printer is known: the unidentified allowance no longer applies. */
  identify(): void {
    this.known = true;
  }

  /** What the connection holds now, in bytes (it recounts; the budget takes the difference). */
  setHeld(bytes: number): void {
    if (this.closed || bytes === this.held) return;
    const before = this.held;
    this.held = bytes;
    this.budget.change(before, bytes);
  }

  /** Whether the connection may read more now. Not 'read' marks it waiting until the budget frees bytes. */
  verdict(): BudgetVerdict {
    if (this.closed) return 'read';
    let verdict: BudgetVerdict = 'read';
    if (!this.known && this.held >= this.budget.limits.maxUnidentifiedBytes) verdict = 'unidentified-limit';
    else if (this.budget.heldBytes >= this.budget.limits.maxBytes && this.held >= this.budget.fairShare()) verdict = 'wait';
    this.setWaiting(verdict !== 'read');
    return verdict;
  }

  mayRead(): boolean {
    return this.verdict() === 'read';
  }

  /** Holding its fair share or more: the one to close when it cannot make progress. */
  get overFairShare(): boolean {
    return this.held >= this.budget.fairShare();
  }

  /**
   * Whether this connection may now inflate a payload that could become `worstCaseBytes` (a `C`
   * frame too large to inflate on the spot). Reading is gated per socket read, a few KiB at a time;
   * a 300 KB compressed frame read within its share can become 32 MiB, so an inflate of unknown size
   * is gated here: one at a time across all connections, and only while the budget has room for its
   * worst case (or nobody else holds anything, so a lone connection always progresses). When not,
   * onFreed runs once bytes are freed or the running inflate ends, and the connection asks again.
   */
  startLargeInflate(worstCaseBytes: number): boolean {
    if (this.closed) return true;
    const granted = this.budget.claimLargeInflate(this, worstCaseBytes);
    this.wantsInflate = !granted;
    this.syncWaiting();
    return granted;
  }

  finishLargeInflate(): void {
    this.budget.releaseLargeInflate(this);
  }

  /** Returns every byte; the account is done. */
  close(): void {
    if (this.closed) return;
    this.setHeld(0);
    this.isWaiting = false;
    this.wantsInflate = false;
    this.syncWaiting();
    this.budget.releaseLargeInflate(this);
    this.closed = true;
  }

  /** @internal */
  wake(): void {
    if (!this.closed && (this.isWaiting || this.wantsInflate)) this.onFreed();
  }

  private setWaiting(waiting: boolean): void {
    if (waiting === this.isWaiting) return;
    this.isWaiting = waiting;
    this.syncWaiting();
  }

  private syncWaiting(): void {
    this.budget.setWaiting(this, this.isWaiting || this.wantsInflate);
  }
}
