/**
 * Agent-sized traffic: every request re-sends a ~300 KB conversation and gets a ~20 KB stream
 * back. Requests per second per arm go through `requestThroughput` with `agentTurn`; this module
 * adds the long run that shows whether the proxy's RSS stays flat as the bytes go through.
 */
import type { Pool } from 'undici';
import { AGENT_BODY, exchange, openPool, runLoops } from './client.ts';
import type { ProcessStats } from './ipc.ts';

/** One agent turn: the 300 KB request, the whole stream read; true when it succeeded. */
export async function agentTurn(pool: Pool): Promise<boolean> {
  const r = await exchange(pool, 's=agent', AGENT_BODY);
  return r.status === 200 && r.bytes > 0;
}

export interface RssSample {
  exchanges: number;
  rss: number;
}

/** `total` agent turns through one proxy at `concurrency`, with its RSS read every `every` turns. */
export async function agentRssOverRun(
  url: string,
  proxy: { stats(): Promise<ProcessStats> },
  opts: { total: number; every: number; concurrency: number },
): Promise<{ samples: RssSample[]; errors: number }> {
  const pool = openPool(url, opts.concurrency);
  const samples: RssSample[] = [{ exchanges: 0, rss: (await proxy.stats()).rss }];
  let errors = 0;
  try {
    for (let done = 0; done < opts.total; done += opts.every) {
      const batch = Math.min(opts.every, opts.total - done);
      await runLoops(opts.concurrency, { count: batch, durationMs: 600_000 }, async () => {
        try {
          if (!(await agentTurn(pool))) errors++;
        } catch {
          errors++;
        }
      });
      samples.push({ exchanges: done + batch, rss: (await proxy.stats()).rss });
    }
    return { samples, errors };
  } finally {
    await pool.close();
  }
}
