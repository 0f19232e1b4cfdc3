/**
 * Client disconnect → upstream abort (goal 7): the client aborts a stream after a few events;
 * the upstream reports when it saw its side close; the delay is measured on the shared clock.
 */
import { exchange, openPool, STREAM_BODY, type Target } from './client.ts';
import { nowMs, sleep } from './clock.ts';
import type { BenchChild } from './ipc.ts';
import { interleaved } from './rounds.ts';
import { type ArmResult, combineRounds, summarize } from './stats.ts';

export async function abortPropagation(
  upstream: BenchChild,
  targets: readonly Target[],
  opts: { rounds: number; perRound: number; afterEvents: number },
): Promise<{ arms: Record<string, ArmResult>; missed: Record<string, number> }> {
  const seen = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const unsubscribe = upstream.onAborted((id, at) => {
    const waiter = waiting.get(id);
    if (waiter) waiter(at);
    else seen.set(id, at);
  });
  const upstreamSawClose = (id: string, timeoutMs: number): Promise<number | null> => {
    const early = seen.get(id);
    if (early !== undefined) return Promise.resolve(early);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(null);
      }, timeoutMs);
      waiting.set(id, (at) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(at);
      });
    });
  };

  const missed: Record<string, number> = Object.fromEntries(targets.map((t) => [t.name, 0]));
  const pools = new Map(targets.map((t) => [t.name, openPool(t.url, 1)]));
  let nextId = 0;
  try {
    const results = await interleaved(targets, opts.rounds, async (target) => {
      const pool = pools.get(target.name);
      if (!pool) throw new Error(`no pool for ${target.name}`);
      const delays: number[] = [];
      for (let i = 0; i < opts.perRound; i++) {
        const id = `${target.name}-${nextId++}`;
        let events = 0;
        let abortedAt = Number.NaN;
        try {
          await exchange(pool, `s=ticks&n=2000&every=5&id=${id}`, STREAM_BODY, {
            onData: (chunk, _at, abort) => {
              for (let k = chunk.indexOf('\n\n'); k !== -1; k = chunk.indexOf('\n\n', k + 2)) events++;
              if (events >= opts.afterEvents && Number.isNaN(abortedAt)) {
                abortedAt = nowMs();
                abort();
              }
            },
          });
        } catch {
          // counted below as missed
        }
        const at = await upstreamSawClose(id, 2_000);
        if (at === null || Number.isNaN(abortedAt)) missed[target.name] = (missed[target.name] ?? 0) + 1;
        else delays.push(at - abortedAt);
        seen.delete(id);
      }
      await sleep(50);
      return summarize(delays);
    });
    const arms: Record<string, ArmResult> = {};
    for (const [name, rounds] of results) arms[name] = combineRounds(rounds);
    return { arms, missed };
  } finally {
    unsubscribe();
    await Promise.all([...pools.values()].map((p) => p.destroy()));
  }
}
