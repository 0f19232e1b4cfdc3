/**
 * The inspector UI under load, in real headless Chromium: the built renderer (dist/renderer) with an
 * in-page InspectorApi standing in for the preload bridge (the main process is measured elsewhere).
 * Measures frame time p95 while scrolling 100,000 rows and while ingesting 2,000 events/s, and the
 * time to filter 100,000 rows, end to end (typing to the list showing the result). Prints a table,
 * writes bench-results/renderer-ui.json, never fails on a missed goal.
 *
 * Needs `vite build` first and a Chromium (`CHROMIUM=/path`, default /usr/bin/chromium).
 * BENCH_QUICK=1 shortens the runs; BENCH_TRACE=1 adds main-thread time per frame from a Chromium
 * trace (which itself slows the page); BENCH_PROFILE=1 writes CPU profiles.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { compileQuery } from '../../renderer/filter/query-match.ts';
import type { ExchangeSummary } from '../../shared/exchange-record.ts';

const quick = process.env.BENCH_QUICK === '1';
const trace = process.env.BENCH_TRACE === '1';
const ROWS = 100_000;
const EVENTS_PER_SECOND = 2_000;
const PHASE_MS = quick ? 1_500 : 5_000;
const FRAME_GOAL_MS = 16.7;
const FILTER_GOAL_MS = 100;
const rendererDir = join(import.meta.dirname, '..', '..', 'dist', 'renderer');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Serves the built renderer over http (module scripts do not load from file:// in a browser). */
async function serveRenderer(): Promise<{ url: string; close(): Promise<void> }> {
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
  const empty = { byTenant: [], byModel: [], byTenantModel: [] };
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
) {
  return page.evaluate(
    ({ kind, ms, rate }) =>
      new Promise<number[]>((resolve) => {
        const grid = document.querySelector('[role="grid"]') as HTMLElement;
        const bench = (window as unknown as { __bench: { emit(n: number): void } }).__bench;
        const deltas: number[] = [];
        let last = performance.now();
        const began = last;
        let owed = 0;
        let direction = 1;
        const frame = (now: number) => {
          deltas.push(now - last);
          if (kind === 'scroll') {
            // A fast wheel: 10 rows a frame (600 rows/s), turning every 2 s; no layout reads here, so
            // the frame only pays for what the app does.
            grid.scrollTop += direction * 220;
            if (deltas.length % 120 === 0) direction = -direction;
          } else {
            owed += ((now - last) / 1000) * rate;
            const n = Math.floor(owed);
            owed -= n;
            // The bridge sends a batch per frame; the app queues it and applies it on the next one.
            if (n > 0) bench.emit(n);
          }
          last = now;
          if (now - began < ms) requestAnimationFrame(frame);
          else resolve(deltas.slice(1));
        };
        requestAnimationFrame(frame);
      }),
    { kind, ms, rate },
  );
}

interface Phase {
  /** Intervals between animation frames (ms): what the user sees, including raster and compositing. */
  frames: number[];
  /** Main-thread busy time (script, style, layout, paint recording) per 16.7 ms window: the app's own cost. */
  busy: number[];
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
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

function summarise(phase: Phase) {
  const stats = (values: number[]) => ({
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: Math.max(...values),
    n: values.length,
  });
  return { frameIntervalMs: stats(phase.frames), mainThreadMsPerFrame: stats(phase.busy) };
}

async function main(): Promise<void> {
  if (!existsSync(join(rendererDir, 'index.html')))
    throw new Error('dist/renderer is missing: run `npx vite build` first');
  if (!existsSync(chromiumPath)) {
    console.error(
      `renderer-ui bench: SKIPPED, no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM)`,
    );
    return;
  }
  const server = await serveRenderer();
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
            if (now - began < 1000) requestAnimationFrame(frame);
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
    const phase = async (name: string, run: () => Promise<number[]>): Promise<Phase> => {
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
            '__metadata',
          ],
        });
      const frames = await run();
      const events = trace ? await browser.stopTracing() : null;
      if (profile) {
        const { profile: data } = await profile.send('Profiler.stop');
        const dir = join(import.meta.dirname, '..', '..', 'bench-results', 'profiles');
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, `renderer-${name}.cpuprofile`), JSON.stringify(data));
      }
      return { frames, busy: events ? mainThreadBusy(events) : [] };
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
            const check = () => {
              if (count.textContent !== before || performance.now() - began > 2000)
                resolve(performance.now() - began);
              else requestAnimationFrame(check);
            };
            check();
          }),
        query,
      );
      filterTimes.push(elapsed);
      await page.waitForTimeout(200);
    }

    const row = (what: string, values: number[], goal: number) => [
      what,
      `${percentile(values, 95).toFixed(1)} ms`,
      `≤ ${goal} ms`,
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
    for (const [what, value, goal] of rows)
      console.log(`  ${what?.padEnd(47)} ${value?.padStart(10)}   goal ${goal}`);
    const results = {
      loadAverage: Number(load),
      rows: ROWS,
      loadMs,
      idleFrameIntervalP95: percentile(idle, 95),
      scroll: summarise(scroll),
      ingest: summarise(ingest),
      filterMs: filterTimes,
      filterMatcherOnlyMs: pure,
    };
    const dir = join(import.meta.dirname, '..', '..', 'bench-results');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'renderer-ui.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.main) await main();
