/**
 * The inspector UI under load, in real headless Chromium: the built renderer (dist/renderer) with an
 * in-page InspectorApi standing in for the preload bridge (the main process is measured elsewhere).
 * Measures frame time p95 while scrolling 100,000 rows and while ingesting 2,000 events/s, and the
 * time to filter 100,000 rows, end to end (typing to the list showing the result). Prints a table,
 * writes bench-results/renderer-ui.json, never fails on a missed goal.
 *
 * Builds the renderer into a temporary directory first (so the numbers are for the code as it is, and a
 * concurrent `vite build` cannot swap the files mid-run); BENCH_DIST=dir uses an existing build instead.
 * Needs a Chromium (`CHROMIUM=/path`, default /usr/bin/chromium).
 * BENCH_QUICK=1 shortens the runs; BENCH_TRACE=1 adds main-thread time per frame and where it went
 * from a Chromium trace (which itself slows the page); BENCH_PROFILE=1 writes CPU profiles of an
 * unminified build.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { compileQuery } from '../../renderer/filter/query-match.ts';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';

const quick = process.env.BENCH_QUICK === '1';
const trace = process.env.BENCH_TRACE === '1';
const ROWS = 100_000;
const EVENTS_PER_SECOND = 2_000;
const PHASE_MS = quick ? 1_500 : 5_000;
/** Scrolled per frame: 10 rows (600 rows/s), a fast wheel; BENCH_SCROLL_PX to vary it. */
const SCROLL_PX = Number(process.env.BENCH_SCROLL_PX ?? 220);
const FRAME_GOAL_MS = 16.7;
const FILTER_GOAL_MS = 100;
const root = join(import.meta.dirname, '..', '..');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Builds the renderer into a fresh temporary directory (unminified for BENCH_PROFILE=1). */
async function buildRenderer(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'tokentap-renderer-bench-'));
  const { build } = await import('vite');
  await build({
    configFile: join(root, 'vite.config.ts'),
    root: join(root, 'renderer'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: process.env.BENCH_PROFILE !== '1' },
  });
  return outDir;
}

/** Serves the built renderer over http (module scripts do not load from file:// in a browser). */
async function serveRenderer(rendererDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(rendererDir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(rendererDir)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) =>
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs in the page before the app: a window.tokentap serving generated summaries, plus a live feed. */
export function installFakeBridge(rows: number): void {
  const models = ['gpt-4o-2024-08-06', 'gpt-4o-mini', 'claude-sonnet-4-6', 'llama3.2:3b', 'o3-mini'];
  const tenants = ['sk-…wxyz·3f9a1c', 'sk-…abcd·77e0b2', 'sk-ant-…5678·a8597a', null];
  const apis = ['openai.chat', 'openai.chat', 'anthropic.messages', 'ollama.chat', 'openai.responses'];
  const start = Date.now() - rows * 50;
  const uniform = (window as { __variant?: string }).__variant === 'uniform';
  const summary = (index: number, state: string) => {
    const i = uniform ? 1 : index;
    const done = state === 'complete' || state === 'error';
    const status = i % 97 === 0 ? 429 : 200;
    return {
      id: `ex-${index}`,
      seq: index + 1,
      startedAt: new Date(start + index * 50).toISOString(),
      method: 'POST',
      path: apis[i % apis.length] === 'anthropic.messages' ? '/v1/messages' : '/v1/chat/completions',
      api: apis[i % apis.length],
      model: models[i % models.length],
      tenant: tenants[i % tenants.length],
      stream: i % 5 !== 0,
      status,
      state: status >= 400 ? 'complete' : state,
      usage:
        done && i % 13 !== 0
          ? {
              inputTokens: 100 + (i % 900),
              outputTokens: 10 + (i % 300),
              cachedTokens: 0,
              reasoningTokens: null,
              totalTokens: 110 + (i % 1200),
            }
          : null,
      costUsd: done && i % 13 !== 0 ? ((i % 1000) + 1) / 100_000 : null,
      timings: {
        headersMs: 120 + (i % 80),
        firstTokenMs: 200 + (i % 300),
        totalMs: done ? 900 + (i % 4000) : null,
        outputTokensPerSecond: done ? 40 + (i % 60) : null,
      },
      error: null,
    };
  };
  const list = Array.from({ length: rows }, (_, i) => summary(i, 'complete'));
  const session = {
    id: 's1',
    name: 'bench',
    createdAt: new Date(start).toISOString(),
    exchanges: rows,
    bytes: 0,
    current: true,
  };
  const status = {
    listening: true,
    listenAddr: '127.0.0.1:3000',
    proxyUrl: 'http://127.0.0.1:3000',
    upstream: 'https://api.openai.com',
    error: null,
    capturePaused: false,
    session,
  };
  const listeners = new Set<(batch: unknown[]) => void>();
  const empty = { byTenant: [], byModel: [], byTenantModel: [], byProvider: [], byProviderTenantModel: [] };
  let next = rows;
  const live: number[] = [];
  const bench = {
    /** Emits `count` updates: new streams starting, running ones progressing and ending. */
    emit(count: number) {
      const batch: unknown[] = [];
      for (let k = 0; k < count; k++) {
        if (live.length < 50 || k % 3 === 0) {
          const i = next++;
          live.push(i);
          batch.push({ type: 'exchange', summary: summary(i, 'pending') });
        } else {
          const i = live[k % live.length] as number;
          const end = k % 7 === 0;
          if (end) live.splice(live.indexOf(i), 1);
          batch.push({ type: 'exchange', summary: summary(i, end ? 'complete' : 'streaming') });
        }
      }
      for (const listener of listeners) listener(batch);
    },
  };
  const api = {
    status: { get: async () => status },
    settings: { update: async () => status },
    capture: { setPaused: async () => status },
    exchanges: { list: async () => list, get: async () => null },
    usage: { get: async () => empty },
    sessions: { list: async () => [session], create: async () => session, delete: async () => undefined },
    export: { build: async () => ({ fileName: 'x.jsonl', mimeType: 'application/x-ndjson', content: '' }) },
    import: { load: async () => ({ session, imported: 0 }) },
    onUpdates(listener: (batch: unknown[]) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  Object.assign(window, { tokentap: api, __bench: bench });
}

/** Runs in the page: frame intervals over `ms` while `work(frameIndex)` runs each frame. */
async function measureFrames(
  page: import('playwright-core').Page,
  kind: 'scroll' | 'ingest',
  ms: number,
  rate: number,
): Promise<{ deltas: number[]; mutations: number }> {
  return page.evaluate(
    ({ kind, ms, rate, countMutations, scrollPx }) =>
      new Promise<{ deltas: number[]; mutations: number }>((resolve) => {
        const grid = document.querySelector('[role="grid"]') as HTMLElement;
        const bench = (window as unknown as { __bench: { emit(n: number): void } }).__bench;
        const deltas: number[] = [];
        let mutations = 0;
        const observer = new MutationObserver((records) => {
          mutations += records.length;
        });
        if (countMutations)
          observer.observe(grid, { subtree: true, childList: true, characterData: true, attributes: true });
        // Scrolling starts from the middle of the list (not the bottom, where scrolling down does nothing).
        let position = kind === 'scroll' ? Math.round(grid.scrollHeight / 2) : 0;
        if (kind === 'scroll') grid.scrollTop = position;
        let last = 0;
        let began = 0;
        let owed = 0;
        let direction = 1;
        const frame = (now: number) => {
          if (began === 0) began = now;
          else deltas.push(now - last);
          if (kind === 'scroll') {
            // A fast wheel: 10 rows a frame (600 rows/s), turning every 2 s; the position is kept here,
            // so the frame only pays for what the app does (no layout reads).
            position += direction * scrollPx;
            grid.scrollTop = position;
            if (deltas.length % 120 === 119) direction = -direction;
          } else if (last !== 0) {
            owed += ((now - last) / 1000) * rate;
            const n = Math.floor(owed);
            owed -= n;
            // The bridge sends a batch per frame; the app queues it and applies it on the next one.
            if (n > 0) bench.emit(n);
          }
          last = now;
          if (now - began < ms) requestAnimationFrame(frame);
          else {
            observer.disconnect();
            resolve({ deltas, mutations });
          }
        };
        // Two frames to settle after the jump to the middle.
        requestAnimationFrame(() => requestAnimationFrame(frame));
      }),
    { kind, ms, rate, countMutations: trace, scrollPx: SCROLL_PX },
  );
}

interface Phase {
  /** Intervals between animation frames (ms): what the user sees, including raster and compositing. */
  frames: number[];
  /** Main-thread busy time (script, style, layout, paint recording) per 16.7 ms window: the app's own cost. */
  busy: number[];
  /** DOM mutation records in the grid per frame (BENCH_TRACE=1). */
  mutationsPerFrame: number | null;
  /** Where the time went (BENCH_TRACE=1): self time per trace event name and thread, per frame. */
  breakdown: Breakdown | null;
}

interface Breakdown {
  frames: number;
  /** Main-thread CPU ms per frame, all events. */
  mainCpu: number;
  /** Raster (software, on worker threads): CPU ms and tiles per frame. */
  rasterCpu: number;
  rasterTiles: number;
  /** Self CPU ms per frame by event name on the renderer's main thread, largest first, and how often. */
  main: [string, number, number][];
  /** Busy ms per frame by thread name (top-level tasks), largest first. */
  threads: [string, number][];
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time: unlike `dur`, not stretched when other processes take the CPU. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** Main-thread busy ms in each 16.7 ms window of a trace (top-level tasks of the renderer's main thread). */
function mainThreadBusy(trace: Buffer): number[] {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
  );
  const tasks = events.filter(
    (e) => e.ph === 'X' && e.name === 'RunTask' && main && e.pid === main.pid && e.tid === main.tid,
  );
  if (process.env.BENCH_DEBUG) {
    const names = events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name')
      .map((e) => `${e.pid}/${e.tid} ${e.args?.name}`);
    console.error(
      `threads: ${names.join(', ')}; RunTask: ${events.filter((e) => e.name === 'RunTask').length}; main: ${main?.pid}/${main?.tid}`,
    );
  }
  if (tasks.length === 0) return [];
  // Tasks nest (a RunTask inside a RunTask): count the union of their intervals, not the sum.
  const spans: [number, number][] = [];
  for (const t of [...tasks].sort((x, y) => x.ts - y.ts)) {
    const end = t.ts + (t.dur ?? 0);
    const last = spans[spans.length - 1];
    if (last && t.ts <= last[1]) last[1] = Math.max(last[1], end);
    else spans.push([t.ts, end]);
  }
  const window = 16_700;
  const start = spans[0]?.[0] ?? 0;
  const finish = spans[spans.length - 1]?.[1] ?? 0;
  const busy = new Array<number>(Math.ceil((finish - start) / window) + 1).fill(0);
  for (const [from, until] of spans) {
    // Spread a span over the windows it covers.
    let at = from;
    while (at < until) {
      const slot = Math.floor((at - start) / window);
      const slotEnd = start + (slot + 1) * window;
      const piece = Math.min(until, slotEnd) - at;
      busy[slot] = (busy[slot] ?? 0) + piece / 1000;
      at += piece;
    }
  }
  return busy;
}

/** Self time of each event name on the main thread (nesting subtracted), and busy time per thread. */
function breakdown(trace: Buffer, frames: number): Breakdown {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const threadNames = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}/${e.tid}`, e.args?.name ?? '?');
  const mainKey = [...threadNames].find(([, name]) => name === 'CrRendererMain')?.[0];
  const complete = events.filter((e) => e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  const self = new Map<string, [number, number]>();
  // CPU time where the trace has it (it is not stretched by other processes on the machine), else wall.
  const stack: { end: number; name: string; child: number; dur: number }[] = [];
  const pop = () => {
    const top = stack.pop();
    if (!top) return;
    const entry = self.get(top.name) ?? [0, 0];
    entry[0] += (top.dur - top.child) / 1000;
    entry[1] += 1;
    self.set(top.name, entry);
  };
  const busy = new Map<string, number>();
  const open = new Map<string, number>();
  let rasterCpu = 0;
  let rasterTiles = 0;
  for (const e of complete) {
    if (e.name === 'RasterTask') {
      rasterCpu += (e.tdur ?? e.dur ?? 0) / 1000;
      rasterTiles += 1;
    }
    const key = `${e.pid}/${e.tid}`;
    const end = e.ts + (e.dur ?? 0);
    // Busy time per thread: the union of top-level RunTask-like spans (ThreadControllerImpl::RunTask etc.).
    if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask' || e.name.endsWith('::RunTask')) {
      const until = open.get(key) ?? 0;
      if (end > until) {
        busy.set(key, (busy.get(key) ?? 0) + (end - Math.max(e.ts, until)) / 1000);
        open.set(key, end);
      }
    }
    if (key !== mainKey) continue;
    while (stack.length > 0 && (stack[stack.length - 1]?.end ?? 0) <= e.ts) pop();
    const parent = stack[stack.length - 1];
    const cpu = e.tdur ?? e.dur ?? 0;
    if (parent) parent.child += cpu;
    stack.push({ end, name: e.name, child: 0, dur: cpu });
  }
  while (stack.length > 0) pop();
  const perFrame = (ms: number) => ms / Math.max(1, frames);
  let mainCpu = 0;
  for (const [ms] of self.values()) mainCpu += ms;
  return {
    frames,
    mainCpu: perFrame(mainCpu),
    rasterCpu: perFrame(rasterCpu),
    rasterTiles: perFrame(rasterTiles),
    main: [...self]
      .map(([name, [ms, count]]): [string, number, number] => [
        name,
        perFrame(ms),
        count / Math.max(1, frames),
      ])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 14),
    threads: [...busy]
      .map(([key, ms]): [string, number] => [threadNames.get(key) ?? key, perFrame(ms)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8),
  };
}

function printBreakdown(name: string, phase: Phase): void {
  const b = phase.breakdown;
  if (!b) return;
  console.log(
    `\n  ${name}: ${b.frames} frames, ${phase.mutationsPerFrame?.toFixed(1)} DOM mutations per frame, main-thread CPU ${b.mainCpu.toFixed(1)} ms and raster CPU ${b.rasterCpu.toFixed(1)} ms (${b.rasterTiles.toFixed(1)} tiles) per frame; main-thread self CPU time per frame by trace event`,
  );
  for (const [event, ms, count] of b.main)
    console.log(`    ${event.padEnd(40)} ${ms.toFixed(2).padStart(7)} ms  ×${count.toFixed(2)}`);
  console.log('  busy (wall) per frame by thread');
  for (const [thread, ms] of b.threads)
    console.log(`    ${thread.padEnd(40)} ${ms.toFixed(2).padStart(7)} ms`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const FILTER_QUERIES = [
  'model:gpt-4o-mini',
  'completions -is:error tokens>500',
  'status>=400',
  'hello world',
];

/** compileQuery over 100,000 summaries (after one warm-up pass), per query. */
function pureFilterMs(): number[] {
  const models = ['gpt-4o-2024-08-06', 'gpt-4o-mini', 'claude-sonnet-4-6'];
  const rows: ExchangeSummary[] = Array.from({ length: ROWS }, (_, i) => ({
    id: `ex-${i}`,
    seq: i + 1,
    startedAt: new Date(1_764_000_000_000 + i * 50).toISOString(),
    method: 'POST',
    path: `/v1/chat/completions`,
    api: 'openai.chat',
    model: models[i % models.length] ?? null,
    tenant: `sk-…${String(i % 7).padStart(4, '0')}·3f9a1c`,
    stream: i % 5 !== 0,
    status: i % 97 === 0 ? 429 : 200,
    state: 'complete',
    usage:
      i % 13 === 0
        ? null
        : {
            inputTokens: i % 900,
            outputTokens: i % 300,
            cachedTokens: 0,
            reasoningTokens: null,
            totalTokens: (i % 900) + (i % 300),
          },
    costUsd: i % 13 === 0 ? null : (i % 1000) / 100_000,
    timings: { headersMs: 100, firstTokenMs: 200, totalMs: 900, outputTokensPerSecond: 40 },
    error: null,
  }));
  return FILTER_QUERIES.map((query) => {
    const match = compileQuery(query);
    rows.filter(match);
    const began = performance.now();
    rows.filter(match);
    return performance.now() - began;
  });
}

/** The share of frame intervals that missed at least one vsync. */
function lateShare(values: number[]): number {
  return values.filter((v) => v > FRAME_GOAL_MS * 1.5).length / Math.max(1, values.length);
}

function summarise(phase: Phase) {
  const stats = (values: number[]) => ({
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: Math.max(...values),
    late: lateShare(values),
    n: values.length,
  });
  return {
    frameIntervalMs: stats(phase.frames),
    ...(trace
      ? {
          mainThreadMsPerFrame: stats(phase.busy),
          mutationsPerFrame: phase.mutationsPerFrame,
          breakdown: phase.breakdown,
        }
      : {}),
  };
}

async function main(): Promise<void> {
  if (!existsSync(chromiumPath)) {
    console.error(
      `renderer-ui bench: SKIPPED, no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM)`,
    );
    return;
  }
  const given = process.env.BENCH_DIST;
  const rendererDir = given ?? (await buildRenderer());
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`no renderer build in ${rendererDir}`);
  const server = await serveRenderer(rendererDir);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    // The machine's own floor: frame intervals of an empty page in the same browser.
    const blank = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const idle = await blank.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const out: number[] = [];
          let last = performance.now();
          const began = last;
          const frame = (now: number) => {
            out.push(now - last);
            last = now;
            if (now - began < 2000) requestAnimationFrame(frame);
            else resolve(out.slice(1));
          };
          requestAnimationFrame(frame);
        }),
    );
    await blank.close();
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      bypassCSP: Boolean(process.env.BENCH_STYLE),
    });
    if (process.env.BENCH_VARIANT)
      await page.addInitScript(`window.__variant = ${JSON.stringify(process.env.BENCH_VARIANT)}`);
    await page.addInitScript(installFakeBridge, ROWS);
    const t0 = Date.now();
    await page.goto(server.url);
    await page.waitForFunction(
      (n) => document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount') === String(n + 1),
      ROWS,
      { timeout: 60_000 },
    );
    const loadMs = Date.now() - t0;
    if (process.env.BENCH_STYLE) await page.addStyleTag({ content: process.env.BENCH_STYLE });
    // BENCH_PROFILE=1: a CPU profile of each phase in bench-results/profiles/ (build with --minify false to read it).
    const profile = process.env.BENCH_PROFILE === '1' ? await page.context().newCDPSession(page) : null;
    const phase = async (
      name: string,
      run: () => Promise<{ deltas: number[]; mutations: number }>,
    ): Promise<Phase> => {
      if (profile) {
        await profile.send('Profiler.enable');
        await profile.send('Profiler.start');
      }
      // Tracing slows the page down: only with BENCH_TRACE=1 (main-thread time per frame).
      if (trace)
        await browser.startTracing(page, {
          categories: [
            'devtools.timeline',
            'disabled-by-default-devtools.timeline',
            'toplevel',
            'blink',
            'cc',
            'v8',
            'disabled-by-default-devtools.timeline.frame',
            '__metadata',
          ],
        });
      const { deltas: frames, mutations } = await run();
      const events = trace ? await browser.stopTracing() : null;
      if (events) {
        // For a closer look: load it in DevTools' Performance panel.
        await mkdir(join(root, 'bench-results'), { recursive: true });
        await writeFile(join(root, 'bench-results', `renderer-${name}.trace.json`), events);
      }
      if (profile) {
        const { profile: data } = await profile.send('Profiler.stop');
        const dir = join(root, 'bench-results', 'profiles');
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, `renderer-${name}.cpuprofile`), JSON.stringify(data));
      }
      return {
        frames,
        busy: events ? mainThreadBusy(events) : [],
        mutationsPerFrame: trace ? mutations / Math.max(1, frames.length) : null,
        breakdown: events ? breakdown(events, frames.length) : null,
      };
    };
    await page.getByRole('checkbox', { name: 'Follow newest' }).uncheck();
    const scroll = await phase('scroll', () => measureFrames(page, 'scroll', PHASE_MS, 0));
    await page.getByRole('checkbox', { name: 'Follow newest' }).check();
    const ingest = await phase('ingest', () => measureFrames(page, 'ingest', PHASE_MS, EVENTS_PER_SECOND));

    // Filter end to end: from Enter in the filter bar to the row count reflecting the result.
    const filterTimes: number[] = [];
    for (const query of FILTER_QUERIES) {
      const elapsed = await page.evaluate(
        (text) =>
          new Promise<number>((resolve) => {
            const count = document.querySelector('.row-count') as HTMLElement;
            const before = count.textContent;
            const input = document.querySelector('.filter-input') as HTMLInputElement;
            const began = performance.now();
            // Type the whole query at once, then Enter (which applies it without the typing debounce).
            Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, text);
            input.dispatchEvent(new Event('input', { bubbles: true }));
            input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
            // Checked at each frame's start; once the count changed, the task queued behind that frame's
            // style, layout and paint marks the list on screen.
            const check = () => {
              if (count.textContent !== before || performance.now() - began > 2000)
                setTimeout(() => resolve(performance.now() - began), 0);
              else requestAnimationFrame(check);
            };
            check();
          }),
        query,
      );
      filterTimes.push(elapsed);
      await page.waitForTimeout(200);
    }

    // p95 moves in whole vsyncs (16.7, 33.3, 50 ms): the share of late frames (a vsync or more
    // missed) shows the difference between two runs with the same p95.
    const row = (what: string, values: number[], goal: number) => [
      what,
      `${percentile(values, 95).toFixed(1)} ms`,
      `≤ ${goal} ms`,
      `(p50 ${percentile(values, 50).toFixed(1)} ms, ${(100 * lateShare(values)).toFixed(1)}% late)`,
    ];
    // The filter itself, without rendering: the compiled query over 100,000 summaries in Node.
    const pure = pureFilterMs();
    const rows = [
      row('frame interval p95, empty page (machine floor)', idle, FRAME_GOAL_MS),
      ['open a 100,000-row session', `${loadMs} ms`, '—'],
      ...(trace ? [row('main thread per frame p95, scrolling', scroll.busy, FRAME_GOAL_MS)] : []),
      row('frame interval p95, scrolling', scroll.frames, FRAME_GOAL_MS),
      ...(trace ? [row('main thread per frame p95, 2,000 events/s', ingest.busy, FRAME_GOAL_MS)] : []),
      row('frame interval p95, 2,000 events/s', ingest.frames, FRAME_GOAL_MS),
      [
        'filter 100,000 summaries, matcher only (max)',
        `${Math.max(...pure).toFixed(1)} ms`,
        `≤ ${FILTER_GOAL_MS} ms`,
      ],
      [
        'filter 100,000 rows, Enter to list updated (max)',
        `${Math.max(...filterTimes).toFixed(1)} ms`,
        `≤ ${FILTER_GOAL_MS} ms`,
      ],
    ];
    const load = (await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ')[0];
    console.log(`\nInspector UI (headless Chromium, software rendering; load average ${load})`);
    for (const [what, value, goal, note] of rows)
      console.log(`  ${what?.padEnd(47)} ${value?.padStart(10)}   goal ${goal?.padEnd(9)} ${note ?? ''}`);
    printBreakdown('scrolling', scroll);
    printBreakdown('2,000 events/s', ingest);
    const results = {
      loadAverage: Number(load),
      rows: ROWS,
      loadMs,
      idleFrameIntervalP95: percentile(idle, 95),
      idle: { p50: percentile(idle, 50), p95: percentile(idle, 95), late: lateShare(idle), n: idle.length },
      scroll: summarise(scroll),
      ingest: summarise(ingest),
      filterMs: filterTimes,
      filterMatcherOnlyMs: pure,
    };
    const dir = join(root, 'bench-results');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'renderer-ui.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await browser.close();
    await server.close();
    if (given === undefined) await rm(rendererDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
