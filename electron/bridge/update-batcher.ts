import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange-record.ts';
import { summarise } from '../../shared/exchange-summary.ts';
import type { LiveUpdate } from '../../shared/inspector-contract.ts';

export interface UpdateBatcherOptions {
  /** Sends one batch (one IPC message, one WebSocket frame). */
  send(batch: LiveUpdate[]): void;
  /** At most one batch per interval; 16 ms is one frame. */
  intervalMs?: number;
  /** Updates per batch at most; the rest go in the next one. */
  maxBatch?: number;
}

/**
 * Turns the stream of capture changes into at most one message per frame for one renderer:
 * changes to the same exchange are coalesced (only its latest summary is sent, and it is only
 * summarised when sent), batches are capped, and nothing is sent before the renderer is ready.
 */
export class UpdateBatcher {
  readonly #send: (batch: LiveUpdate[]) => void;
  readonly #intervalMs: number;
  readonly #maxBatch: number;
  // Insertion-ordered: an exchange keeps its first place in line however often it changes.
  readonly #exchanges = new Map<string, () => ExchangeSummary>();
  #others: LiveUpdate[] = [];
  #ready = false;
  #timer: NodeJS.Timeout | null = null;
  #lastSent = 0;

  constructor(options: UpdateBatcherOptions) {
    this.#send = options.send;
    this.#intervalMs = options.intervalMs ?? 16;
    this.#maxBatch = options.maxBatch ?? 2000;
  }

  /**
   * An exchange changed; `record` may be the live object under construction (read at send time),
   * `summary` what summarises it then (the analysis passes one that scrubs secrets).
   */
  exchange(record: ExchangeRecord, summary: () => ExchangeSummary = () => summarise(record)): void {
    this.#exchanges.delete(record.id);
    this.#exchanges.set(record.id, summary);
    this.#schedule();
  }

  /** Any other update (status, session). */
  push(update: LiveUpdate): void {
    if (update.type === 'exchange') {
      this.#exchanges.delete(update.summary.id);
      const { summary } = update;
      this.#exchanges.set(summary.id, () => summary);
    } else this.#others.push(update);
    this.#schedule();
  }

  /** The renderer has subscribed and can take batches now. */
  ready(): void {
    this.#ready = true;
    this.#schedule();
  }

  /** Updates waiting to be sent. */
  get pending(): number {
    return this.#exchanges.size + this.#others.length;
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#ready = false;
  }

  #schedule(): void {
    if (!this.#ready || this.#timer) return;
    const wait = Math.max(0, this.#lastSent + this.#intervalMs - performance.now());
    this.#timer = setTimeout(this.#flush, wait);
  }

  #flush = (): void => {
    // Node's timers read a cached clock and can fire a few ms early on a busy loop; wait out the rest.
    const early = this.#lastSent + this.#intervalMs - performance.now();
    if (early > 0) {
      this.#timer = setTimeout(this.#flush, Math.ceil(early));
      return;
    }
    this.#timer = null;
    const batch: LiveUpdate[] = this.#others.splice(0, this.#maxBatch);
    for (const [id, summary] of this.#exchanges) {
      if (batch.length >= this.#maxBatch) break;
      this.#exchanges.delete(id);
      batch.push({ type: 'exchange', summary: summary() });
    }
    if (batch.length === 0) return;
    this.#send(batch);
    // Counted from the end of the send, so the next one starts a full interval after this one.
    this.#lastSent = performance.now();
    if (this.pending > 0) this.#schedule();
  };
}
