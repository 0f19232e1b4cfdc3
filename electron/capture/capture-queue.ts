import type { CaptureEvent, CaptureSink } from '../../shared/capture-events.ts';

export interface CaptureQueueOptions {
  /** Body bytes the queue may hold before it starts dropping body parts (never control events). */
  maxBytes: number;
  /** How long one drain turn may run before it yields back to forwarding, in ms. */
  sliceMs: number;
  /** Receives events in order, off the forwarding path. */
  consume(event: CaptureEvent): void;
  /** Called once per exchange that lost analysis detail to a full queue. */
  onDrop(exchangeId: string): void;
  /** Called when the consumer throws; the event is skipped and draining goes on. */
  onConsumerError(error: unknown, event: CaptureEvent): void;
}

/**
 * The bounded hand-off between forwarding and analysis. `push` is O(1) and never blocks: the
 * proxy calls it on its hot path. Draining happens later, in time slices, so analysis can never
 * delay a byte of traffic by more than one slice. When the analysis side falls behind (or is
 * paused) and the queue is full, body parts are dropped and their exchange is marked; control
 * events (starts, heads, ends, errors) are small and always kept, so every exchange still ends.
 */
export class CaptureQueue implements CaptureSink {
  readonly #options: CaptureQueueOptions;
  #events: CaptureEvent[] = [];
  #head = 0;
  #bytes = 0;
  #scheduled = false;
  #paused = false;
  #dropped = 0;
  readonly #droppedExchanges = new Set<string>();

  constructor(options: CaptureQueueOptions) {
    this.#options = options;
  }

  /** Events waiting to be analysed. */
  get length(): number {
    return this.#events.length - this.#head;
  }

  /** Body parts dropped since start. */
  get droppedParts(): number {
    return this.#dropped;
  }

  push(event: CaptureEvent): void {
    if (event.type === 'request-body-part' || event.type === 'response-body-part') {
      const size = event.data.byteLength;
      if (this.#bytes + size > this.#options.maxBytes) {
        this.#dropped++;
        if (!this.#droppedExchanges.has(event.exchangeId)) {
          this.#droppedExchanges.add(event.exchangeId);
          this.#options.onDrop(event.exchangeId);
        }
        return;
      }
      this.#bytes += size;
    } else if (event.type === 'response-end' || event.type === 'exchange-error') {
      this.#droppedExchanges.delete(event.exchangeId);
    }
    this.#events.push(event);
    this.#schedule();
  }

  /** Stops draining (analysis stalls); forwarding is unaffected. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  /** Drains everything now, synchronously (shutdown, tests). */
  flush(): void {
    this.#drain(Number.POSITIVE_INFINITY);
  }

  #schedule(): void {
    if (this.#scheduled || this.#paused) return;
    this.#scheduled = true;
    setImmediate(this.#turn);
  }

  #turn = (): void => {
    this.#scheduled = false;
    if (this.#paused) return;
    this.#drain(this.#options.sliceMs);
    if (this.length > 0) this.#schedule();
  };

  #drain(budgetMs: number): void {
    const deadline = performance.now() + budgetMs;
    const events = this.#events;
    let checked = 0;
    while (this.#head < events.length) {
      const event = events[this.#head] as CaptureEvent;
      events[this.#head] = undefined as unknown as CaptureEvent;
      this.#head++;
      if (event.type === 'request-body-part' || event.type === 'response-body-part') {
        this.#bytes -= event.data.byteLength;
      }
      try {
        this.#options.consume(event);
      } catch (error) {
        this.#options.onConsumerError(error, event);
      }
      // Reading the clock is not free; look every 64 events.
      if ((++checked & 63) === 0 && performance.now() > deadline) break;
    }
    if (this.#head === events.length) {
      this.#events = [];
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > events.length) {
      this.#events = events.slice(this.#head);
      this.#head = 0;
    }
  }
}
