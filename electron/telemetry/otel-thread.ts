import { Worker } from 'node:worker_threads';
import type { TelemetryStatus } from '../../shared/contract/inspector-contract.ts';
import type { FinishedExchange } from '../capture/finished-exchange.ts';
import { stopWorker } from '../worker-stop.ts';
import { type GenAiSpan, spanSize } from './genai-span.ts';
import type { OtelConfig } from './otel-config.ts';
import type { FromOtelWorker, OtelWorkerData, ToOtelWorker } from './otel-messages.ts';
import { initialTelemetryStatus } from './telemetry-status.ts';

// Built, main.js starts the bundled worker from its own folder.
const WORKER_ENTRY = import.meta.url.endsWith('.ts') ? './otel-worker.ts' : './otel-worker.js';

export interface OtelThreadOptions {
  log: (message: string) => void;
  /** Hears a change of state (working → failing, and back). */
  onStatus: () => void;
  /** Spans handed over and not yet taken by the thread; beyond, new ones are dropped (counted). */
  maxInFlight?: number;
  /** The same bound in characters (`spanSize`: with message content, a coding agent's turn is megabytes). */
  maxInFlightChars?: number;
}

/**
 * The forwarding thread's side of the OpenTelemetry export: the span the analysis worker made of
 * each finished exchange (a few hundred bytes, not its record) is posted to a worker thread,
 * batched per turn; at most `maxInFlight` wait for it, so a thread that falls behind costs
 * drops, never memory or forwarding time.
 */
export class OtelThread {
  readonly #worker: Worker;
  readonly #options: OtelThreadOptions;
  #status: TelemetryStatus;
  #inFlight = 0;
  #inFlightChars = 0;
  #dropped = 0;
  #batch: GenAiSpan[] = [];
  #closed: Promise<void> | null = null;
  #onClosed: (() => void) | null = null;
  /** The thread said it closed (and exits on its own). */
  #answeredClose = false;
  /** Who waits for every span offered so far to be taken by the export thread. */
  #onTaken: Array<() => void> = [];
  readonly #closeWaitMs: number;
  readonly #captureContent: boolean;

  constructor(config: OtelConfig, options: OtelThreadOptions) {
    this.#options = options;
    this.#captureContent = config.captureContent;
    // A stalled endpoint does not hold up quitting for longer than about two export attempts.
    this.#closeWaitMs = Math.min(config.timeoutMs * 2 + 1000, 30_000);
    this.#status = initialTelemetryStatus(config);
    const data: OtelWorkerData = { config };
    this.#worker = new Worker(new URL(WORKER_ENTRY, import.meta.url), { workerData: data });
    // The proxy's server keeps the process alive; the export alone must not.
    this.#worker.unref();
    this.#worker.on('message', this.#receive);
    this.#worker.on('error', (error) => options.log(`the OpenTelemetry thread failed: ${error.message}`));
    this.#worker.on('exit', (code) => {
      this.#onClosed?.();
      if (this.#closed) return;
      this.#status = {
        ...this.#status,
        state: 'failing',
        error: `the export thread stopped (exit code ${code}); restart Tokentap to export again`,
      };
      options.log(`the OpenTelemetry thread exited (code ${code}); export is off`);
      options.onStatus();
    });
  }

  /** Whether spans carry message content: the analysis worker makes them so. */
  get captureContent(): boolean {
    return this.#captureContent;
  }

  /** Hands over a finished exchange's span; never blocks, never parses (no span: not a GenAI operation, or made before the export was on). */
  offer(exchange: FinishedExchange): void {
    const span = exchange.span;
    if (this.#closed || !span) return;
    const chars = spanSize(span);
    if (
      this.#inFlight >= (this.#options.maxInFlight ?? 4096) ||
      this.#inFlightChars + chars > (this.#options.maxInFlightChars ?? 64 * 2 ** 20)
    ) {
      this.#dropped++;
      return;
    }
    this.#inFlight++;
    this.#inFlightChars += chars;
    if (this.#batch.push(span) === 1) setImmediate(() => this.#flushBatch());
  }

  /** Resolves once the export thread has taken every span offered so far (whether or not it could send them). */
  taken(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#onTaken.push(resolve));
  }

  #allTaken(): void {
    if (this.#inFlight !== 0) return;
    const waiting = this.#onTaken;
    this.#onTaken = [];
    for (const resolve of waiting) resolve();
  }

  #flushBatch(): void {
    const spans = this.#batch;
    this.#batch = [];
    if (spans.length > 0) this.#send({ type: 'spans', spans });
  }

  #send(message: ToOtelWorker): void {
    this.#worker.postMessage(message);
  }

  /** The export's health and counts (as of the thread's last report). */
  status(): TelemetryStatus {
    return {
      ...this.#status,
      queued: this.#status.queued + this.#inFlight,
      dropped: this.#status.dropped + this.#dropped,
    };
  }

  #receive = (message: FromOtelWorker): void => {
    switch (message.type) {
      case 'status':
        this.#status = message.status;
        this.#inFlight -= message.done;
        this.#inFlightChars -= message.doneBytes;
        this.#allTaken();
        if (message.changed) this.#options.onStatus();
        return;
      case 'log':
        this.#options.log(message.message);
        return;
      case 'closed':
        this.#answeredClose = true;
        this.#status = message.status;
        this.#inFlight = 0;
        this.#inFlightChars = 0;
        this.#allTaken();
        this.#onClosed?.();
        return;
    }
  };

  /** Sends what it can (each stage tried once), then stops the thread. */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    this.#flushBatch();
    this.#closed = new Promise<void>((resolve) => {
      this.#onClosed = resolve;
      this.#send({ type: 'close' });
      setTimeout(resolve, this.#closeWaitMs).unref();
    }).then(async () => {
      // Closed, it exits on its own; one that did not answer in time is terminated at once.
      await stopWorker(this.#worker, () => {}, this.#answeredClose ? undefined : 0);
    });
    return this.#closed;
  }
}
