/**
 * Streaming: time to first chunk (goal 2) and per-chunk latency with many concurrent paced
 * streams, with every frame accounted for (goals 3 and 6).
 */
import { exchange, openPool, STREAM_BODY, type Target } from './client.ts';
import { sleep } from './clock.ts';
import { interleaved } from './rounds.ts';
import { sampledLatency } from './sampled-latency.ts';
import { SseFrameReader } from './sse-reader.ts';
import { type ArmResult, combineRounds, type LatencySummary, summarize } from './stats.ts';

export async function timeToFirstChunk(
  targets: readonly Target[],
  opts: { rounds: number; perRound: number; warmup: number },
): Promise<{ arms: Record<string, ArmResult>; errors: number }> {
  return sampledLatency(targets, { ...opts, concurrency: 1 }, async (pool) => {
    const r = await exchange(pool, 's=stream', STREAM_BODY);
    return r.status !== 200 || Number.isNaN(r.firstDataAt) ? null : r.firstDataAt - r.start;
  });
}

export interface FrameAccount {
  streams: number;
  completedStreams: number;
  framesSent: number;
  framesReceived: number;
  lost: number;
  malformed: number;
  outOfOrder: number;
  multiEventReads: number;
  reads: number;
  errors: number;
}

export interface ChunkArm extends ArmResult {
  frames: FrameAccount;
}

export interface ChunkOptions {
  streams: number;
  chunksPerStream: number;
  intervalMs: number;
  rounds: number;
}

/** One round: `streams` concurrent streams, started spread over one interval, read frame by frame. */
async function chunkRound(
  url: string,
  opts: ChunkOptions,
): Promise<{ summary: LatencySummary; frames: FrameAccount }> {
  const pool = openPool(url, opts.streams);
  const readers: SseFrameReader[] = [];
  let errors = 0;
  let completed = 0;
  const query = `s=ticks&n=${opts.chunksPerStream}&every=${opts.intervalMs}`;
  try {
    const runs = Array.from({ length: opts.streams }, async (_, i) => {
      await sleep((i * opts.intervalMs) / opts.streams);
      const reader = new SseFrameReader();
      readers.push(reader);
      try {
        const r = await exchange(pool, query, STREAM_BODY, { onData: (chunk, at) => reader.push(chunk, at) });
        if (r.status !== 200) errors++;
        else if (reader.done) completed++;
      } catch {
        errors++;
      }
    });
    const budget = opts.chunksPerStream * opts.intervalMs * 3 + 10_000;
    await Promise.race([Promise.all(runs), sleep(budget)]);
  } finally {
    await pool.destroy();
  }
  const latencies = readers.flatMap((r) => r.latencies);
  const sum = (pick: (r: SseFrameReader) => number): number => readers.reduce((n, r) => n + pick(r), 0);
  const framesSent = opts.streams * opts.chunksPerStream;
  const framesReceived = sum((r) => r.events);
  return {
    summary: summarize(latencies),
    frames: {
      streams: opts.streams,
      completedStreams: completed,
      framesSent,
      framesReceived,
      lost: framesSent - framesReceived,
      malformed: sum((r) => r.malformed),
      outOfOrder: sum((r) => r.outOfOrder),
      multiEventReads: sum((r) => r.multiEventReads),
      reads: sum((r) => r.reads),
      errors,
    },
  };
}

export async function perChunkLatency(
  targets: readonly Target[],
  opts: ChunkOptions,
): Promise<Record<string, ChunkArm>> {
  // A short warm-up per arm, so connection setup and JIT are not in round one.
  for (const target of targets) {
    await chunkRound(target.url, { ...opts, streams: Math.min(opts.streams, 50), chunksPerStream: 10 });
  }
  const results = await interleaved(targets, opts.rounds, (target) => chunkRound(target.url, opts));
  const arms: Record<string, ChunkArm> = {};
  for (const [name, rounds] of results) {
    const frames = rounds.map((r) => r.frames);
    const total = (pick: (f: FrameAccount) => number): number => frames.reduce((n, f) => n + pick(f), 0);
    arms[name] = {
      ...combineRounds(rounds.map((r) => r.summary)),
      frames: {
        streams: total((f) => f.streams),
        completedStreams: total((f) => f.completedStreams),
        framesSent: total((f) => f.framesSent),
        framesReceived: total((f) => f.framesReceived),
        lost: total((f) => f.lost),
        malformed: total((f) => f.malformed),
        outOfOrder: total((f) => f.outOfOrder),
        multiEventReads: total((f) => f.multiEventReads),
        reads: total((f) => f.reads),
        errors: total((f) => f.errors),
      },
    };
  }
  return arms;
}
