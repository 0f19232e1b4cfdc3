/**
 * Non-streaming requests against a zero-latency upstream: latency per request at a fixed
 * concurrency (goal 1), and requests per second at a fixed concurrency and duration (goal 4).
 */
import type { Pool } from 'undici';
import { CHAT_BODY, exchange, openPool, runLoops, type Target } from './client.ts';
import { busyAfterLoad } from './machine-load.ts';
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
  /** Requests started against this arm, warm-up included (what a capturing proxy must write). */
  requests: number;
}

/** One small non-streaming chat completion; true when it succeeded. */
async function fastCall(pool: Pool): Promise<boolean> {
  const r = await exchange(pool, 's=fast', CHAT_BODY);
  return r.status === 200;
}

/** Requests per second per arm, from `concurrency` loops making `call` (default: one fast request). */
export async function requestThroughput(
  targets: readonly Target[],
  opts: ThroughputOptions,
  call: (pool: Pool) => Promise<boolean> = fastCall,
): Promise<{ arms: Record<string, ThroughputArm>; errors: number }> {
  let errors = 0;
  const requests = new Map(targets.map((t) => [t.name, 0]));
  const pools = new Map(targets.map((t) => [t.name, openPool(t.url, opts.concurrency)]));
  const once = async (target: Target): Promise<void> => {
    const pool = pools.get(target.name);
    if (!pool) throw new Error(`no pool for ${target.name}`);
    requests.set(target.name, (requests.get(target.name) ?? 0) + 1);
    try {
      if (!(await call(pool))) errors++;
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
      return (completed * 1000) / (elapsedMs + (await busyAfterLoad()));
    });
    const arms: Record<string, ThroughputArm> = {};
    for (const [name, rounds] of results) {
      arms[name] = { rounds, rps: median(rounds), requests: requests.get(name) ?? 0 };
    }
    return { arms, errors };
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
}
