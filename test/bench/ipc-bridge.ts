/**
 * `npm run bench`, the desktop bridge: how many capture events per second the live path sustains
 * and how long an event takes from capture to the renderer's store. No Electron and no worker:
 * the live path's one coalescing stage (UpdateBatcher, as the analysis worker runs it) sends its
 * batches structured-cloned on a later turn (as a worker message crosses threads) to the real
 * gateway (electron/bridge/ipc-gateway.ts), which passes them on to a fake `webContents` that
 * structured-clones every batch, as IPC does, and delivers it on a later turn to the real preload
 * bridge (electron/bridge/preload-api.ts), whose subscriber stands in for the renderer's store and upserts
 * the summaries. Everything shares one thread here, so the numbers are a floor: in the app,
 * batching, cloning for the renderer and applying happen on three threads in two processes.
 *
 * Goal (issue 4): ≥ 10,000 events/s with p95 ≤ 100 ms. Prints a table and writes
 * bench-results/ipc-bridge.json; BENCH_QUICK=1 shortens every run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { type IpcEventLike, type IpcListener, openIpcGateway } from '../../electron/bridge/ipc-gateway.ts';
import { createDesktopApi, type IpcRendererLike } from '../../electron/bridge/preload-api.ts';
import { UpdateBatcher } from '../../electron/bridge/update-batcher.ts';
import type { UpdateListener } from '../../electron/inspector-service.ts';
import type { InspectorHandlers, LiveUpdate } from '../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { summarise } from '../../shared/exchange/exchange-summary.ts';
import { streamRecord } from '../support/sample-records.ts';

const quick = process.env.BENCH_QUICK === '1';
const DURATION_MS = quick ? 1000 : 3000;
const DRAIN_MS = 2000;
const APP_URL = 'file:///opt/tokentap/dist/renderer/index.html';
const GOAL_RATE = 10_000;
const GOAL_P95_MS = 100;

interface Shape {
  name: string;
  /** Exchanges in flight at once. */
  streams: number;
  /** Capture events per exchange before it completes and a new one starts. */
  eventsPerExchange: number;
}

const SHAPES: Shape[] = [
  { name: '100 streams × 50 chunks', streams: 100, eventsPerExchange: 50 },
  { name: '2000 streams × 50 chunks', streams: 2000, eventsPerExchange: 50 },
  { name: 'no coalescing: 1 event per exchange', streams: 1, eventsPerExchange: 1 },
];
const RATES = quick ? [10_000, 50_000] : [10_000, 25_000, 50_000, 100_000, 200_000];

interface RunResult {
  shape: string;
  offeredPerSecond: number;
  /** Events the generator managed to emit per second (it shares the thread with the bridge). */
  emittedPerSecond: number;
  /** Events whose state reached the store, per second of the run (drain included). */
  deliveredPerSecond: number;
  delivered: number;
  emitted: number;
  undelivered: number;
  batches: number;
  batchesPerSecond: number;
  maxBatch: number;
  meanBatch: number;
  minGapMs: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  meetsGoal: boolean;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (rank - lo);
}

/** The app's window and its frame, as the gateway checks them. */
const trustedEvent: IpcEventLike = { sender: { id: 1 }, senderFrame: { url: APP_URL, parent: null } };

async function run(shape: Shape, rate: number): Promise<RunResult> {
  // ---- main process: the gateway over a fake ipcMain and webContents ----
  const onListeners = new Map<string, IpcListener>();
  const rendererListeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  let batches = 0;
  let maxBatch = 0;
  let batchedUpdates = 0;
  let lastSend = Number.NaN;
  let minGapMs = Number.POSITIVE_INFINITY;
  const webContents = {
    id: 1,
    isDestroyed: () => false,
    send(channel: string, ...args: unknown[]) {
      const now = performance.now();
      if (!Number.isNaN(lastSend)) minGapMs = Math.min(minGapMs, now - lastSend);
      lastSend = now;
      const batch = args[0] as LiveUpdate[];
      batches++;
      batchedUpdates += batch.length;
      maxBatch = Math.max(maxBatch, batch.length);
      // What IPC does to every message: a structured clone, received on a later turn elsewhere.
      const cloned = structuredClone(args);
      setImmediate(() => rendererListeners.get(channel)?.({ sender: 'main' }, ...cloned));
    },
  };
  let source: UpdateListener | null = null;
  const gateway = openIpcGateway({
    ipcMain: {
      handle: () => {},
      removeHandler: () => {},
      on: (channel, listener) => onListeners.set(channel, listener),
      removeListener: (channel) => onListeners.delete(channel),
    },
    webContents,
    appUrl: APP_URL,
    handlers: {} as InspectorHandlers,
    subscribe: (listener) => {
      source = listener;
      return () => {
        source = null;
      };
    },
    log: (message) => console.error(message),
  });

  // ---- renderer: the real preload bridge, its subscriber standing in for the store ----
  const ipcRenderer: IpcRendererLike = {
    invoke: async () => undefined,
    send: (channel) => setImmediate(() => onListeners.get(channel)?.(trustedEvent)),
    on: (channel, listener) => rendererListeners.set(channel, listener),
    removeListener: (channel) => rendererListeners.delete(channel),
  };
  const api = createDesktopApi(ipcRenderer);
  const store = new Map<string, ExchangeSummary>();
  // Per exchange: capture times of events not yet in the store, oldest first.
  const waiting = new Map<string, { times: number[]; head: number }>();
  const latencies = new Float64Array(Math.ceil((rate * (DURATION_MS + 500)) / 1000) + 10);
  let delivered = 0;
  const unsubscribe = api.onUpdates((batch) => {
    const now = performance.now();
    for (const update of batch) {
      if (update.type !== 'exchange') continue;
      const summary = update.summary;
      store.set(summary.id, summary);
      // The summary carries the capture time of the newest event it includes.
      const upTo = summary.timings.totalMs ?? Number.NEGATIVE_INFINITY;
      const queue = waiting.get(summary.id);
      if (!queue) continue;
      while (queue.head < queue.times.length && (queue.times[queue.head] as number) <= upTo) {
        latencies[delivered++] = now - (queue.times[queue.head++] as number);
      }
      if (queue.head === queue.times.length) waiting.delete(summary.id);
    }
  });
  await new Promise((resolve) => setImmediate(resolve));

  // ---- the analysis worker: its batcher, each batch crossing to the main thread as a clone ----
  const worker = new UpdateBatcher({
    send: (batch) => {
      const cloned = structuredClone(batch);
      setImmediate(() => source?.send(cloned));
    },
  });

  // ---- capture: exchanges progressing, every event a change to its exchange ----
  const template = streamRecord();
  let seq = 0;
  const newRecord = (): ExchangeRecord => {
    seq++;
    return {
      ...template,
      id: `x${seq}`,
      seq,
      state: 'streaming',
      error: null,
      timings: { ...template.timings },
    };
  };
  const live: { record: ExchangeRecord; events: number }[] = Array.from({ length: shape.streams }, () => ({
    record: newRecord(),
    events: 0,
  }));
  let emitted = 0;
  let next = 0;
  const emit = (now: number) => {
    const slot = live[next] as { record: ExchangeRecord; events: number };
    next = (next + 1) % live.length;
    const { record } = slot;
    slot.events++;
    record.timings.totalMs = now;
    if (slot.events >= shape.eventsPerExchange) record.state = 'complete';
    let queue = waiting.get(record.id);
    if (!queue) {
      queue = { times: [], head: 0 };
      waiting.set(record.id, queue);
    }
    queue.times.push(now);
    worker.exchange(record.id, () => summarise(record));
    emitted++;
    if (record.state === 'complete') {
      slot.record = newRecord();
      slot.events = 0;
    }
  };

  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const elapsed = now - started;
      if (elapsed >= DURATION_MS) return resolve();
      // Catch up to the schedule, but in slices, so the batcher's timer gets its turns.
      const due = Math.min(Math.floor((elapsed * rate) / 1000) - emitted, 2000);
      for (let i = 0; i < due; i++) emit(now);
      setImmediate(tick);
    };
    tick();
  });
  const generatedMs = performance.now() - started;
  const drainDeadline = performance.now() + DRAIN_MS;
  while (delivered < emitted && performance.now() < drainDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const totalMs = performance.now() - started;
  unsubscribe();
  worker.close();
  gateway.close();

  const sorted = latencies.subarray(0, delivered).sort();
  const latencyMs = {
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
  const deliveredPerSecond = (delivered / totalMs) * 1000;
  const emittedPerSecond = (emitted / generatedMs) * 1000;
  return {
    shape: shape.name,
    offeredPerSecond: rate,
    emittedPerSecond,
    deliveredPerSecond,
    delivered,
    emitted,
    undelivered: emitted - delivered,
    batches,
    batchesPerSecond: (batches / totalMs) * 1000,
    maxBatch,
    meanBatch: batches ? batchedUpdates / batches : 0,
    minGapMs: Number.isFinite(minGapMs) ? minGapMs : Number.NaN,
    latencyMs,
    meetsGoal: emitted - delivered === 0 && emittedPerSecond >= 0.95 * rate && latencyMs.p95 <= GOAL_P95_MS,
  };
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

const results: RunResult[] = [];
console.log(
  `IPC bridge: UpdateBatcher (16 ms, cap 2000, the worker's) → structuredClone → gateway → structuredClone → preload bridge → store; ${DURATION_MS / 1000} s per run`,
);
for (const shape of SHAPES) {
  for (const rate of RATES) {
    const result = await run(shape, rate);
    results.push(result);
    process.stderr.write(
      `[ipc bench] ${shape.name} @ ${rate}/s: delivered ${result.deliveredPerSecond.toFixed(0)}/s, p95 ${result.latencyMs.p95.toFixed(1)} ms\n`,
    );
  }
}

const header = [
  pad('shape', 36),
  pad('offered/s', 10, true),
  pad('emitted/s', 10, true),
  pad('store/s', 10, true),
  pad('lost', 6, true),
  pad('msgs/s', 7, true),
  pad('batch avg/max', 14, true),
  pad('min gap', 8, true),
  pad('p50', 8, true),
  pad('p95', 8, true),
  pad('p99', 8, true),
  '  goal',
].join(' ');
console.log('');
console.log(header);
console.log('-'.repeat(header.length));
for (const r of results) {
  console.log(
    [
      pad(r.shape, 36),
      pad(r.offeredPerSecond.toFixed(0), 10, true),
      pad(r.emittedPerSecond.toFixed(0), 10, true),
      pad(r.deliveredPerSecond.toFixed(0), 10, true),
      pad(String(r.undelivered), 6, true),
      pad(r.batchesPerSecond.toFixed(1), 7, true),
      pad(`${r.meanBatch.toFixed(0)}/${r.maxBatch}`, 14, true),
      pad(`${r.minGapMs.toFixed(1)}ms`, 8, true),
      pad(`${r.latencyMs.p50.toFixed(1)}ms`, 8, true),
      pad(`${r.latencyMs.p95.toFixed(1)}ms`, 8, true),
      pad(`${r.latencyMs.p99.toFixed(1)}ms`, 8, true),
      r.meetsGoal ? '  ok' : '  MISSED',
    ].join(' '),
  );
}
console.log('');
for (const shape of SHAPES) {
  const sustained = results
    .filter((r) => r.shape === shape.name && r.meetsGoal)
    .reduce((best, r) => Math.max(best, r.emittedPerSecond), 0);
  const verdict = sustained >= GOAL_RATE ? 'meets' : 'MISSES';
  console.log(
    `${shape.name}: sustains ${sustained.toFixed(0)} events/s with p95 ≤ ${GOAL_P95_MS} ms and nothing lost (${verdict} the goal of ≥ ${GOAL_RATE}/s)`,
  );
}
const resultsDir = new URL('../../bench-results/', import.meta.url);
await mkdir(resultsDir, { recursive: true });
const file = new URL('ipc-bridge.json', resultsDir);
await writeFile(
  file,
  `${JSON.stringify({ node: process.version, durationMs: DURATION_MS, goal: { rate: GOAL_RATE, p95Ms: GOAL_P95_MS }, results }, null, 2)}\n`,
);
console.log(`wrote ${file.pathname}`);
