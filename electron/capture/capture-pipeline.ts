import { errorMessage } from '../../shared/error-message.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { summarise } from '../../shared/exchange/exchange-summary.ts';
import { SecretScrubber } from '../../shared/security/redact-scrubber.ts';
import { ThreadTracker } from '../../shared/threads/thread-tracker.ts';
import type { AnalyzerFactory } from './analyzer.ts';
import { chunkRecorder } from './analyzers/chunk-recorder.ts';
import { costAnalyzer } from './analyzers/cost-analyzer.ts';
import { geminiRequestAnalyzer } from './analyzers/gemini-request-analyzer.ts';
import { integrityAnalyzer } from './analyzers/integrity-analyzer.ts';
import { linkAnalyzer } from './analyzers/link-analyzer.ts';
import { llmResponseAnalyzer } from './analyzers/llm-response-analyzer.ts';
import { metadataAnalyzer } from './analyzers/metadata-analyzer.ts';
import { threadAnalyzers } from './analyzers/thread-analyzer.ts';
import { timingsAnalyzer } from './analyzers/timings-analyzer.ts';
import { upstreamErrorAnalyzer } from './analyzers/upstream-error-analyzer.ts';
import { websocketAnalyzer } from './analyzers/websocket-analyzer.ts';
import type { QueuedEvent } from './capture-queue.ts';
import { type CaptureLimits, ExchangeAssembler } from './exchange-assembler.ts';
import type { BodyBlocks } from './recent-blocks.ts';

export const DEFAULT_LIMITS: CaptureLimits = {
  // Coding agents send the whole conversation every turn: prompts of several MB are ordinary.
  requestBodyBytes: 16 * 1024 * 1024,
  responseBodyBytes: 32 * 1024 * 1024,
};

/** The analyzers every exchange runs through, in order (later ones read what earlier ones found). */
export function defaultAnalyzers(limits: CaptureLimits, threads = new ThreadTracker()): AnalyzerFactory[] {
  return [
    metadataAnalyzer,
    geminiRequestAnalyzer,
    linkAnalyzer,
    llmResponseAnalyzer,
    websocketAnalyzer,
    upstreamErrorAnalyzer,
    () => chunkRecorder(limits.responseBodyBytes),
    timingsAnalyzer,
    costAnalyzer,
    integrityAnalyzer,
    // One thread tracker for every exchange this pipeline sees.
    threadAnalyzers(threads),
  ];
}

export interface CapturePipelineOptions {
  limits?: CaptureLimits | undefined;
  /** Replaces the default analyzers (tests). */
  analyzers?: AnalyzerFactory[] | undefined;
  /**
   * Receives each exchange's final record (the secrets its request carried scrubbed out), and its
   * request body's cut into blocks if the analysis made one (of the body before scrubbing).
   */
  onRecord(record: ExchangeRecord, requestBlocks?: BodyBlocks | null): void;
  /**
   * An exchange in flight changed; `summary` summarises it as it is when called (scrubbed), and
   * `record` is the live object under construction, only for its id: it still holds secrets.
   */
  onChange?: ((record: ExchangeRecord, summary: () => ExchangeSummary) => void) | undefined;
  log?: ((message: string) => void) | undefined;
}

/**
 * The analysis side of the tee: turns each exchange's capture events into a record by running
 * the analyzers over them. It runs in the analysis worker (see analysis-worker.ts), never on the
 * thread that forwards traffic.
 */
export class CapturePipeline {
  readonly #assemblers = new Map<string, ExchangeAssembler>();
  /**
   * Per exchange in flight, what removes the secrets its request carried from everything that
   * leaves the pipeline: records, live views, summaries and log lines.
   */
  readonly #scrubbers = new Map<string, SecretScrubber>();
  readonly #options: CapturePipelineOptions;
  readonly #limits: CaptureLimits;
  readonly #analyzers: AnalyzerFactory[];
  readonly #log: (message: string) => void;
  #seq = 0;

  constructor(options: CapturePipelineOptions) {
    this.#options = options;
    this.#limits = options.limits ?? DEFAULT_LIMITS;
    this.#analyzers = options.analyzers ?? defaultAnalyzers(this.#limits);
    this.#log = options.log ?? ((message) => console.warn(`[tokentap] ${message}`));
  }

  /** Exchanges started but not yet over. */
  get inFlight(): number {
    return this.#assemblers.size;
  }

  /** The record under construction of an exchange in flight, as a scrubbed copy. */
  liveRecord(exchangeId: string): ExchangeRecord | undefined {
    const record = this.#assemblers.get(exchangeId)?.draft.record;
    return record && this.#scrubberOf(exchangeId).value(record);
  }

  /** Every exchange in flight: its live record (only for its id) and its scrubbed summary. */
  *liveExchanges(): IterableIterator<{ record: ExchangeRecord; summary: () => ExchangeSummary }> {
    for (const [id, assembler] of this.#assemblers) {
      const { record } = assembler.draft;
      yield { record, summary: this.#summaryOf(id, record) };
    }
  }

  #scrubberOf(exchangeId: string): SecretScrubber {
    return this.#scrubbers.get(exchangeId) ?? NO_SECRETS;
  }

  #summaryOf(exchangeId: string, record: ExchangeRecord): () => ExchangeSummary {
    const scrubber = this.#scrubberOf(exchangeId);
    return () => scrubber.value(summarise(record));
  }

  /** Logs a line about one exchange, with the secrets its request carried scrubbed out. */
  #logAbout(exchangeId: string, message: string): void {
    this.#log(this.#scrubberOf(exchangeId).text(message));
  }

  /**
   * Analyses one event. `dropped`: the capture queue dropped some of this exchange's body parts
   * (said on its last event). A consumer that throws is logged and the event skipped.
   */
  consume(event: QueuedEvent, dropped = false): void {
    try {
      this.#consume(event, dropped);
    } catch (error) {
      this.#logAbout(
        event.exchangeId,
        `capture of exchange ${event.exchangeId} failed at ${event.type}: ${errorMessage(error)}`,
      );
    }
  }

  #consume(event: QueuedEvent, dropped: boolean): void {
    if (event.type === 'request-start') {
      const id = event.exchangeId;
      const scrubber = SecretScrubber.of(event.secrets ?? []);
      if (!scrubber.empty) this.#scrubbers.set(id, scrubber);
      const assembler = new ExchangeAssembler(
        event,
        ++this.#seq,
        this.#analyzers.map((make) => make()),
        this.#limits,
        {
          onRecord: (record, requestBlocks) => {
            this.#assemblers.delete(id);
            this.#scrubbers.delete(id);
            this.#options.onRecord(scrubber.value(record), requestBlocks);
          },
          onChange: (record) => this.#options.onChange?.(record, this.#summaryOf(id, record)),
          onAnalyzerError: (analyzer, _id, error) =>
            this.#logAbout(id, `analyzer ${analyzer} failed on exchange ${id}: ${errorMessage(error)}`),
        },
        scrubber,
      );
      this.#assemblers.set(id, assembler);
      return;
    }
    const assembler = this.#assemblers.get(event.exchangeId);
    if (!assembler) return;
    if (dropped) assembler.markDropped();
    assembler.handle(event);
  }
}

const NO_SECRETS = new SecretScrubber([]);
