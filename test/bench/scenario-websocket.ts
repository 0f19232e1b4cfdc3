/**
 * WebSocket messages through the proxy against a direct connection: many sockets open at once,
 * each receiving paced server messages; latency per message is arrival time minus the upstream's
 * send time (one clock across processes, clock.ts), and every message is accounted for.
 */
import { WebSocket } from 'ws';
import type { Target } from './client.ts';
import { nowMs, sleep } from './clock.ts';
import { interleaved } from './rounds.ts';
import { type ArmResult, combineRounds, type LatencySummary, summarize } from './stats.ts';

export interface WebSocketOptions {
  sockets: number;
  messagesPerSocket: number;
  intervalMs: number;
  rounds: number;
}

export interface WebSocketArm extends ArmResult {
  sent: number;
  received: number;
  outOfOrder: number;
  /** Sockets that failed to open or did not end with a normal close. */
  failed: number;
}

interface RoundResult {
  summary: LatencySummary;
  received: number;
  outOfOrder: number;
  failed: number;
}

function ws(url: string): string {
  return url.replace(/^http/, 'ws');
}

/** One socket: resolves with its latencies once the server closes it (or it fails). */
function oneSocket(
  url: string,
  opts: WebSocketOptions,
): Promise<{ latencies: number[]; outOfOrder: number; ok: boolean }> {
  return new Promise((resolve) => {
    const latencies: number[] = [];
    let expected = 0;
    let outOfOrder = 0;
    const socket = new WebSocket(`${ws(url)}/ticks?n=${opts.messagesPerSocket}&every=${opts.intervalMs}`, {
      perMessageDeflate: false,
    });
    socket.on('message', (data) => {
      const at = nowMs();
      const { seq, ts } = JSON.parse(String(data)) as { seq: number; ts: number };
      latencies.push(at - ts);
      if (seq !== expected) outOfOrder++;
      expected = seq + 1;
    });
    socket.once('close', (code) => resolve({ latencies, outOfOrder, ok: code === 1000 }));
    socket.once('error', () => resolve({ latencies, outOfOrder, ok: false }));
  });
}

async function round(url: string, opts: WebSocketOptions): Promise<RoundResult> {
  const runs = Array.from({ length: opts.sockets }, async (_, i) => {
    // Spread over one interval, so the sockets' messages do not all fall on the same tick.
    await sleep((i * opts.intervalMs) / opts.sockets);
    return oneSocket(url, opts);
  });
  const results = await Promise.all(runs);
  return {
    summary: summarize(results.flatMap((r) => r.latencies)),
    received: results.reduce((n, r) => n + r.latencies.length, 0),
    outOfOrder: results.reduce((n, r) => n + r.outOfOrder, 0),
    failed: results.filter((r) => !r.ok).length,
  };
}

/** Latency per WebSocket message per arm, over interleaved rounds. */
export async function websocketMessageLatency(
  targets: readonly Target[],
  opts: WebSocketOptions,
): Promise<Record<string, WebSocketArm>> {
  for (const target of targets) await round(target.url, { ...opts, sockets: Math.min(opts.sockets, 20) });
  const results = await interleaved(targets, opts.rounds, (target) => round(target.url, opts));
  const arms: Record<string, WebSocketArm> = {};
  for (const [name, rounds] of results) {
    arms[name] = {
      ...combineRounds(rounds.map((r) => r.summary)),
      sent: rounds.length * opts.sockets * opts.messagesPerSocket,
      received: rounds.reduce((n, r) => n + r.received, 0),
      outOfOrder: rounds.reduce((n, r) => n + r.outOfOrder, 0),
      failed: rounds.reduce((n, r) => n + r.failed, 0),
    };
  }
  return arms;
}
