import type { Pool } from 'undici';
import { openPool, runLoops, type Target } from './client.ts';
import { interleaved } from './rounds.ts';
import { type ArmResult, combineRounds, summarize } from './stats.ts';

export interface SampledLatencyOptions {
  /** Calls in flight at once, each on its own pooled connection. */
  concurrency: number;
  rounds: number;
  /** Calls per arm per round. */
  perRound: number;
  /** Calls per arm before the first round, not measured. */
  warmup: number;
}

/**
 * Latency per arm: for each target a pool of connections, a warm-up, then interleaved rounds of
 * `perRound` calls. `measure` makes one call and returns its latency in ms, or null when it failed;
 * a throw counts as a failure too.
 */
export async function sampledLatency(
  targets: readonly Target[],
  opts: SampledLatencyOptions,
  measure: (pool: Pool) => Promise<number | null>,
): Promise<{ arms: Record<string, ArmResult>; errors: number }> {
  let errors = 0;
  const pools = new Map(targets.map((t) => [t.name, openPool(t.url, opts.concurrency)]));
  const once = async (target: Target, samples: number[] | null): Promise<void> => {
    const pool = pools.get(target.name);
    if (!pool) throw new Error(`no pool for ${target.name}`);
    try {
      const sample = await measure(pool);
      if (sample === null) errors++;
      else samples?.push(sample);
    } catch {
      errors++;
    }
  };
  try {
    for (const target of targets) {
      await runLoops(opts.concurrency, { count: opts.warmup, durationMs: 20_000 }, () => once(target, null));
    }
    const results = await interleaved(targets, opts.rounds, async (target) => {
      const samples: number[] = [];
      await runLoops(opts.concurrency, { count: opts.perRound, durationMs: 20_000 }, () =>
        once(target, samples),
      );
      return summarize(samples);
    });
    const arms: Record<string, ArmResult> = {};
    for (const [name, rounds] of results) arms[name] = combineRounds(rounds);
    return { arms, errors };
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
}
