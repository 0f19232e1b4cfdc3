import type { CaptureEvent, CaptureSink } from '../../shared/exchange/capture-events.ts';

/**
 * Stands in for body parts the queue dropped, in their place among the exchange's events: how
 * many bytes of which body, so the record keeps true sizes and marks the hole where it is.
 */
export interface BodyGapEvent {
  type: 'body-gap';
  exchangeId: string;
  /** `messages`: WebSocket messages. */
  side: 'request' | 'response' | 'messages';
  /** When the first dropped part arrived (ms since the exchange started). */
  t: number;
  bytes: number;
}

/** What the queue hands over: the proxy's capture events, and gaps where it dropped body parts. */
export type QueuedEvent = CaptureEvent | BodyGapEvent;

export interface CaptureQueueOptions {
  /**
   * Body bytes the analysis side may hold (queued here, or handed over and not yet released)
   * before body parts are dropped. Control events are never dropped.
   */
  maxBytes: number;
  /** Body bytes handed over per drain turn at most, so one turn stays short. */
  batchBytes: number;
  /**
   * Hand-offs are at least this far apart, so that one carries many events. The first event
   * pushed after that is handed over at the end of its event-loop turn: the forwarding thread is
   * awake then anyway, and a timer would wake it once more.
   */
  handOffMs: number;
  /** When no more events come, the last ones are handed over after at most this long (a timer). */
  maxWaitMs: number;
  /**
   * Receives the events of one drain turn, in order, off the forwarding path. Their body bytes
   * stay counted against `maxBytes` until `reclaim` returns them.
   */
  consume(events: QueuedEvent[]): void;
  /** Body bytes the consumer is done with since the last call; asked when the budget looks spent. */
  reclaim(): number;
  /** Called once per exchange that lost analysis detail to a full queue, on the forwarding path. */
  onDrop(exchangeId: string): void;
}

/**
 * The bounded hand-off between forwarding and analysis. `push` is O(1) and never blocks: the
 * proxy calls it on its hot path. Events are handed over in batches, a few milliseconds apart.
 * When the analysis side falls behind (or is paused) and the budget is spent, body parts are
 * dropped and their exchange is marked; control events (starts, heads, ends, errors) are small
 * and always kept, so every exchange still ends.
 */
export class CaptureQueue implements CaptureSink {
  readonly #options: CaptureQueueOptions;
  #events: QueuedEvent[] = [];
  /**
   * The gap event still queued for each exchange's body (`request:id`, `response:id`), which
   * further drops add to, so a stalled analysis side holds one small event per hole.
   */
  readonly #openGaps = new Map<string, BodyGapEvent>();
  #head = 0;
  /** Body bytes queued, or handed over and not reclaimed. */
  #bytes = 0;
  #scheduled = false;
  #fallback: NodeJS.Timeout | null = null;
  #lastHandOff = Number.NEGATIVE_INFINITY;
  #paused = false;
  #dropped = 0;
  readonly #droppedExchanges = new Set<string>();
  /**
   * Exchanges that started while capture was paused, until their last event: forwarded, never
   * captured. Their events stop here, on the forwarding thread, so their bodies are neither
   * copied into a batch nor handed to the analysis side only to be thrown away there.
   */
  readonly #uncaptured = new Set<string>();
  /** While false (capture paused), exchanges that start are forwarded but not captured; those in flight still are. */
  captureNew = true;

  constructor(options: CaptureQueueOptions) {
    this.#options = options;
  }

  /** Events waiting to be handed over. */
  get length(): number {
    return this.#events.length - this.#head;
  }

  /** Body bytes queued or held by the analysis side. */
  get bytes(): number {
    this.#bytes -= this.#options.reclaim();
    return this.#bytes;
  }

  /** True while handing over is stopped. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Body parts dropped since start. */
  get droppedParts(): number {
    return this.#dropped;
  }

  push(event: CaptureEvent): void {
    if (event.type === 'request-start') {
      if (!this.captureNew) {
        this.#uncaptured.add(event.exchangeId);
        return;
      }
    } else if (this.#uncaptured.size > 0 && this.#uncaptured.has(event.exchangeId)) {
      if (event.type === 'response-end' || event.type === 'exchange-error')
        this.#uncaptured.delete(event.exchangeId);
      return;
    }
    if (
      event.type === 'request-body-part' ||
      event.type === 'response-body-part' ||
      event.type === 'websocket-message'
    ) {
      const size = event.data.byteLength;
      if (this.#bytes + size > this.#options.maxBytes) this.#bytes -= this.#options.reclaim();
      const side =
        event.type === 'request-body-part'
          ? 'request'
          : event.type === 'response-body-part'
            ? 'response'
            : 'messages';
      const key = `${side}:${event.exchangeId}`;
      if (this.#bytes + size > this.#options.maxBytes) {
        this.#dropped++;
        if (!this.#droppedExchanges.has(event.exchangeId)) {
          this.#droppedExchanges.add(event.exchangeId);
          this.#options.onDrop(event.exchangeId);
        }
        const open = this.#openGaps.get(key);
        if (open) {
          open.bytes += size;
          return;
        }
        const gap: BodyGapEvent = {
          type: 'body-gap',
          exchangeId: event.exchangeId,
          side,
          t: event.t,
          bytes: size,
        };
        this.#openGaps.set(key, gap);
        this.#events.push(gap);
        this.#schedule();
        return;
      }
      if (this.#openGaps.size > 0) this.#openGaps.delete(key);
      this.#bytes += size;
    } else if (event.type === 'response-end' || event.type === 'exchange-error') {
      this.#droppedExchanges.delete(event.exchangeId);
    }
    this.#events.push(event);
    this.#schedule();
  }

  /** Stops handing events over (analysis stalls); forwarding is unaffected. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  /** Hands everything queued over now, synchronously (shutdown, ordering with control messages). */
  flush(): void {
    while (this.length > 0) this.#drainBatch();
  }

  #schedule(): void {
    if (this.#scheduled || this.#paused) return;
    if (performance.now() - this.#lastHandOff >= this.#options.handOffMs) {
      this.#scheduled = true;
      setImmediate(this.#turn);
    } else {
      this.#fallback ??= setTimeout(this.#turn, this.#options.maxWaitMs);
    }
  }

  #turn = (): void => {
    this.#scheduled = false;
    if (this.#fallback) clearTimeout(this.#fallback);
    this.#fallback = null;
    if (this.#paused || this.length === 0) return;
    this.#lastHandOff = performance.now();
    this.#drainBatch();
    // A backlog (after a pause) goes on at the next turn of the loop, a batch at a time.
    if (this.length > 0) {
      this.#scheduled = true;
      setImmediate(this.#turn);
    }
  };

  #drainBatch(): void {
    const events = this.#events;
    let end = this.#head;
    let bytes = 0;
    while (end < events.length && bytes < this.#options.batchBytes) {
      const event = events[end++] as QueuedEvent;
      if ('data' in event) bytes += event.data.byteLength;
    }
    // Gaps handed over can no longer grow; the next drop opens a new one.
    this.#openGaps.clear();
    let batch: QueuedEvent[];
    if (this.#head === 0 && end === events.length) {
      // The usual case: everything queued goes in one batch, without copying the array.
      batch = events;
      this.#events = [];
    } else {
      batch = events.slice(this.#head, end);
      this.#head = end;
      if (this.#head === events.length) {
        this.#events = [];
        this.#head = 0;
      } else if (this.#head > 4096 && this.#head * 2 > events.length) {
        this.#events = events.slice(this.#head);
        this.#head = 0;
      }
    }
    this.#options.consume(batch);
  }
}
