/**
 * CPU accounting per round: how much CPU the proxy, the upstream and this load generator used
 * while an arm ran. On a 2-core machine the three processes compete for the cores, so "the
 * proxy is slow" and "the machine is full" have to be told apart; this is how.
 */
import type { Target } from './client.ts';
import { nowMs } from './clock.ts';
import type { ProcessStats } from './ipc.ts';
import { median } from './stats.ts';

export interface CpuRound {
  wallMs: number;
  proxyCpuMs: number;
  /** The proxy's main thread alone (forwarding; Tokentap's analysis runs in a worker thread). */
  forwardingCpuMs: number;
  upstreamCpuMs: number;
  clientCpuMs: number;
  /** Capture body parts dropped during the round (Tokentap only). */
  droppedParts: number;
}

export interface CpuSummary {
  rounds: CpuRound[];
  /** Medians across rounds, as % of one core. */
  proxyPct: number;
  upstreamPct: number;
  clientPct: number;
  totalProxyCpuMs: number;
  totalForwardingCpuMs: number;
  droppedParts: number;
}

function clientCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Anything whose CPU can be read: a forked bench child, or a proxy read through /proc. */
export interface StatsSource {
  stats(): Promise<ProcessStats>;
}

export class CpuMeter {
  readonly #upstream: StatsSource;
  readonly #rounds = new Map<string, CpuRound[]>();

  constructor(upstream: StatsSource) {
    this.#upstream = upstream;
  }

  /** The same target, with CPU read just after its own `before` and just before its own `after`. */
  wrap(target: Target, proxy: StatsSource | null): Target {
    let start = { wall: 0, proxy: 0, forwarding: 0, upstream: 0, client: 0, dropped: 0 };
    return {
      ...target,
      before: async () => {
        await target.before?.();
        const proxyStats = proxy ? await proxy.stats() : null;
        start = {
          wall: nowMs(),
          proxy: proxyStats?.cpuMs ?? 0,
          forwarding: proxyStats?.mainThreadCpuMs ?? 0,
          dropped: proxyStats?.droppedParts ?? 0,
          upstream: (await this.#upstream.stats()).cpuMs,
          client: clientCpuMs(),
        };
      },
      after: async () => {
        const wall = nowMs();
        const client = clientCpuMs();
        const upstream = (await this.#upstream.stats()).cpuMs;
        const proxyStats = proxy ? await proxy.stats() : null;
        const rounds = this.#rounds.get(target.name) ?? [];
        rounds.push({
          wallMs: wall - start.wall,
          proxyCpuMs: (proxyStats?.cpuMs ?? 0) - start.proxy,
          forwardingCpuMs: (proxyStats?.mainThreadCpuMs ?? 0) - start.forwarding,
          upstreamCpuMs: upstream - start.upstream,
          clientCpuMs: client - start.client,
          droppedParts: (proxyStats?.droppedParts ?? 0) - start.dropped,
        });
        this.#rounds.set(target.name, rounds);
        await target.after?.();
      },
    };
  }

  summary(name: string): CpuSummary {
    const rounds = this.#rounds.get(name) ?? [];
    const pct = (pick: (r: CpuRound) => number): number =>
      median(rounds.map((r) => (pick(r) / r.wallMs) * 100));
    return {
      rounds,
      proxyPct: pct((r) => r.proxyCpuMs),
      upstreamPct: pct((r) => r.upstreamCpuMs),
      clientPct: pct((r) => r.clientCpuMs),
      totalProxyCpuMs: rounds.reduce((n, r) => n + r.proxyCpuMs, 0),
      totalForwardingCpuMs: rounds.reduce((n, r) => n + r.forwardingCpuMs, 0),
      droppedParts: rounds.reduce((n, r) => n + r.droppedParts, 0),
    };
  }
}
