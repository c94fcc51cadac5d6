/** The few draws the chaos schedule and the fuzzers make from a seeded random source. */

export type Random = () => number;

export function draws(random: Random) {
  return {
    /** Integer in [0, n). */
    int: (n: number): number => Math.floor(random() * n),
    /** Integer in [min, max]. */
    between: (min: number, max: number): number => min + Math.floor(random() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(random() * items.length)];
      if (item === undefined) throw new RangeError('pick from an empty list');
      return item;
    },
    chance: (p: number): boolean => random() < p,
  };
}
