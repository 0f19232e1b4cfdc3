import { Worker } from 'node:worker_threads';
import type { LiveUpdate } from '../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import type { ThreadSeed } from '../../shared/threads/thread-seeds.ts';
import { stopWorker } from '../worker-stop.ts';
import {
  type AnalysisAnswers,
  type AnalysisQuery,
  type AnalysisWorkerData,
  type FromWorker,
  packEvents,
  type ToWorker,
} from './analysis-protocol.ts';
import { CaptureQueue } from './capture-queue.ts';
import type { CaptureLimits } from './exchange-assembler.ts';
import type { FinishedExchange } from './finished-exchange.ts';

export interface AnalysisWorkerHostOptions {
  limits?: CaptureLimits | undefined;
  /** A module whose default export makes the analyzers from the limits (tests); absent: the defaults. */
  analyzersModule?: URL | undefined;
  /** Body bytes the analysis side may hold before body parts are dropped (default 64 MiB). */
  queueBytes?: number | undefined;
  /** Receives each exchange's final record, serialised. */
  onRecord(exchange: FinishedExchange): void;
  /**
   * Summaries of exchanges in flight as the worker sends them, at most one batch per frame: every
   * change while `liveUpdates` is on, else each change of an exchange's state.
   */
  onUpdates?: ((batch: LiveUpdate[]) => void) | undefined;
  /** The worker died: the exchanges it had in flight are gone (their rows should be reloaded). */
  onLost?: (() => void) | undefined;
  log?: ((message: string) => void) | undefined;
}

// From source (npm run serve, tests) the worker is the .ts file; in the Electron build it is the
// bundle next to main.js.
const WORKER_ENTRY = import.meta.url.endsWith('.ts') ? './analysis-worker.ts' : './analysis-worker.js';

/** Body bytes handed to the worker per message at most: a turn of copying stays well under a millisecond. */
const BATCH_BYTES = 1024 * 1024;
/**
 * How far apart hand-offs are at least, and how long the last events wait at most. A message
 * costs both threads some microseconds and wakes the worker, so one per request would tax every
 * request; a few milliseconds apart means one per many, and nobody looks at analysis results that
 * fast (the UI shows them at most once a frame).
 */
const HAND_OFF_MS = 4;
const MAX_WAIT_MS = 10;
/** Batches with at least this many body bytes are transferred rather than copied (measured: below it, copying is faster). */
const TRANSFER_BYTES = 64 * 1024;

/**
 * The analysis side of the tee as the forwarding thread sees it: `queue` is the sink the proxy
 * pushes capture events into, and a worker thread runs the capture pipeline over them. All the
 * forwarding thread does for analysis is push events and, every few milliseconds, copy their
 * body bytes into one batch for the worker.
 */
export class AnalysisWorkerHost {
  readonly queue: CaptureQueue;
  readonly #options: AnalysisWorkerHostOptions;
  readonly #log: (message: string) => void;
  #worker: Worker;
  /** Exchanges that lost body parts to a full queue, until their last event is handed over. */
  readonly #dropped = new Set<string>();
  /**
   * The exchanges in flight by their latest summary: set by the worker's updates, removed when
   * its record arrives (the worker sends no update of an exchange after its record).
   */
  readonly #inFlight = new Map<string, ExchangeSummary>();
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextQuery = 0;
  /** Body bytes handed to the worker and not yet reclaimed from it. */
  #outstanding = 0;
  /** Where the worker counts the body bytes it is done with (see AnalysisWorkerData). */
  readonly #released = new Int32Array(new SharedArrayBuffer(4));
  /** Bytes a dead worker held, given back at the next reclaim. */
  #lost = 0;
  #live = false;
  #telemetry: boolean | null = null;
  /** The session file records go to (a new worker is told again). */
  #blockSession: string | null = null;
  /** The threads the worker was seeded with (a new worker gets them again). */
  #seeds: ThreadSeed[] = [];
  #closed = false;

  constructor(options: AnalysisWorkerHostOptions) {
    this.#options = options;
    this.#log = options.log ?? ((message) => console.warn(`[tokentap] ${message}`));
    this.queue = new CaptureQueue({
      maxBytes: options.queueBytes ?? 64 * 1024 * 1024,
      batchBytes: BATCH_BYTES,
      handOffMs: HAND_OFF_MS,
      maxWaitMs: MAX_WAIT_MS,
      reclaim: () => {
        const released = Atomics.exchange(this.#released, 0, 0) + this.#lost;
        this.#lost = 0;
        this.#outstanding -= released;
        return released;
      },
      consume: (events) => {
        const batch = packEvents(events, this.#dropped);
        this.#outstanding += batch.bytes.byteLength;
        // Copying a few kilobytes is cheaper than detaching a buffer; big batches move instead.
        this.#worker.postMessage(batch, batch.bytes.byteLength >= TRANSFER_BYTES ? [batch.bytes] : []);
      },
      onDrop: (id) => this.#dropped.add(id),
    });
    this.#worker = this.#startWorker();
  }

  /** While paused, exchanges that start are forwarded but not captured (the queue drops their events). */
  get paused(): boolean {
    return !this.queue.captureNew;
  }

  set paused(paused: boolean) {
    this.queue.captureNew = !paused;
  }

  /** Whether `onUpdates` receives live summaries; turning it on sends everything in flight first. */
  set liveUpdates(on: boolean) {
    if (on === this.#live) return;
    this.#live = on;
    this.#send({ type: 'live-updates', on });
  }

  /** The OpenTelemetry export's content opt-in (null: export off): while set, each record comes with its span. */
  set telemetry(captureContent: boolean | null) {
    this.#telemetry = captureContent;
    this.#send({ type: 'telemetry', captureContent });
  }

  /** Threads the worker continues (from an earlier session, or the current one after a worker restart), before the events that follow. */
  seedThreads(seeds: ThreadSeed[]): void {
    this.#seeds = seeds;
    if (seeds.length > 0) this.#send({ type: 'seed-threads', seeds });
  }

  /**
   * The session file records go to from now on; resolves once every record the worker finished
   * before (which may leave out texts of blocks the previous file has) is delivered, so the caller
   * can switch files after it.
   */
  async blocksFor(session: string): Promise<void> {
    this.#blockSession = session;
    this.#send({ type: 'blocks-for', session });
    await this.idle();
  }

  /** These blocks' lines reached that session's file: later records may refer to them without their texts. */
  blocksWritten(session: string, hashes: string[]): void {
    if (hashes.length > 0) this.#send({ type: 'blocks-written', session, hashes });
  }

  /** The current state of an exchange in flight; null once it is over (its record was delivered). */
  liveRecord(exchangeId: string): Promise<ExchangeRecord | null> {
    return this.#ask({ query: 'record', exchangeId });
  }

  /**
   * Summaries of the exchanges in flight, from the main thread's map (the worker is not asked): as
   * of their last change while `liveUpdates` is on, else as of their last change of state.
   */
  inFlight(): ExchangeSummary[] {
    return [...this.#inFlight.values()];
  }

  /** Resolves once everything pushed so far has been analysed and its records delivered. */
  async idle(): Promise<void> {
    await this.#ask({ query: 'idle' });
  }

  /** Analyses what is queued, delivers the records, then has the worker exit. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.queue.resume();
    // A worker that died meanwhile has nothing more to deliver; stopping goes on.
    await this.idle().catch(() => undefined);
    this.#closed = true;
    const worker = this.#worker;
    await stopWorker(worker, () => worker.postMessage({ type: 'stop' } satisfies ToWorker));
  }

  #startWorker(): Worker {
    const data: AnalysisWorkerData = {
      limits: this.#options.limits,
      analyzersModule: this.#options.analyzersModule?.href ?? null,
      released: this.#released.buffer as SharedArrayBuffer,
    };
    const worker = new Worker(new URL(WORKER_ENTRY, import.meta.url), { workerData: data });
    // The proxy's server keeps the process alive; analysis alone must not.
    worker.unref();
    worker.on('message', this.#receive);
    worker.on('error', (error) => this.#log(`the analysis worker failed: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => this.#onExit(worker, code));
    return worker;
  }

  #receive = (message: FromWorker): void => {
    switch (message.type) {
      case 'records':
        for (const exchange of message.exchanges) {
          this.#inFlight.delete(exchange.summary.id);
          this.#options.onRecord(exchange);
        }
        return;
      case 'updates':
        for (const update of message.batch)
          if (update.type === 'exchange') this.#inFlight.set(update.summary.id, update.summary);
        this.#options.onUpdates?.(message.batch);
        return;
      case 'log':
        this.#log(message.message);
        return;
      case 'answer': {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        pending?.resolve(message.value);
        return;
      }
    }
  };

  /**
   * A worker that dies (a crash, running out of memory) takes the exchanges it was analysing with
   * it; forwarding never noticed. A new one takes over from the next batch.
   */
  #onExit(worker: Worker, code: number): void {
    if (this.#closed || worker !== this.#worker) return;
    this.#log(
      `the analysis worker exited (code ${code}); exchanges in flight lose their capture, starting a new one`,
    );
    for (const pending of this.#pending.values()) pending.reject(new Error('the analysis worker exited'));
    this.#pending.clear();
    // All it held comes back, released or not (its count is part of what was outstanding).
    Atomics.store(this.#released, 0, 0);
    this.#lost = this.#outstanding;
    this.#inFlight.clear();
    this.#worker = this.#startWorker();
    if (this.#live) this.#send({ type: 'live-updates', on: true });
    if (this.#telemetry !== null) this.#send({ type: 'telemetry', captureContent: this.#telemetry });
    if (this.#seeds.length > 0) this.#send({ type: 'seed-threads', seeds: this.#seeds });
    if (this.#blockSession !== null) this.#send({ type: 'blocks-for', session: this.#blockSession });
    this.#options.onLost?.();
  }

  #ask<Q extends AnalysisQuery>(query: Q): Promise<AnalysisAnswers[Q['query']]> {
    if (this.#closed) return Promise.reject(new Error('the analysis worker host is closed'));
    const id = this.#nextQuery++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#send({ type: 'query', id, ...query });
    });
  }

  /** Control messages and queries come after every event pushed before them (unless analysis is stalled). */
  #send(message: ToWorker): void {
    if (!this.queue.paused) this.queue.flush();
    this.#worker.postMessage(message);
  }
}
