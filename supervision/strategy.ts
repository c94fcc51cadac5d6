/** Which children a restart strategy takes down and brings back when one child dies. Pure. */

export type RestartStrategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/**
 * Indexes (in start order) of the children to restart when the child at `failedIndex` died.
 * one_for_one: only it; one_for_all: everyone; rest_for_one: it and every child started after it.
 */
export function restartGroup(strategy: RestartStrategy, childCount: number, failedIndex: number): number[] {
  const all = Array.from({ length: childCount }, (_, index) => index);
  switch (strategy) {
    case 'one_for_one':
      return [failedIndex];
    case 'one_for_all':
      return all;
    case 'rest_for_one':
      return all.filter((index) => index >= failedIndex);
    default: {
      const unknown: never = strategy;
      throw new Error(`unknown restart strategy ${String(unknown)}`);
    }
  }
}
