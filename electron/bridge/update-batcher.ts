import type { LiveUpdate } from '../../shared/contract/inspector-contract.ts';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';

/** The time source of a batcher: the real one, or one a test turns by hand. */
export interface BatchClock {
  now(): number;
  /** Runs `run` after `ms` milliseconds; returns what cancels it. */
  after(ms: number, run: () => void): () => void;
}

/** `performance.now()` and Node's timers. */
export const REAL_CLOCK: BatchClock = {
  now: () => performance.now(),
  after(ms, run) {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

export interface UpdateBatcherOptions {
  /** Sends one batch (one message to the main thread). */
  send(batch: LiveUpdate[]): void;
  /** At most one batch per interval; 16 ms is one frame. */
  intervalMs?: number;
  /** Updates per batch at most; the rest go in the next one. */
  maxBatch?: number;
  clock?: BatchClock;
}

/**
 * The one coalescing stage of the live path (it runs in the analysis worker): turns the stream of
 * changes to exchanges in flight into at most one message per frame. Changes to the same exchange
 * are coalesced (only its latest summary is sent, and it is only summarised when sent) and batches
 * are capped. Everything after it (the main thread, each transport) passes batches on as they come.
 */
export class UpdateBatcher {
  readonly #send: (batch: LiveUpdate[]) => void;
  readonly #intervalMs: number;
  readonly #maxBatch: number;
  readonly #clock: BatchClock;
  // Insertion-ordered: an exchange keeps its first place in line however often it changes.
  readonly #exchanges = new Map<string, () => ExchangeSummary>();
  #cancel: (() => void) | null = null;
  #lastSent = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: UpdateBatcherOptions) {
    this.#send = options.send;
    this.#intervalMs = options.intervalMs ?? 16;
    this.#maxBatch = options.maxBatch ?? 2000;
    this.#clock = options.clock ?? REAL_CLOCK;
  }

  /** An exchange changed; `summary` summarises it as it is when called (at send time). */
  exchange(id: string, summary: () => ExchangeSummary): void {
    this.#exchanges.delete(id);
    this.#exchanges.set(id, summary);
    this.#schedule();
  }

  /** The exchange is over (its record goes out on its own): no update of it is sent after this. */
  forget(id: string): void {
    this.#exchanges.delete(id);
  }

  /** Updates waiting to be sent. */
  get pending(): number {
    return this.#exchanges.size;
  }

  /** Sends what is waiting now, outside the frame schedule (for a caller that must see it all). */
  flush(): void {
    this.#cancel?.();
    this.#cancel = null;
    this.#lastSent = Number.NEGATIVE_INFINITY;
    this.#flush();
  }

  close(): void {
    this.#closed = true;
    this.#cancel?.();
    this.#cancel = null;
  }

  #schedule(): void {
    if (this.#closed || this.#cancel) return;
    const wait = Math.max(0, this.#lastSent + this.#intervalMs - this.#clock.now());
    this.#cancel = this.#clock.after(wait, this.#flush);
  }

  #flush = (): void => {
    // Node's timers read a cached clock and can fire a few ms early on a busy loop; wait out the rest.
    const early = this.#lastSent + this.#intervalMs - this.#clock.now();
    if (early > 0) {
      this.#cancel = this.#clock.after(Math.ceil(early), this.#flush);
      return;
    }
    this.#cancel = null;
    const batch: LiveUpdate[] = [];
    for (const [id, summary] of this.#exchanges) {
      if (batch.length >= this.#maxBatch) break;
      this.#exchanges.delete(id);
      batch.push({ type: 'exchange', summary: summary() });
    }
    if (batch.length === 0) return;
    this.#send(batch);
    // Counted from the end of the send, so the next one starts a full interval after this one.
    this.#lastSent = this.#clock.now();
    if (this.pending > 0) this.#schedule();
  };
}
