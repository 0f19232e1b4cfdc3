/**
 * `npm run bench`: the proxy against a direct connection, in one run, against a local fake
 * upstream. Three processes: the upstream, the proxy (Tokentap's capture service, plus a bare
 * node:http pipe for context) and this one, the load generator (undici Pools). Direct and
 * proxied rounds are interleaved and medians across rounds reported. Prints a table, writes
 * bench-results/proxy.json, and never fails on a missed goal (it is a measurement, not a test).
 *
 * BENCH_QUICK=1 shrinks every scenario (a smoke run); BENCH_CPU_PROF=1 writes a CPU profile of
 * the Tokentap proxy process to bench-results/profiles/.
 */
import { execSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import type { Target } from './client.ts';
import { nowMs, sleep } from './clock.ts';
import { CpuMeter, type CpuSummary } from './cpu.ts';
import { BenchChild } from './ipc.ts';
import { busyPercent, processCpuMs, readCpuTicks } from './machine-load.ts';
import { formatTable, ms, type Row, signedMs, verdict } from './report.ts';
import { abortPropagation } from './scenario-abort.ts';
import { memoryPerStream } from './scenario-memory.ts';
import { requestLatency, requestThroughput } from './scenario-requests.ts';
import { perChunkLatency, timeToFirstChunk } from './scenario-streams.ts';

const quick = process.env.BENCH_QUICK === '1';
const cpuProf = process.env.BENCH_CPU_PROF === '1';
const scale = (full: number, small: number): number => (quick ? small : full);

/** Capture queue size for the proxy under test: small enough that a stalled round really drops. */
const QUEUE_BYTES = 2 * 1024 * 1024;
const OPEN_STREAMS = scale(1000, 200);

const resultsDir = new URL('../../bench-results/', import.meta.url);
const upstreamEntry = new URL('./upstream-process.ts', import.meta.url);
const proxyEntry = new URL('./proxy-process.ts', import.meta.url);

function log(message: string): void {
  process.stderr.write(`[bench ${((nowMs() - started) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);
}

function fileLimit(): string {
  try {
    return execSync('ulimit -n', { shell: '/bin/sh', encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const started = nowMs();
const ticksAtStart = readCpuTicks();
const cpus = os.cpus();
const machine = {
  node: process.version,
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  cpuCount: cpus.length,
  cpuModel: cpus[0]?.model ?? 'unknown',
  memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
  fileLimit: fileLimit(),
  loadAverageAtStart: os.loadavg().map((n) => Number(n.toFixed(2))),
  startedAt: new Date().toISOString(),
  quick,
};
console.log(
  `machine: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}, node ${machine.node}, ulimit -n ${machine.fileLimit}`,
);
if (Number(machine.fileLimit) < 2 * OPEN_STREAMS + 1000) {
  console.log(
    `warning: ulimit -n ${machine.fileLimit} is low for ${OPEN_STREAMS} open streams (each needs ~4 sockets across the processes)`,
  );
}

await mkdir(resultsDir, { recursive: true });
const profileArgs = cpuProf
  ? ['--cpu-prof', `--cpu-prof-dir=${new URL('profiles/', resultsDir).pathname}`]
  : [];

const children: BenchChild[] = [];
/** CPU ms used by children already stopped, read just before they went. */
let stoppedChildrenCpuMs = 0;
const stopChild = async (child: BenchChild): Promise<void> => {
  const cpu = processCpuMs(child.process.pid);
  if (child.process.exitCode === null && Number.isFinite(cpu)) stoppedChildrenCpuMs += cpu;
  await child.stop().catch(() => {});
};
const stopAll = async (): Promise<void> => {
  await Promise.all(children.map(stopChild));
};
process.once('SIGINT', () => {
  void stopAll().then(() => process.exit(130));
});

try {
  const upstream = await BenchChild.start(upstreamEntry, []);
  children.push(upstream);
  const tokentap = await BenchChild.start(
    proxyEntry,
    ['tokentap', upstream.url, String(QUEUE_BYTES)],
    ['--expose-gc', ...profileArgs],
  );
  children.push(tokentap);
  const bare = await BenchChild.start(proxyEntry, ['bare', upstream.url], ['--expose-gc']);
  children.push(bare);
  log(
    `upstream ${upstream.url} (pid ${upstream.process.pid}), tokentap ${tokentap.url} (pid ${tokentap.process.pid}), bare pipe ${bare.url} (pid ${bare.process.pid})`,
  );

  const direct: Target = { name: 'direct', url: upstream.url };
  const proxied: Target = { name: 'proxied', url: tokentap.url };
  const barePipe: Target = { name: 'bare', url: bare.url };
  const stalled: Target = {
    name: 'stalled',
    url: tokentap.url,
    before: async () => {
      await tokentap.command('pause');
    },
    after: async () => {
      await tokentap.command('resume');
      // Let the backlog drain before the next round, so it does not slow that one down.
      const deadline = nowMs() + 15_000;
      while ((await tokentap.stats()).queueLength !== 0 && nowMs() < deadline) await sleep(50);
    },
  };

  log('1/7 request latency, concurrency 1');
  const lat1Opts = {
    concurrency: 1,
    rounds: scale(4, 2),
    perRound: scale(1500, 200),
    warmup: scale(500, 100),
  };
  const lat1Cpu = new CpuMeter(upstream);
  const lat1 = await requestLatency(
    [lat1Cpu.wrap(direct, null), lat1Cpu.wrap(proxied, tokentap), lat1Cpu.wrap(barePipe, bare)],
    lat1Opts,
  );
  log('1/7 request latency, concurrency 64');
  const lat64 = await requestLatency([direct, proxied, barePipe], {
    concurrency: 64,
    rounds: scale(4, 2),
    perRound: scale(6000, 1000),
    warmup: scale(2000, 300),
  });
  log('2/7 time to first chunk');
  const ttfb = await timeToFirstChunk([direct, proxied, barePipe], {
    rounds: scale(4, 2),
    perRound: scale(400, 100),
    warmup: scale(100, 30),
  });
  const chunkOpts = {
    streams: scale(200, 50),
    chunksPerStream: scale(60, 20),
    intervalMs: 20,
    rounds: scale(5, 1),
  };
  log(
    `3/7 + 6/7 per-chunk latency, ${chunkOpts.streams} streams × ${chunkOpts.chunksPerStream} chunks at ${1000 / chunkOpts.intervalMs}/s (direct, proxied, bare pipe, proxied with analysis stalled)`,
  );
  const chunkCpu = new CpuMeter(upstream);
  const chunks = await perChunkLatency(
    [
      chunkCpu.wrap(direct, null),
      chunkCpu.wrap(proxied, tokentap),
      chunkCpu.wrap(barePipe, bare),
      chunkCpu.wrap(stalled, tokentap),
    ],
    chunkOpts,
  );
  const afterChunks = await tokentap.stats();
  log('4/7 requests per second, concurrency 32');
  const rpsCpu = new CpuMeter(upstream);
  const rps = await requestThroughput(
    [rpsCpu.wrap(direct, null), rpsCpu.wrap(proxied, tokentap), rpsCpu.wrap(barePipe, bare)],
    { concurrency: 32, rounds: scale(3, 1), durationMs: scale(3000, 1000) },
  );
  log('7/7 client disconnect → upstream abort');
  const abort = await abortPropagation(upstream, [direct, proxied], {
    rounds: scale(4, 2),
    perRound: scale(50, 10),
    afterEvents: 3,
  });
  const tokentapStats = await tokentap.stats();

  log(`5/7 RSS per open stream, ${OPEN_STREAMS} streams (fresh proxy processes)`);
  await stopChild(tokentap);
  await stopChild(bare);
  const freshTokentap = await BenchChild.start(proxyEntry, ['tokentap', upstream.url], ['--expose-gc']);
  children.push(freshTokentap);
  const memory = await memoryPerStream(freshTokentap, OPEN_STREAMS);
  await stopChild(freshTokentap);
  const freshBare = await BenchChild.start(proxyEntry, ['bare', upstream.url], ['--expose-gc']);
  children.push(freshBare);
  const bareMemory = await memoryPerStream(freshBare, OPEN_STREAMS);
  await stopChild(freshBare);

  // ---- the table ----
  const rows: Row[] = [];
  const arm = <T>(arms: Record<string, T>, name: string): T => {
    const value = arms[name];
    if (value === undefined) throw new Error(`missing arm ${name}`);
    return value;
  };
  const latencyRows = (
    label: string,
    arms: typeof lat1.arms,
    goals: { p50?: number; p99?: number },
  ): void => {
    const d = arm(arms, 'direct');
    const p = arm(arms, 'proxied');
    const b = arm(arms, 'bare');
    for (const q of ['p50', 'p99'] as const) {
      const added = p[q] - d[q];
      const goal = goals[q];
      rows.push({
        scenario: `${label} ${q}`,
        direct: ms(d[q]),
        proxied: ms(p[q]),
        added: signedMs(added),
        goal: goal === undefined ? '' : `≤ ${goal} ms`,
        result: goal === undefined ? '' : verdict(added <= goal),
      });
      rows.push({
        scenario: `  bare node:http pipe, ${q}`,
        direct: ms(d[q]),
        proxied: ms(b[q]),
        added: signedMs(b[q] - d[q]),
        goal: '(context)',
        result: '',
      });
    }
  };
  latencyRows('1 request latency c=1', lat1.arms, { p50: 0.3, p99: 1 });
  const us = (value: number): string => `${value.toFixed(0)} µs`;
  /** Two context rows: the proxy's CPU per unit of work, whole process and forwarding thread alone. */
  const cpuRows = (unit: string, meter: CpuMeter, units: number): void => {
    const bare = meter.summary('bare');
    const tokentap = meter.summary('proxied');
    for (const [what, total] of [
      ['proxy CPU', (s: CpuSummary) => s.totalProxyCpuMs],
      ['  of which forwarding thread', (s: CpuSummary) => s.totalForwardingCpuMs],
    ] as const) {
      const b = (total(bare) * 1000) / units;
      const t = (total(tokentap) * 1000) / units;
      rows.push({
        scenario: `  ${what} per ${unit}: bare → tokentap`,
        direct: us(b),
        proxied: us(t),
        added: `${t >= b ? '+' : '−'}${us(Math.abs(t - b))}`,
        goal: '(context)',
        result: '',
      });
    }
  };
  cpuRows('request c=1', lat1Cpu, lat1Opts.rounds * lat1Opts.perRound);
  latencyRows('1 request latency c=64', lat64.arms, {});

  latencyRows('2 time to first chunk', ttfb.arms, { p99: 1.5 });

  const cd = arm(chunks, 'direct');
  const cp = arm(chunks, 'proxied');
  const cs = arm(chunks, 'stalled');
  const cb = arm(chunks, 'bare');
  const label3 = `3 per-chunk latency, ${chunkOpts.streams} streams`;
  rows.push({
    scenario: `${label3} p50`,
    direct: ms(cd.p50),
    proxied: ms(cp.p50),
    added: signedMs(cp.p50 - cd.p50),
    goal: '',
    result: '',
  });
  rows.push({
    scenario: `${label3} p99`,
    direct: ms(cd.p99),
    proxied: ms(cp.p99),
    added: signedMs(cp.p99 - cd.p99),
    goal: '≤ 2 ms',
    result: verdict(cp.p99 - cd.p99 <= 2),
  });
  rows.push({
    scenario: '  bare node:http pipe, p99',
    direct: ms(cd.p99),
    proxied: ms(cb.p99),
    added: signedMs(cb.p99 - cd.p99),
    goal: '(context)',
    result: '',
  });
  cpuRows('chunk', chunkCpu, chunkOpts.rounds * chunkOpts.streams * chunkOpts.chunksPerStream);
  const frameText = (f: typeof cp.frames): string =>
    `${f.framesReceived}/${f.framesSent}${f.lost + f.malformed + f.outOfOrder + f.errors > 0 ? ` (lost ${f.lost}, merged ${f.malformed}, reordered ${f.outOfOrder}, errors ${f.errors})` : ''}`;
  const framesOk = (f: typeof cp.frames): boolean =>
    f.lost === 0 &&
    f.malformed === 0 &&
    f.outOfOrder === 0 &&
    f.errors === 0 &&
    f.completedStreams === f.streams;
  rows.push({
    scenario: '3 frames received/sent',
    direct: frameText(cd.frames),
    proxied: frameText(cp.frames),
    added: '',
    goal: 'none lost or merged',
    result: verdict(framesOk(cp.frames) && framesOk(cs.frames)),
  });

  const rd = arm(rps.arms, 'direct').rps;
  const rp = arm(rps.arms, 'proxied').rps;
  const rb = arm(rps.arms, 'bare').rps;
  rows.push({
    scenario: '4 requests/s c=32, proxied/direct',
    direct: `${rd.toFixed(0)}/s`,
    proxied: `${rp.toFixed(0)}/s`,
    added: `${((rp / rd) * 100).toFixed(0)}%`,
    goal: '≥ 50%',
    result: verdict(rp / rd >= 0.5),
  });
  rows.push({
    scenario: '  bare node:http pipe, bare/direct',
    direct: `${rd.toFixed(0)}/s`,
    proxied: `${rb.toFixed(0)}/s`,
    added: `${((rb / rd) * 100).toFixed(0)}%`,
    goal: '(context)',
    result: '',
  });

  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  rows.push({
    scenario: `5 RSS per open stream (${memory.opened} streams)`,
    direct: mb(memory.before.rss),
    proxied: mb(memory.during.rss),
    added: kb(memory.rssPerStreamBytes),
    goal: '≤ 64 KB',
    result: verdict(memory.opened === OPEN_STREAMS && memory.rssPerStreamBytes <= 64 * 1024),
  });
  rows.push({
    scenario: `  bare node:http pipe (${bareMemory.opened} streams)`,
    direct: mb(bareMemory.before.rss),
    proxied: mb(bareMemory.during.rss),
    added: kb(bareMemory.rssPerStreamBytes),
    goal: '(context)',
    result: '',
  });

  const change = (cs.p99 - cp.p99) / cp.p99;
  const stalledCpu = chunkCpu.summary('stalled');
  rows.push({
    scenario: '6 per-chunk p99, analysis stalled',
    direct: `${ms(cp.p99)} (running)`,
    proxied: `${ms(cs.p99)} (stalled)`,
    added: `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`,
    goal: '≤ +10%',
    result: verdict(change <= 0.1),
  });
  rows.push({
    scenario: '  capture parts dropped while stalled',
    direct: String(chunkCpu.summary('proxied').droppedParts),
    proxied: String(stalledCpu.droppedParts),
    added: '',
    goal: '(context)',
    result: '',
  });

  for (const q of ['p50', 'p99'] as const) {
    const d = arm(abort.arms, 'direct')[q];
    const p = arm(abort.arms, 'proxied')[q];
    rows.push({
      scenario: `7 client abort → upstream sees close ${q}`,
      direct: ms(d),
      proxied: ms(p),
      added: signedMs(p - d),
      goal: '',
      result: '',
    });
  }
  const missedAborts = Object.values(abort.missed).reduce((a, b) => a + b, 0);
  if (missedAborts > 0) {
    rows.push({
      scenario: '7 aborts the upstream never saw (2 s)',
      direct: String(abort.missed.direct ?? 0),
      proxied: String(abort.missed.proxied ?? 0),
      added: '',
      goal: '0',
      result: verdict((abort.missed.proxied ?? 0) === 0),
    });
  }

  const ownCpu = process.cpuUsage();
  const ownCpuMs =
    (ownCpu.user + ownCpu.system) / 1000 + stoppedChildrenCpuMs + processCpuMs(upstream.process.pid);
  const wallMs = nowMs() - started;
  const cores = os.cpus().length;
  const load = {
    machineBusyPct: busyPercent(ticksAtStart, readCpuTicks()),
    benchProcessesPct: (ownCpuMs / (wallMs * cores)) * 100,
    loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))),
  };
  const table = formatTable(rows);
  console.log('');
  console.log(table);
  console.log('');
  const errors = {
    latencyC1: lat1.errors,
    latencyC64: lat64.errors,
    timeToFirstChunk: ttfb.errors,
    throughput: rps.errors,
  };
  const cpuLine = (label: string, meter: CpuMeter, names: string[]): string =>
    `${label}: ${names
      .map((name) => {
        const c = meter.summary(name);
        return `${name} client ${c.clientPct.toFixed(0)}% upstream ${c.upstreamPct.toFixed(0)}%${name === 'direct' ? '' : ` proxy ${c.proxyPct.toFixed(0)}%`}`;
      })
      .join('; ')}`;
  console.log(
    `machine load during the run: ${load.machineBusyPct.toFixed(0)}% of ${cores} cores busy, of which the benchmark's own processes ${load.benchProcessesPct.toFixed(0)}%` +
      ` (the rest is other work on the machine); load average ${machine.loadAverageAtStart.join(' ')} at start, ${load.loadAverageAtEnd.join(' ')} at end`,
  );
  console.log('CPU, % of one core (median over rounds):');
  console.log(`  ${cpuLine('c=1 requests', lat1Cpu, ['direct', 'proxied', 'bare'])}`);
  console.log(`  ${cpuLine('c=32 requests/s', rpsCpu, ['direct', 'proxied', 'bare'])}`);
  console.log(`  ${cpuLine('per-chunk streams', chunkCpu, ['direct', 'proxied', 'bare', 'stalled'])}`);
  console.log(
    `notes: medians of per-round percentiles over interleaved rounds; request errors ${JSON.stringify(errors)}; ` +
      `multi-event network reads (direct/proxied/stalled): ${cd.frames.multiEventReads}/${cp.frames.multiEventReads}/${cs.frames.multiEventReads} ` +
      `of ${cd.frames.reads}/${cp.frames.reads}/${cs.frames.reads}; ` +
      `proxy records ${tokentapStats.records}, heap per open stream ${kb(memory.heapPerStreamBytes)}, ${OPEN_STREAMS} streams opened in ${(memory.openMs / 1000).toFixed(1)} s; ` +
      `total ${((nowMs() - started) / 1000).toFixed(0)} s`,
  );

  const output = {
    machine,
    durationSeconds: (nowMs() - started) / 1000,
    load,
    table: rows,
    scenarios: {
      requestLatencyC1: lat1,
      requestLatencyC64: lat64,
      timeToFirstChunk: ttfb,
      perChunkLatency: {
        options: chunkOpts,
        arms: chunks,
        cpu: Object.fromEntries(
          ['direct', 'proxied', 'bare', 'stalled'].map((n) => [n, chunkCpu.summary(n)]),
        ),
        queueAfterStalledRounds: afterChunks,
      },
      requestLatencyC1Cpu: Object.fromEntries(
        ['direct', 'proxied', 'bare'].map((n) => [n, lat1Cpu.summary(n)]),
      ),
      throughput: rps,
      throughputCpu: Object.fromEntries(['direct', 'proxied', 'bare'].map((n) => [n, rpsCpu.summary(n)])),
      memoryPerStream: { tokentap: memory, bare: bareMemory },
      abortPropagation: abort,
      proxyStatsAtEnd: tokentapStats,
    },
  };
  const file = new URL('proxy.json', resultsDir);
  await writeFile(file, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
} finally {
  await stopAll();
}
