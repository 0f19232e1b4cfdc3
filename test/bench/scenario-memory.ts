/**
 * Memory per open stream (goal 5): the proxy process's RSS with N idle-ish streams open through
 * it (one small event per second each), minus its RSS before, divided by N.
 */
import { CHAT_BODY, exchange, openPool, runLoops, STREAM_BODY } from './client.ts';
import { nowMs, sleep } from './clock.ts';
import type { ProcessStats } from './ipc.ts';

export interface MemoryResult {
  streams: number;
  opened: number;
  before: ProcessStats;
  during: ProcessStats;
  after: ProcessStats;
  rssPerStreamBytes: number;
  heapPerStreamBytes: number;
  openMs: number;
}

/** A proxy to measure; `gc` (where the process exposes it) makes RSS readings steadier. */
export interface MeasuredProxy {
  url: string;
  stats(): Promise<ProcessStats>;
  gc?(): Promise<void>;
}

export async function memoryPerStream(proxy: MeasuredProxy, streams: number): Promise<MemoryResult> {
  const pool = openPool(proxy.url, streams);
  try {
    // Warm the proxy (JIT, first upstream connection), then settle and measure.
    await runLoops(4, { count: 400, durationMs: 10_000 }, async () => {
      await exchange(pool, 's=fast', CHAT_BODY);
    });
    await runLoops(10, { count: 20, durationMs: 10_000 }, async () => {
      await exchange(pool, 's=stream', STREAM_BODY);
    });
    await sleep(500);
    await proxy.gc?.();
    await sleep(200);
    const before = await proxy.stats();

    // Open the streams in batches so the listen backlog never overflows into SYN retries.
    const aborts: Array<() => void> = [];
    let opened = 0;
    let firstChunks = 0;
    const t0 = nowMs();
    const runs: Array<Promise<unknown>> = [];
    for (let i = 0; i < streams; i++) {
      let gotFirst = false;
      runs.push(
        exchange(pool, 's=ticks&n=90&every=1000', STREAM_BODY, {
          onData: (_chunk, _at, abort) => {
            if (!gotFirst) {
              gotFirst = true;
              firstChunks++;
              aborts.push(abort);
            }
          },
        })
          .then(() => undefined)
          .catch(() => undefined),
      );
      opened++;
      if (i % 100 === 99) {
        const deadline = nowMs() + 5_000;
        while (firstChunks < opened && nowMs() < deadline) await sleep(10);
      }
    }
    const deadline = nowMs() + 30_000;
    while (firstChunks < streams && nowMs() < deadline) await sleep(20);
    const openMs = nowMs() - t0;
    // Let every stream carry a couple of events, so buffers in steady state are counted.
    await sleep(2_500);
    await proxy.gc?.();
    await sleep(200);
    const during = await proxy.stats();

    for (const abort of aborts) abort();
    await Promise.race([Promise.all(runs), sleep(10_000)]);
    await sleep(1_000);
    await proxy.gc?.();
    const after = await proxy.stats();
    return {
      streams,
      opened: firstChunks,
      before,
      during,
      after,
      rssPerStreamBytes: (during.rss - before.rss) / Math.max(firstChunks, 1),
      heapPerStreamBytes: (during.heapUsed - before.heapUsed) / Math.max(firstChunks, 1),
      openMs,
    };
  } finally {
    await pool.destroy();
  }
}
