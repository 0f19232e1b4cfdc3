/**
 * Non-streaming requests against a zero-latency upstream: latency per request at a fixed
 * concurrency (goal 1), and requests per second at a fixed concurrency and duration (goal 4).
 */
import { CHAT_BODY, exchange, openPool, runLoops, type Target } from './client.ts';
import { interleaved } from './rounds.ts';
import { type SampledLatencyOptions, sampledLatency } from './sampled-latency.ts';
import { type ArmResult, median } from './stats.ts';

export type LatencyOptions = SampledLatencyOptions;

export async function requestLatency(
  targets: readonly Target[],
  opts: LatencyOptions,
): Promise<{ arms: Record<string, ArmResult>; errors: number }> {
  return sampledLatency(targets, opts, async (pool) => {
    const r = await exchange(pool, 's=fast', CHAT_BODY);
    return r.status === 200 ? r.endAt - r.start : null;
  });
}

export interface ThroughputOptions {
  concurrency: number;
  rounds: number;
  durationMs: number;
}

export interface ThroughputArm {
  rounds: number[];
  rps: number;
}

export async function requestThroughput(
  targets: readonly Target[],
  opts: ThroughputOptions,
): Promise<{ arms: Record<string, ThroughputArm>; errors: number }> {
  let errors = 0;
  const pools = new Map(targets.map((t) => [t.name, openPool(t.url, opts.concurrency)]));
  const once = async (target: Target): Promise<void> => {
    const pool = pools.get(target.name);
    if (!pool) throw new Error(`no pool for ${target.name}`);
    try {
      const r = await exchange(pool, 's=fast', CHAT_BODY);
      if (r.status !== 200) errors++;
    } catch {
      errors++;
    }
  };
  try {
    for (const target of targets) {
      await runLoops(opts.concurrency, { durationMs: 500 }, () => once(target));
    }
    const results = await interleaved(targets, opts.rounds, async (target) => {
      const { completed, elapsedMs } = await runLoops(opts.concurrency, { durationMs: opts.durationMs }, () =>
        once(target),
      );
      return (completed * 1000) / elapsedMs;
    });
    const arms: Record<string, ThroughputArm> = {};
    for (const [name, rounds] of results) arms[name] = { rounds, rps: median(rounds) };
    return { arms, errors };
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
}
