import type { Target } from './client.ts';

/**
 * Runs `rounds` rounds over the targets, interleaved (A B, B A, A B …) so that drift in the
 * machine's state (thermal, other processes, GC of long-lived state) hits every arm alike.
 * Returns each target's per-round results, in round order.
 */
export async function interleaved<T>(
  targets: readonly Target[],
  rounds: number,
  run: (target: Target, round: number) => Promise<T>,
): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      await target.before?.();
      try {
        results.get(target.name)?.push(await run(target, round));
      } finally {
        await target.after?.();
      }
    }
  }
  return results;
}
