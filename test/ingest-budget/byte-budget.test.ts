import test from 'ava';
import { IngestBudget } from '../../protocols/ingest-budget/byte-budget.js';
import { INGEST_BUDGET_DEFAULTS } from '../../config/defaults.js';

const limits = { maxBytes: 1000, maxUnidentifiedBytes: 100, maxStalledWaitMs: 1000 };

test('under the budget every account reads; over it only those under their fair share do', (t) => {
  const budget = new IngestBudget(limits);
  const big = budget.open({ identified: true, onFreed: () => {} });
  const small = budget.open({ identified: true, onFreed: () => {} });
  big.setHeld(900);
  t.is(big.verdict(), 'read', 'the total is under the budget');
  small.setHeld(150);
  t.is(budget.heldBytes, 1050);
  t.is(budget.fairShare(), 500);
  t.is(big.verdict(), 'wait', 'over its fair share of a full budget');
  t.is(small.verdict(), 'read', 'under its fair share: never starved by the big one');
  t.true(big.overFairShare);
  t.false(small.overFairShare);
});

test('before its printer is known an account holds at most maxUnidentifiedBytes, then the budget as the others', (t) => {
  const budget = new IngestBudget(limits);
  const account = budget.open({ identified: false, onFreed: () => {} });
  account.setHeld(99);
  t.is(account.verdict(), 'read');
  account.setHeld(100);
  t.is(account.verdict(), 'unidentified-limit');
  account.identify();
  t.is(account.verdict(), 'read');
});

test('waiting accounts are told, in a later turn, when bytes are freed; a closed account returns its bytes', async (t) => {
  const budget = new IngestBudget(limits);
  let woken = 0;
  const waiting = budget.open({ identified: true, onFreed: () => woken++ });
  const other = budget.open({ identified: true, onFreed: () => {} });
  waiting.setHeld(600);
  other.setHeld(500);
  t.is(waiting.verdict(), 'wait');
  other.close();
  t.is(woken, 0, 'not inside setHeld');
  await new Promise((resolve) => setImmediate(resolve));
  t.is(woken, 1);
  t.is(budget.heldBytes, 600);
  t.is(waiting.verdict(), 'read');
  waiting.close();
  t.is(budget.heldBytes, 0);
});

test('the default budget sits well inside the unit’s 128 MB heap', (t) => {
  t.true(INGEST_BUDGET_DEFAULTS.maxBytes <= 64 * 1024 * 1024);
  t.true(INGEST_BUDGET_DEFAULTS.maxUnidentifiedBytes <= 1024 * 1024);
});
