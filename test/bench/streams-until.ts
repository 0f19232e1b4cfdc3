/**
 * Streams back to back through a proxy until told to stop, on a fixed number of connections:
 * what forwarding looks like while something else happens in the same process (an import, an
 * OpenTelemetry endpoint that stalls). Request latency and the longest gap between chunks.
 */
import { type Agent, request } from 'undici';
import { percentile } from './stats.ts';

export interface StreamPhase {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  /** The longest wait between two chunks of any stream: a stall shows here first. */
  maxGapMs: number;
}

export interface StreamLoad {
  proxyUrl: string;
  agent: Agent;
  streams: number;
  /** The chat request each stream sends. */
  body: string;
  headers?: Record<string, string>;
}

/** Runs `load.streams` loops of streamed chat requests until `until` settles. */
export async function streamsUntil(load: StreamLoad, until: Promise<unknown>): Promise<StreamPhase> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  let maxGapMs = 0;
  await Promise.all(
    Array.from({ length: load.streams }, async () => {
      while (!done) {
        const started = performance.now();
        const res = await request(`${load.proxyUrl}/v1/chat/completions`, {
          method: 'POST',
          dispatcher: load.agent,
          headers: { 'content-type': 'application/json', ...load.headers },
          body: load.body,
        });
        let last = performance.now();
        for await (const _chunk of res.body) {
          const now = performance.now();
          maxGapMs = Math.max(maxGapMs, now - last);
          last = now;
        }
        latencies.push(performance.now() - started);
      }
    }),
  );
  return {
    requests: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    maxGapMs,
  };
}
