/**
 * Replay pacing at speed 1: how far from its recorded offset each replayed chunk reaches a client.
 * A synthetic recorded stream (irregular gaps of 2–40 ms) is replayed through the real proxy in
 * replay mode, with the capture pipeline on, to one client and then to many at once; the error of
 * chunk i is (arrival_i − request sent) − recorded t_i. Goal: p99 ≤ 5 ms. Run: node test/bench/replay-pacing.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { InspectorService } from '../../electron/inspector-service.ts';
import type { RunningProxy } from '../../electron/proxy/proxy-server.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { summarize } from './stats.ts';

const CHUNKS = 150;

/** A recorded chat stream: one SSE event per chunk, at deterministic irregular offsets. */
function syntheticRecord(id: string, prompt: string): ExchangeRecord {
  let t = 40;
  let seed = 7;
  const chunks = [];
  for (let i = 0; i < CHUNKS; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    t += 2 + (seed % 39);
    const data = `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"tok${i} "}}]}\n\n`;
    chunks.push({ t, data });
  }
  chunks.push({ t: t + 5, data: 'data: [DONE]\n\n' });
  const body = JSON.stringify({
    model: 'gpt-4o',
    stream: true,
    messages: [{ role: 'user', content: prompt }],
  });
  return {
    id,
    seq: 1,
    startedAt: new Date().toISOString(),
    method: 'POST',
    path: '/v1/chat/completions',
    api: 'openai.chat',
    model: 'gpt-4o',
    tenant: null,
    stream: true,
    status: 200,
    state: 'complete',
    usage: null,
    costUsd: null,
    timings: { headersMs: 30, firstTokenMs: chunks[0]?.t ?? 0, totalMs: t + 6, outputTokensPerSecond: null },
    error: null,
    organization: null,
    project: null,
    request: {
      headers: { 'content-type': 'application/json' },
      body,
      bodyTruncated: false,
      bodyBytes: body.length,
    },
    response: {
      headers: { 'content-type': 'text/event-stream' },
      body: chunks.map((c) => c.data).join(''),
      bodyTruncated: false,
      bodyBytes: 0,
    },
    chunks,
    gaps: null,
    merged: null,
    integrity: [],
    streamError: null,
  };
}

/**
 * One client: the pacing error of every chunk after the first, measured from the first (so the
 * request's own transit is not counted), and the first chunk's lateness from the request.
 */
async function measure(url: string, record: ExchangeRecord): Promise<{ errors: number[]; startMs: number }> {
  const sent = performance.now();
  const response = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: record.request.body,
  });
  const arrivals: number[] = [];
  let index = 0;
  let pending = '';
  for await (const part of response.body) {
    const now = performance.now() - sent;
    pending += (part as Buffer).toString('utf8');
    // Each recorded chunk is one SSE event; several may arrive together after a stall.
    let end = pending.indexOf('\n\n');
    while (end !== -1) {
      if (record.chunks[index++]) arrivals.push(now);
      pending = pending.slice(end + 2);
      end = pending.indexOf('\n\n');
    }
  }
  const first = record.chunks[0]?.t ?? 0;
  const at0 = arrivals[0] ?? 0;
  const errors = arrivals.slice(1).map((at, i) => at - at0 - ((record.chunks[i + 1]?.t ?? 0) - first));
  return { errors, startMs: at0 - first };
}

async function main(): Promise<void> {
  const concurrencies = [1, 20];
  const records = concurrencies.flatMap((n) =>
    Array.from({ length: n }, (_, i) => syntheticRecord(`r${n}-${i}`, `prompt ${n}-${i}`)),
  );
  // Tokentap as the product composes it, in replay mode (a temporary data directory).
  const dataDir = await mkdtemp(join(tmpdir(), 'tokentap-replay-bench-'));
  const service = await InspectorService.start({
    dataDir,
    env: { LISTEN_ADDR: '127.0.0.1:0', UPSTREAM: 'http://127.0.0.1:9' },
    headersTimeoutMs: 10_000,
    log: () => {},
    requireProxy: true,
  });
  await service.startReplay(records, {
    source: 'bench',
    speed: 1,
    fallthrough: false,
    faults: [],
  });
  const proxy = service.proxy as RunningProxy;
  console.log(
    `Replay pacing at speed 1 (${CHUNKS} chunks per stream, gaps 2–40 ms; error = arrival − recorded offset, both from the first chunk)`,
  );
  try {
    // Warm up (JIT, the connection pool) so the numbers are about pacing.
    await measure(proxy.url, records[0] as ExchangeRecord);
    for (const n of concurrencies) {
      const mine = records.filter((r) => r.id.startsWith(`r${n}-`));
      const results = await Promise.all(mine.map((record) => measure(proxy.url, record)));
      const errors = results.flatMap((r) => r.errors);
      const s = summarize(errors);
      const min = Math.min(...errors);
      const start = summarize(results.map((r) => r.startMs));
      console.log(
        `  ${String(n).padStart(2)} stream${n === 1 ? ' ' : 's'}: ${s.count} chunks  p50 ${s.p50.toFixed(2)} ms  p90 ${s.p90.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  max ${s.max.toFixed(2)} ms  min ${min.toFixed(2)} ms  (goal p99 ≤ 5 ms: ${s.p99 <= 5 ? 'met' : 'MISSED'}); first chunk late by p50 ${start.p50.toFixed(2)} ms`,
      );
    }
  } finally {
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
