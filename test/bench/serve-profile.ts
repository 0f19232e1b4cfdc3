/**
 * The c=32 small-request scenario alone, for profiling the `npm run serve` process: Tokentap
 * (capturing, and with capture paused) and the bare node:http pipe, interleaved rounds, and the
 * CPU every thread of each proxy used per request (read from /proc/<pid>/task, so the analysis
 * worker, V8's GC helpers and libuv's file threads are told apart from the forwarding thread).
 *
 *   node test/bench/serve-profile.ts [rounds=5] [seconds=3]
 *
 * PROFILE=1 starts Tokentap with --cpu-prof (one .cpuprofile per thread, workers included) into
 * bench-results/profiles/serve/ (the bare pipe's into its bare/ folder); read them with test/bench/profile-summary.ts. ARMS=tokentap,bare
 * picks arms; SCENARIO=agent the agent-sized turn (at c=16); PRELOAD_SECONDS=n first sends the small
 * request at c=32 for n seconds to each Tokentap arm (a process that has captured for a while); CONCURRENCY (default 32). TOKENTAP_NODE_ARGS: more Node options for Tokentap.
 */
import { readdir, readFile } from 'node:fs/promises';
import { AGENT_BODY, CHAT_BODY, exchange, openPool, runLoops, type Target } from './client.ts';
import { BenchChild } from './ipc.ts';
import { busyAfterLoad, busyPercent, processCpuMs, readCpuTicks } from './machine-load.ts';
import { startBare, startCaptureFloor, startTokentapServe } from './proxies.ts';
import { interleaved } from './rounds.ts';
import { median } from './stats.ts';

const rounds = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 3);
/** SCENARIO=agent: the agent-sized turn (300 KB request, 20 KB stream) instead of the small request. */
const agent = process.env.SCENARIO === 'agent';
const CONCURRENCY = Number(process.env.CONCURRENCY ?? (agent ? 16 : 32));
const USER_HZ = 100;
const profileDir = new URL('../../bench-results/profiles/serve/', import.meta.url).pathname;

/** CPU ms per thread of a process, keyed `name#n` (the n-th thread of that name, by thread id). */
async function threadCpu(pid: number): Promise<Map<string, number>> {
  const tids = (await readdir(`/proc/${pid}/task`)).map(Number).sort((a, b) => a - b);
  const seen = new Map<string, number>();
  const out = new Map<string, number>();
  for (const tid of tids) {
    try {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const n = seen.get(name) ?? 0;
      seen.set(name, n + 1);
      // V8's helpers and libuv's pool are summed: which one of them ran is chance.
      const key = name === 'V8Worker' || name === 'libuv-worker' ? name : `${name}#${n}`;
      out.set(key, (out.get(key) ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

const upstream = await BenchChild.start(new URL('./upstream-process.ts', import.meta.url), []);
const profile = process.env.PROFILE === '1';
/** TOKENTAP_ENV="A=1 B=2": more environment for the `tokentap` arm alone. */
const extraEnv = Object.fromEntries(
  (process.env.TOKENTAP_ENV ?? '')
    .split(' ')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const tokentap = await startTokentapServe(upstream.url, extraEnv, [
  ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
  ...(process.env.TOKENTAP_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
]);
/** BASE=<another checkout>: its Tokentap too, as the arm `base` (before and after in one run); BASE_NODE_ARGS: its Node options (default TOKENTAP_NODE_ARGS). */
const baseRoot = process.env.BASE;
const base = baseRoot
  ? await startTokentapServe(
      upstream.url,
      {},
      (process.env.BASE_NODE_ARGS ?? process.env.TOKENTAP_NODE_ARGS)?.split(' ').filter(Boolean) ?? [],
      baseRoot,
    )
  : null;
const bare = await startBare(
  upstream.url,
  profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}bare/`] : [],
);
const floor = await startCaptureFloor(upstream.url);
const upstreamPid = (await upstream.stats()).pid;
const pids: Record<string, number> = {
  floor: (await floor.stats()).pid,
  tokentap: (await tokentap.stats()).pid,
  paused: (await tokentap.stats()).pid,
  bare: (await bare.stats()).pid,
  base: base ? (await base.stats()).pid : 0,
};

const perThread = new Map<string, Map<string, number[]>>();
const requests = new Map<string, number>();
let before = new Map<string, number>();
/** Per arm, over its rounds: the whole machine's busy share, and the load generator's and upstream's CPU ms. */
const machine = new Map<string, { busy: number[]; clientMs: number; upstreamMs: number }>();
let machineBefore = { ticks: readCpuTicks(), client: process.cpuUsage(), upstream: 0 };
const arm = (name: string, url: string, extra: Partial<Target> = {}): Target => ({
  name,
  url,
  before: async () => {
    await extra.before?.();
    before = await threadCpu(pids[name] as number);
    machineBefore = {
      ticks: readCpuTicks(),
      client: process.cpuUsage(),
      upstream: processCpuMs(upstreamPid),
    };
  },
  after: async () => {
    const client = process.cpuUsage(machineBefore.client);
    const m = machine.get(name) ?? { busy: [], clientMs: 0, upstreamMs: 0 };
    m.busy.push(busyPercent(machineBefore.ticks, readCpuTicks()));
    m.clientMs += (client.user + client.system) / 1000;
    m.upstreamMs += processCpuMs(upstreamPid) - machineBefore.upstream;
    machine.set(name, m);
    const after = await threadCpu(pids[name] as number);
    const rows = perThread.get(name) ?? new Map<string, number[]>();
    for (const [thread, ms] of after) {
      const list = rows.get(thread) ?? [];
      list.push(ms - (before.get(thread) ?? 0));
      rows.set(thread, list);
    }
    perThread.set(name, rows);
    await extra.after?.();
  },
});
/** ARMS=tokentap,bare picks arms (profiling Tokentap alone: ARMS=tokentap). */
const only = process.env.ARMS?.split(',');
const targets = [
  arm('tokentap', tokentap.url),
  arm('bare', bare.url),
  arm('floor', floor.url),
  ...(base ? [arm('base', base.url)] : []),
  arm('paused', tokentap.url, {
    before: () => tokentap.setCapturePaused(true),
    after: () => tokentap.setCapturePaused(false),
  }),
].filter((t) => !only || only.includes(t.name));
const pools = new Map(targets.map((t) => [t.name, openPool(t.url, CONCURRENCY)]));
const once = async (name: string): Promise<void> => {
  const pool = pools.get(name) as ReturnType<typeof openPool>;
  const r = await exchange(pool, agent ? 's=agent' : 's=fast', agent ? AGENT_BODY : CHAT_BODY);
  if (r.status !== 200) throw new Error(`${name}: status ${r.status}`);
};
/** Seconds of small requests each Tokentap arm captures before the rounds (a session tens of thousands of exchanges long). */
const PRELOAD = Number(process.env.PRELOAD_SECONDS ?? 0);
if (PRELOAD > 0) {
  for (const t of targets.filter((x) => x.name === 'tokentap' || x.name === 'base')) {
    const pool = openPool(t.url, 32);
    await runLoops(32, { durationMs: PRELOAD * 1000 }, async () => {
      await exchange(pool, 's=fast', CHAT_BODY);
    });
    await pool.close();
  }
  console.log(`preloaded: ${PRELOAD} s of small requests at c=32 into each Tokentap arm`);
}
for (const t of targets) await runLoops(CONCURRENCY, { durationMs: 1000 }, () => once(t.name));
const completedPerRound = new Map<string, number[]>();
const results = await interleaved(targets, rounds, async (target) => {
  const { completed, elapsedMs: loadMs } = await runLoops(CONCURRENCY, { durationMs: seconds * 1000 }, () =>
    once(target.name),
  );
  // What the proxy still did after the load stopped is part of its round (see busyAfterLoad).
  const elapsedMs = loadMs + (await busyAfterLoad());
  completedPerRound.set(target.name, [...(completedPerRound.get(target.name) ?? []), completed]);
  requests.set(target.name, (requests.get(target.name) ?? 0) + completed);
  return (completed * 1000) / elapsedMs;
});

const rps = (name: string): number => median(results.get(name) ?? []);
console.log(`c=${CONCURRENCY}, ${rounds} rounds × ${seconds} s, interleaved`);
for (const name of targets.map((t) => t.name))
  console.log(
    `${name.padEnd(9)} ${rps(name).toFixed(0).padStart(6)} req/s  (rounds ${(results.get(name) ?? []).map((r) => r.toFixed(0)).join(' ')})`,
  );
/** Each arm's req/s over the reference arm's, median and per round. */
const ratio = (name: string, reference: string): void => {
  if (!results.has(name) || !results.has(reference)) return;
  const perRound = (results.get(name) ?? []).map((r, i) => r / ((results.get(reference) ?? [])[i] ?? 1));
  console.log(
    `ratio ${name}/${reference} ${(rps(name) / rps(reference)).toFixed(3)} (per round ${perRound.map((r) => r.toFixed(2)).join(' ')})`,
  );
};
ratio('tokentap', 'bare');
ratio('paused', 'bare');
ratio('floor', 'bare');
ratio('tokentap', 'floor');
ratio('base', 'bare');
ratio('tokentap', 'base');
console.log('CPU µs per request, per thread (sum over rounds / requests):');
for (const [name, rows] of perThread) {
  const n = requests.get(name) ?? 1;
  const wall = rounds * seconds * 1000;
  let total = 0;
  const parts: string[] = [];
  for (const [thread, list] of [...rows].sort(
    (a, b) => b[1].reduce((x, y) => x + y) - a[1].reduce((x, y) => x + y),
  )) {
    const ms = list.reduce((x, y) => x + y, 0);
    total += ms;
    if (ms > 0) parts.push(`${thread} ${((ms * 1000) / n).toFixed(0)}`);
  }
  console.log(
    `  ${name.padEnd(9)} total ${((total * 1000) / n).toFixed(0)} µs (${((total / wall) * 100).toFixed(0)}% of a core): ${parts.join(', ')}`,
  );
}
console.log(
  'the machine (2 cores = 200 %) during each arm: busy, and CPU µs per request of the load generator and the upstream:',
);
for (const [name, m] of machine) {
  const n = requests.get(name) ?? 1;
  console.log(
    `  ${name.padEnd(9)} machine busy ${(median(m.busy) * 2).toFixed(0)} % (median round), load generator ${((m.clientMs * 1000) / n).toFixed(0)} µs, upstream ${((m.upstreamMs * 1000) / n).toFixed(0)} µs`,
  );
}
await Promise.all([...pools.values()].map((p) => p.close()));
console.log(`written: ${await tokentap.recordsWritten()}, floor wrote ${(await floor.stats()).records}`);
await base?.stop();
await floor.stop();
await tokentap.stop();
await bare.stop();
await upstream.stop();
if (profile) console.log(`profiles in ${profileDir}`);
