import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { spanSize } from './genai-span.ts';

export interface BacklogOptions {
  /** Spans kept for a later attempt while the endpoint fails; the oldest are given up beyond. */
  maxBacklog: number;
  /** The same bound in characters of attribute text (message content makes spans large). */
  maxBacklogChars: number;
  /** Spans per retried export. */
  batchSize: number;
  /** First wait before a retry, doubled on each failure up to `retryMaxMs`. */
  retryMinMs: number;
  retryMaxMs: number;
  /** Hears each attempt's outcome (for the status). */
  onResult(ok: boolean, error: Error | null): void;
  /** Hears how many spans were given up. */
  onDropped(count: number): void;
  /** Hears how many spans the endpoint accepted. */
  onExported(count: number): void;
}

/**
 * Wraps the OTLP exporter so a failed batch is not lost: it is kept (bounded) and sent again with
 * a backoff, so export catches up by itself once the endpoint is back. The batch processor in
 * front always hears success (the spans are ours then); it waits for each attempt to end, which is
 * what bounds its queue while the endpoint is slow.
 */
export class SpanBacklogExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #options: BacklogOptions;
  #backlog: ReadableSpan[] = [];
  #backlogChars = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #retryMs: number;
  #retrying = false;
  /** Spans in an export attempt now (a stalled endpoint holds them until its timeout). */
  #sending = 0;
  /** Spans handed to this exporter so far (the batch processor's queue is what it took minus this). */
  handed = 0;

  constructor(inner: SpanExporter, options: BacklogOptions) {
    this.#inner = inner;
    this.#options = options;
    this.#retryMs = options.retryMinMs;
  }

  /** Spans waiting for the endpoint to come back. */
  get backlog(): number {
    return this.#backlog.length;
  }

  /** Spans not yet accepted: kept for a retry, or in an attempt now. */
  get pending(): number {
    return this.#backlog.length + this.#sending;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.handed += spans.length;
    this.#send(spans).then(() => done({ code: ExportResultCode.SUCCESS }));
  }

  /** Sends one batch; resolves when it has been accepted or kept for later. */
  async #send(spans: ReadableSpan[]): Promise<void> {
    const result = await this.#attempt(spans);
    if (result.code === ExportResultCode.SUCCESS) {
      this.#succeeded(spans.length);
      if (this.#backlog.length > 0) this.#scheduleRetry(0);
      return;
    }
    this.#keep(spans);
    this.#failed(result.error ?? null);
  }

  async #attempt(spans: ReadableSpan[]): Promise<ExportResult> {
    this.#sending += spans.length;
    try {
      return await new Promise((resolve) => {
        try {
          this.#inner.export(spans, resolve);
        } catch (error) {
          resolve({ code: ExportResultCode.FAILED, error: error as Error });
        }
      });
    } finally {
      this.#sending -= spans.length;
    }
  }

  #succeeded(count: number): void {
    this.#retryMs = this.#options.retryMinMs;
    this.#options.onExported(count);
    this.#options.onResult(true, null);
  }

  #failed(error: Error | null): void {
    this.#options.onResult(false, error);
    this.#scheduleRetry(this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, this.#options.retryMaxMs);
  }

  /** Kept after what is already waiting; beyond the bound the oldest go (a recent trace is worth more). */
  #keep(spans: ReadableSpan[], front = false): void {
    this.#backlog = front ? [...spans, ...this.#backlog] : [...this.#backlog, ...spans];
    this.#backlogChars += spans.reduce((sum, span) => sum + spanSize(span), 0);
    let excess = 0;
    while (
      excess < this.#backlog.length &&
      (this.#backlog.length - excess > this.#options.maxBacklog ||
        this.#backlogChars > this.#options.maxBacklogChars)
    )
      this.#backlogChars -= spanSize(this.#backlog[excess++] as ReadableSpan);
    if (excess > 0) {
      this.#backlog.splice(0, excess);
      this.#options.onDropped(excess);
    }
  }

  /** Takes the next batch off the backlog. */
  #take(): ReadableSpan[] {
    const batch = this.#backlog.splice(0, this.#options.batchSize);
    for (const span of batch) this.#backlogChars -= spanSize(span);
    return batch;
  }

  #scheduleRetry(ms: number): void {
    if (this.#retrying) return;
    if (this.#retryTimer) {
      if (ms > 0) return;
      clearTimeout(this.#retryTimer);
    }
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#retry();
    }, ms);
    this.#retryTimer.unref();
  }

  /** Sends the backlog batch by batch while the endpoint takes it. */
  async #retry(): Promise<void> {
    if (this.#retrying) return;
    this.#retrying = true;
    try {
      while (this.#backlog.length > 0) {
        const batch = this.#take();
        const result = await this.#attempt(batch);
        if (result.code !== ExportResultCode.SUCCESS) {
          this.#keep(batch, true);
          this.#retrying = false;
          this.#failed(result.error ?? null);
          return;
        }
        this.#succeeded(batch.length);
      }
    } finally {
      this.#retrying = false;
    }
  }

  /** One more attempt at the backlog now (a flush); resolves when it has been tried. */
  async retryNow(): Promise<void> {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    await this.#retry();
  }

  async forceFlush(): Promise<void> {
    await this.#inner.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    await this.#inner.shutdown();
  }
}
