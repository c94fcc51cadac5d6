/**
 * The seed of a chaos run: CHAOS_SEED (to replay a run) or a fresh one, and the hint every chaos
 * failure carries. The numbers themselves come from sim/seeded-random.ts (mulberry32), so a seed
 * means the same schedule on every Node version.
 */

/** The seed of this run: CHAOS_SEED when it is a non-negative 32-bit integer, else a fresh one. */
export function chaosSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.CHAOS_SEED?.trim();
  if (given !== undefined && /^\d{1,10}$/.test(given) && Number(given) < 2 ** 32) return Number(given);
  return Math.floor(Math.random() * 2 ** 32);
}

/** What every failure message carries, so a red run can be replayed exactly. */
export function replayHint(seed: number): string {
  return `seed=${seed} (replay: CHAOS_SEED=${seed})`;
}
