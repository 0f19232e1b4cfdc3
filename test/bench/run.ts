/**
 * `npm run bench`: Tokentap against a direct connection and against its peers, in one run,
 * against a local fake upstream. Tokentap runs as the `npm run serve` process users run; beside
 * it a bare node:http pipe, the floor of capture (that pipe appending every exchange to a file,
 * bare-proxy.ts), HTTP Toolkit's engine (mockttp), and nginx and mitmproxy when they are
 * installed (the run says when one is not). This process is the load generator (undici Pools).
 * Rounds are interleaved across arms and medians across rounds reported. Prints two tables,
 * writes bench-results/proxy.json and bench-results/peers.md, and never fails on a missed goal
 * (it is a measurement, not a test).
 *
 * BENCH_QUICK=1 shrinks every scenario (a smoke run); BENCH_CPU_PROF=1 writes CPU profiles of
 * the Tokentap processes (the `npm run serve` one and the bench child), one per thread, to
 * bench-results/profiles/ (test/bench/profile-summary.ts summarises them).
 */
import { execSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import type { Target } from './client.ts';
import { nowMs, sleep } from './clock.ts';
import { CpuMeter, type CpuSummary } from './cpu.ts';
import { BenchChild } from './ipc.ts';
import { busyPercent, processCpuMs, readCpuTicks } from './machine-load.ts';
import {
  type MissingPeer,
  type ProxyUnderTest,
  startBare,
  startCaptureFloor,
  startMitmproxy,
  startMockttp,
  startNginx,
  startTokentapServe,
} from './proxies.ts';
import { formatGrid, formatTable, ms, type Row, signedMs, verdict } from './report.ts';
import { abortPropagation } from './scenario-abort.ts';
import { agentRssOverRun, agentTurn } from './scenario-agent.ts';
import { memoryPerStream } from './scenario-memory.ts';
import { requestLatency, requestThroughput } from './scenario-requests.ts';
import { perChunkLatency, timeToFirstChunk } from './scenario-streams.ts';
import { websocketMessageLatency } from './scenario-websocket.ts';

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

/** Polls a count until it has not changed for 2 s (at most 60 s); returns the last value. */
async function settledCount(read: () => Promise<number>): Promise<number> {
  let last = await read();
  let lastChange = nowMs();
  const deadline = nowMs() + 60_000;
  while (nowMs() - lastChange < 2_000 && nowMs() < deadline) {
    await sleep(100);
    const next = await read();
    if (next !== last) lastChange = nowMs();
    last = next;
  }
  return last;
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
/** The proxies under test still running (stopped in the finally, or before the memory scenario). */
const stoppers: ProxyUnderTest[] = [];
const stopProxy = async (proxy: ProxyUnderTest): Promise<void> => {
  const cpu = await proxy.stats().then(
    (s) => s.cpuMs,
    () => Number.NaN,
  );
  if (Number.isFinite(cpu)) stoppedChildrenCpuMs += cpu;
  await proxy.stop().catch(() => {});
};
const stopAll = async (): Promise<void> => {
  await Promise.all([...children.map(stopChild), ...stoppers.splice(0).map(stopProxy)]);
};
process.once('SIGINT', () => {
  void stopAll().then(() => process.exit(130));
});

try {
  const upstream = await BenchChild.start(upstreamEntry, []);
  children.push(upstream);
  const track = <T extends ProxyUnderTest>(proxy: T): T => {
    stoppers.push(proxy);
    return proxy;
  };
  const wsUpstream = await BenchChild.start(new URL('./ws-upstream-process.ts', import.meta.url), []);
  children.push(wsUpstream);
  log('starting Tokentap as `npm run serve` runs it (builds the renderer first if it is stale)');
  // WebSockets reach their upstream through a route, as agents' do (`/openai/v1/realtime` …).
  const tokentap = track(
    await startTokentapServe(upstream.url, { TOKENTAP_ROUTES: `wsbench=${wsUpstream.url}` }, profileArgs),
  );
  const bare = track(await startBare(upstream.url));
  // The floor of capture (the bare pipe appending each exchange to a file) stands with the peers:
  // the part of Tokentap's cost that writing down every exchange costs any Node proxy at all.
  const peers: ProxyUnderTest[] = [track(await startCaptureFloor(upstream.url))];
  const missing: MissingPeer[] = [];
  for (const start of [startMockttp, startNginx, startMitmproxy]) {
    const peer = await start(upstream.url);
    if ('reason' in peer) missing.push(peer);
    else peers.push(track(peer));
  }
  // Stalling the analysis side needs a hook inside the process, so scenario 6 alone runs the
  // capture service in a bench child (the same forwarding path and worker, without the UI server).
  const reduced = await BenchChild.start(
    proxyEntry,
    ['tokentap', upstream.url, String(QUEUE_BYTES)],
    ['--expose-gc', ...profileArgs],
  );
  children.push(reduced);
  log(
    `upstream ${upstream.url}, tokentap ${tokentap.url}, bare pipe ${bare.url}, ${peers.map((p) => `${p.name} ${p.url}`).join(', ')}` +
      (missing.length > 0
        ? `; not measured: ${missing.map((m) => `${m.name} (${m.reason})`).join(', ')}`
        : ''),
  );

  const direct: Target = { name: 'direct', url: upstream.url };
  const proxied: Target = { name: 'tokentap', url: tokentap.url };
  const barePipe: Target = { name: 'bare', url: bare.url };
  const peerTargets: Target[] = peers.map((p) => ({ name: p.name, url: p.url }));
  const paused: Target = {
    name: 'paused',
    url: tokentap.url,
    before: () => tokentap.setCapturePaused(true),
    after: () => tokentap.setCapturePaused(false),
  };
  const reducedRunning: Target = { name: 'reduced', url: reduced.url };
  const stalled: Target = {
    name: 'stalled',
    url: reduced.url,
    before: async () => {
      await reduced.command('pause');
    },
    after: async () => {
      await reduced.command('resume');
      // The backlog drains before the next round, so it does not slow that one down.
      await reduced.command('drain');
    },
  };
  const everyProxy = [direct, proxied, barePipe, ...peerTargets];

  log('1/9 request latency, concurrency 1');
  const lat1Opts = {
    concurrency: 1,
    rounds: scale(4, 2),
    perRound: scale(1500, 200),
    warmup: scale(500, 100),
  };
  const lat1Cpu = new CpuMeter(upstream);
  const lat1 = await requestLatency(
    [
      lat1Cpu.wrap(direct, null),
      lat1Cpu.wrap(proxied, tokentap),
      lat1Cpu.wrap(barePipe, bare),
      ...peerTargets,
      paused,
    ],
    lat1Opts,
  );
  log('1/9 request latency, concurrency 64');
  const lat64 = await requestLatency([direct, proxied, barePipe], {
    concurrency: 64,
    rounds: scale(4, 2),
    perRound: scale(6000, 1000),
    warmup: scale(2000, 300),
  });
  log('2/9 time to first chunk');
  const ttfb = await timeToFirstChunk(everyProxy, {
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
    `3/9 + 6/9 per-chunk latency, ${chunkOpts.streams} streams × ${chunkOpts.chunksPerStream} chunks at ${1000 / chunkOpts.intervalMs}/s (every proxy, and the capture service with analysis running and stalled)`,
  );
  const chunkCpu = new CpuMeter(upstream);
  const chunks = await perChunkLatency(
    [
      chunkCpu.wrap(direct, null),
      chunkCpu.wrap(proxied, tokentap),
      chunkCpu.wrap(barePipe, bare),
      ...peerTargets,
      chunkCpu.wrap(reducedRunning, reduced),
      chunkCpu.wrap(stalled, reduced),
    ],
    chunkOpts,
  );
  const afterChunks = await reduced.stats();

  // Earlier scenarios' exchanges are written first, so the count below is these two scenarios' alone.
  const writtenBefore = await settledCount(() => tokentap.recordsWritten());
  log('4/9 requests per second, concurrency 32 (capture on and paused)');
  const rpsCpu = new CpuMeter(upstream);
  const rps = await requestThroughput(
    [
      rpsCpu.wrap(direct, null),
      rpsCpu.wrap(proxied, tokentap),
      rpsCpu.wrap(barePipe, bare),
      ...peerTargets,
      rpsCpu.wrap(paused, tokentap),
    ],
    { concurrency: 32, rounds: scale(5, 1), durationMs: scale(3000, 1000) },
  );
  log('8/9 agent-sized turns (300 KB request, 20 KB stream), concurrency 16 (capture on and paused)');
  const agentCpu = new CpuMeter(upstream);
  const agent = await requestThroughput(
    [
      agentCpu.wrap(direct, null),
      agentCpu.wrap(proxied, tokentap),
      agentCpu.wrap(barePipe, bare),
      ...peerTargets,
      agentCpu.wrap(paused, tokentap),
    ],
    { concurrency: 16, rounds: scale(5, 1), durationMs: scale(3000, 1000) },
    agentTurn,
  );
  const arm = <T>(arms: Record<string, T>, name: string): T => {
    const value = arms[name];
    if (value === undefined) throw new Error(`missing arm ${name}`);
    return value;
  };
  const mustWrite = arm(rps.arms, 'tokentap').requests + arm(agent.arms, 'tokentap').requests;
  const written = await settledCount(() => tokentap.recordsWritten());
  const capture = { mustWrite, written: written - writtenBefore };

  const rssRun = scale(10_000, 500);
  log(`8/9 Tokentap RSS over ${rssRun} agent-sized turns`);
  const agentRss = await agentRssOverRun(tokentap.url, tokentap, {
    total: rssRun,
    every: rssRun / 10,
    concurrency: 16,
  });

  log('7/9 client disconnect → upstream abort');
  const abort = await abortPropagation(upstream, [direct, proxied], {
    rounds: scale(4, 2),
    perRound: scale(50, 10),
    afterEvents: 3,
  });
  const wsOpts = {
    sockets: scale(200, 50),
    messagesPerSocket: scale(60, 20),
    intervalMs: 20,
    rounds: scale(4, 1),
  };
  log(`9/9 WebSocket messages, ${wsOpts.sockets} sockets × ${wsOpts.messagesPerSocket} messages at 50/s`);
  const websocket = await websocketMessageLatency(
    [
      { name: 'direct', url: wsUpstream.url },
      { name: 'tokentap', url: `${tokentap.url}/wsbench` },
    ],
    wsOpts,
  );
  const reducedStats = await reduced.stats();
  await stopChild(reduced);
  for (const proxy of stoppers.splice(0)) await stopProxy(proxy);

  log(`5/9 RSS per open stream, ${OPEN_STREAMS} streams (fresh proxy processes)`);
  const freshTokentap = track(await startTokentapServe(upstream.url));
  const memory = await memoryPerStream(freshTokentap, OPEN_STREAMS);
  await stopProxy(stoppers.pop() as ProxyUnderTest);
  const freshBare = track(await startBare(upstream.url));
  const bareMemory = await memoryPerStream(freshBare, OPEN_STREAMS);
  await stopProxy(stoppers.pop() as ProxyUnderTest);

  // ---- the table ----
  const rows: Row[] = [];
  const latencyRows = (
    label: string,
    arms: typeof lat1.arms,
    goals: { p50?: number; p99?: number },
  ): void => {
    const d = arm(arms, 'direct');
    const p = arm(arms, 'tokentap');
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
  // The goals are ratios to the bare pipe, in the side-by-side table (peerTable).
  latencyRows('1 request latency c=1', lat1.arms, {});
  const us = (value: number): string => `${value.toFixed(0)} µs`;
  /** Two context rows: the proxy's CPU per unit of work, whole process and forwarding thread alone. */
  const cpuRows = (unit: string, meter: CpuMeter, units: number): void => {
    const bare = meter.summary('bare');
    const tokentap = meter.summary('tokentap');
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
  const cp = arm(chunks, 'tokentap');
  const cr = arm(chunks, 'reduced');
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
    goal: '',
    result: '',
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
  const rp = arm(rps.arms, 'tokentap').rps;
  const rb = arm(rps.arms, 'bare').rps;
  rows.push({
    scenario: '4 requests/s c=32, proxied/direct',
    direct: `${rd.toFixed(0)}/s`,
    proxied: `${rp.toFixed(0)}/s`,
    added: `${((rp / rd) * 100).toFixed(0)}%`,
    goal: '',
    result: '',
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

  const change = (cs.p99 - cr.p99) / cr.p99;
  const stalledCpu = chunkCpu.summary('stalled');
  rows.push({
    scenario: '6 per-chunk p99, analysis stalled (capture service)',
    direct: `${ms(cr.p99)} (running)`,
    proxied: `${ms(cs.p99)} (stalled)`,
    added: `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`,
    goal: '≤ +10%',
    result: verdict(change <= 0.1),
  });
  rows.push({
    scenario: '  capture parts dropped while stalled',
    direct: String(chunkCpu.summary('reduced').droppedParts),
    proxied: String(stalledCpu.droppedParts),
    added: '',
    goal: '(context)',
    result: '',
  });

  for (const q of ['p50', 'p99'] as const) {
    const d = arm(abort.arms, 'direct')[q];
    const p = arm(abort.arms, 'tokentap')[q];
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
      proxied: String(abort.missed.tokentap ?? 0),
      added: '',
      goal: '0',
      result: verdict((abort.missed.tokentap ?? 0) === 0),
    });
  }

  const wd = arm(websocket, 'direct');
  const wt = arm(websocket, 'tokentap');
  for (const q of ['p50', 'p99'] as const) {
    rows.push({
      scenario: `9 WebSocket message latency, ${wsOpts.sockets} sockets ${q}`,
      direct: ms(wd[q]),
      proxied: ms(wt[q]),
      added: signedMs(wt[q] - wd[q]),
      goal: '',
      result: '',
    });
  }
  const wsText = (a: typeof wt): string =>
    `${a.received}/${a.sent}${a.outOfOrder + a.failed > 0 ? ` (reordered ${a.outOfOrder}, sockets failed ${a.failed})` : ''}`;
  rows.push({
    scenario: '9 WebSocket messages received/sent',
    direct: wsText(wd),
    proxied: wsText(wt),
    added: '',
    goal: 'none lost',
    result: verdict(wt.received === wt.sent && wt.outOfOrder === 0 && wt.failed === 0),
  });

  const ownCpu = process.cpuUsage();
  const ownCpuMs =
    (ownCpu.user + ownCpu.system) / 1000 +
    stoppedChildrenCpuMs +
    processCpuMs(upstream.process.pid) +
    processCpuMs(wsUpstream.process.pid);
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
  const peerReport = peerTable({
    names: ['tokentap', 'paused', 'bare', ...peers.map((p) => p.name)],
    descriptions: Object.fromEntries([tokentap, bare, ...peers].map((p) => [p.name, p.description])),
    lat1: lat1.arms,
    rps: rps.arms,
    chunks,
    agent: agent.arms,
    capture,
    agentRss: agentRss.samples,
    missing,
  });
  console.log(peerReport.text);
  console.log('');
  await writeFile(new URL('peers.md', resultsDir), `${peerReport.text}\n`);
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
  console.log(`  ${cpuLine('c=1 requests', lat1Cpu, ['direct', 'tokentap', 'bare'])}`);
  console.log(`  ${cpuLine('c=32 requests/s', rpsCpu, ['direct', 'tokentap', 'bare'])}`);
  console.log(
    `  ${cpuLine('per-chunk streams', chunkCpu, ['direct', 'tokentap', 'bare', 'reduced', 'stalled'])}`,
  );
  console.log(
    `notes: medians of per-round percentiles over interleaved rounds; request errors ${JSON.stringify(errors)}; ` +
      `multi-event network reads (direct/proxied/stalled): ${cd.frames.multiEventReads}/${cp.frames.multiEventReads}/${cs.frames.multiEventReads} ` +
      `of ${cd.frames.reads}/${cp.frames.reads}/${cs.frames.reads}; ` +
      `tokentap wrote ${capture.written} exchanges while scenarios 4 and 8 sent ${capture.mustWrite}, ${OPEN_STREAMS} streams opened in ${(memory.openMs / 1000).toFixed(1)} s; ` +
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
          ['direct', 'tokentap', 'bare', 'reduced', 'stalled'].map((n) => [n, chunkCpu.summary(n)]),
        ),
        queueAfterStalledRounds: afterChunks,
      },
      requestLatencyC1Cpu: Object.fromEntries(
        ['direct', 'tokentap', 'bare'].map((n) => [n, lat1Cpu.summary(n)]),
      ),
      throughput: rps,
      throughputCpu: Object.fromEntries(['direct', 'tokentap', 'bare'].map((n) => [n, rpsCpu.summary(n)])),
      memoryPerStream: { tokentap: memory, bare: bareMemory },
      abortPropagation: abort,
      websocket: { options: wsOpts, arms: websocket },
      captureServiceStatsAtEnd: reducedStats,
      captureWritten: capture,
      agentThroughput: agent,
      agentCpu: Object.fromEntries(
        ['direct', 'tokentap', 'bare', 'paused'].map((n) => [n, agentCpu.summary(n)]),
      ),
      agentRss,
      peers: peerReport,
    },
  };
  const file = new URL('proxy.json', resultsDir);
  await writeFile(file, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
} finally {
  await stopAll();
}

interface PeerInputs {
  /** Arms in table order; `paused` is Tokentap with capture paused (measured where it applies). */
  names: string[];
  descriptions: Record<string, string>;
  lat1: Record<string, { p50: number; p99: number }>;
  rps: Record<string, { rps: number }>;
  chunks: Record<string, { p99: number; frames: { lost: number; malformed: number; outOfOrder: number } }>;
  agent: Record<string, { rps: number }>;
  capture: { mustWrite: number; written: number };
  agentRss: { exchanges: number; rss: number }[];
  missing: MissingPeer[];
}

/**
 * The side-by-side table of issue 17: every proxy's added latency, throughput and per-chunk p99
 * from this one run, each as a ratio to the bare node:http pipe's, and Tokentap's goals.
 */
function peerTable(input: PeerInputs): { text: string; goals: Record<string, boolean> } {
  const direct = {
    lat: input.lat1.direct,
    rps: input.rps.direct?.rps ?? Number.NaN,
    agent: input.agent.direct?.rps ?? Number.NaN,
  };
  const added = (name: string, q: 'p50' | 'p99'): number =>
    (input.lat1[name]?.[q] ?? Number.NaN) - (direct.lat?.[q] ?? Number.NaN);
  const ratio = (value: number, base: number): string =>
    Number.isFinite(value) && Number.isFinite(base) && base !== 0 ? `${(value / base).toFixed(2)}×` : '';
  const share = (value: number, base: number): string =>
    Number.isFinite(value) ? `${(value / base).toFixed(2)}×` : '';
  const cell = (value: number, format: (v: number) => string): string =>
    Number.isFinite(value) ? format(value) : '—';
  const rows = input.names.map((name) => {
    const p50 = added(name, 'p50');
    const p99 = added(name, 'p99');
    const rps = input.rps[name]?.rps ?? Number.NaN;
    const chunk = input.chunks[name]?.p99 ?? Number.NaN;
    const agent = input.agent[name]?.rps ?? Number.NaN;
    return [
      name === 'paused' ? 'tokentap, capture paused' : name,
      cell(p50, signedMs),
      ratio(p50, added('bare', 'p50')),
      cell(p99, signedMs),
      ratio(p99, added('bare', 'p99')),
      cell(rps, (v) => `${v.toFixed(0)}/s`),
      share(rps, direct.rps),
      ratio(rps, input.rps.bare?.rps ?? Number.NaN),
      cell(chunk, ms),
      ratio(chunk, input.chunks.bare?.p99 ?? Number.NaN),
      cell(agent, (v) => `${v.toFixed(0)}/s`),
      ratio(agent, input.agent.bare?.rps ?? Number.NaN),
    ];
  });
  const header = [
    'proxy (one interleaved run)',
    'c=1 added p50',
    '×bare',
    'added p99',
    '×bare',
    'c=32 req/s',
    '×direct',
    '×bare',
    'chunk p99 (200 str.)',
    '×bare',
    'agent req/s (c=16)',
    '×bare',
  ];
  const t = (name: string) => ({
    p50: added(name, 'p50'),
    p99: added(name, 'p99'),
    rps: input.rps[name]?.rps ?? Number.NaN,
    chunk: input.chunks[name]?.p99 ?? Number.NaN,
    agent: input.agent[name]?.rps ?? Number.NaN,
  });
  const tokentap = t('tokentap');
  const bare = t('bare');
  const frames = input.chunks.tokentap?.frames;
  const rss = input.agentRss;
  // Flat: after the first tenth (warm-up, pools, JIT) RSS grows by less than 10% to the end.
  const rssWarm = rss[1]?.rss ?? Number.NaN;
  const rssEnd = rss[rss.length - 1]?.rss ?? Number.NaN;
  const rssGrowth = (rssEnd - rssWarm) / rssWarm;
  const goals: Record<string, boolean> = {
    'c=1 added p50 ≤ 1.1× bare': tokentap.p50 <= 1.1 * bare.p50,
    'c=1 added p99 ≤ 1.2× bare': tokentap.p99 <= 1.2 * bare.p99,
    'c=32 req/s ≥ 0.9× bare, every exchange written':
      tokentap.rps >= 0.9 * bare.rps && input.capture.written >= input.capture.mustWrite,
    'per-chunk p99 ≤ 1.1× bare, no frame lost or merged':
      tokentap.chunk <= 1.1 * bare.chunk &&
      frames !== undefined &&
      frames.lost + frames.malformed + frames.outOfOrder === 0,
    'agent-sized req/s ≥ 0.85× bare': tokentap.agent >= 0.85 * bare.agent,
    [`RSS flat over ${rss[rss.length - 1]?.exchanges ?? 0} agent turns (< +10% after warm-up)`]:
      rssGrowth < 0.1,
  };
  const paused = t('paused');
  const floor = t('floor');
  const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const lines = [
    formatGrid(header, rows),
    '',
    ...Object.entries(goals).map(([goal, ok]) => `${verdict(ok)}  ${goal}`),
    '',
    `cost of capture (on vs paused): c=32 ${ratio(tokentap.rps, paused.rps)} of the paused req/s, agent-sized ${ratio(tokentap.agent, paused.agent)}`,
    `the floor of capture (floor/bare): c=1 added p50 ${ratio(floor.p50, bare.p50)}, p99 ${ratio(floor.p99, bare.p99)}, c=32 ${ratio(floor.rps, bare.rps)}, chunk p99 ${ratio(floor.chunk, bare.chunk)}, agent-sized ${ratio(floor.agent, bare.agent)}; Tokentap/floor: c=32 ${ratio(tokentap.rps, floor.rps)}, agent-sized ${ratio(tokentap.agent, floor.agent)}`,
    // At least: on a loaded machine the analysis may still be writing earlier scenarios' exchanges.
    `every exchange written: ${input.capture.written} written while scenarios 4 and 8 sent ${input.capture.mustWrite}`,
    `Tokentap RSS over the long agent run: ${rss.map((s) => mb(s.rss)).join(' → ')}`,
    ...input.names
      .filter((name) => input.descriptions[name])
      .map((name) => `${name}: ${input.descriptions[name]}`),
    ...input.missing.map((m) => `${m.name}: not measured, ${m.reason}`),
  ];
  return { text: lines.join('\n'), goals };
}
