import type { CaptureEvent } from '../../shared/capture-events.ts';
import type { ExchangeRecord } from '../../shared/exchange-record.ts';
import type { AnalyzerFactory } from './analyzer.ts';
import { chunkRecorder } from './analyzers/chunk-recorder.ts';
import { costAnalyzer } from './analyzers/cost-analyzer.ts';
import { integrityAnalyzer } from './analyzers/integrity-analyzer.ts';
import { linkAnalyzer } from './analyzers/link-analyzer.ts';
import { llmResponseAnalyzer } from './analyzers/llm-response-analyzer.ts';
import { metadataAnalyzer } from './analyzers/metadata-analyzer.ts';
import { timingsAnalyzer } from './analyzers/timings-analyzer.ts';
import { upstreamErrorAnalyzer } from './analyzers/upstream-error-analyzer.ts';
import { type CaptureLimits, ExchangeAssembler } from './exchange-assembler.ts';

export const DEFAULT_LIMITS: CaptureLimits = {
  requestBodyBytes: 1024 * 1024,
  responseBodyBytes: 32 * 1024 * 1024,
};

/** The analyzers every exchange runs through, in order (later ones read what earlier ones found). */
export function defaultAnalyzers(limits: CaptureLimits): AnalyzerFactory[] {
  return [
    metadataAnalyzer,
    linkAnalyzer,
    llmResponseAnalyzer,
    upstreamErrorAnalyzer,
    () => chunkRecorder(limits.responseBodyBytes),
    timingsAnalyzer,
    costAnalyzer,
    integrityAnalyzer,
  ];
}

export interface CapturePipelineOptions {
  limits?: CaptureLimits | undefined;
  /** Replaces the default analyzers (tests). */
  analyzers?: AnalyzerFactory[] | undefined;
  /** Receives each exchange's final record. */
  onRecord(record: ExchangeRecord): void;
  /** An exchange in flight changed; the record is the live object under construction. */
  onChange?: ((record: ExchangeRecord) => void) | undefined;
  log?: ((message: string) => void) | undefined;
}

/**
 * The analysis side of the tee: turns each exchange's capture events into a record by running
 * the analyzers over them. It runs in the analysis worker (see analysis-worker.ts), never on the
 * thread that forwards traffic.
 */
export class CapturePipeline {
  readonly #assemblers = new Map<string, ExchangeAssembler>();
  readonly #options: CapturePipelineOptions;
  readonly #limits: CaptureLimits;
  readonly #analyzers: AnalyzerFactory[];
  readonly #log: (message: string) => void;
  #seq = 0;
  /** While paused, exchanges that start are forwarded but not captured. */
  paused = false;

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

  /** The record under construction of an exchange in flight (the live object: read it, don't keep it). */
  liveRecord(exchangeId: string): ExchangeRecord | undefined {
    return this.#assemblers.get(exchangeId)?.draft.record;
  }

  /** Every exchange in flight, as its live record. */
  *liveRecords(): IterableIterator<ExchangeRecord> {
    for (const assembler of this.#assemblers.values()) yield assembler.draft.record;
  }

  /**
   * Analyses one event. `dropped`: the capture queue dropped some of this exchange's body parts
   * (said on its last event). A consumer that throws is logged and the event skipped.
   */
  consume(event: CaptureEvent, dropped = false): void {
    try {
      this.#consume(event, dropped);
    } catch (error) {
      this.#log(`capture of exchange ${event.exchangeId} failed at ${event.type}: ${describe(error)}`);
    }
  }

  #consume(event: CaptureEvent, dropped: boolean): void {
    if (event.type === 'request-start') {
      if (this.paused) return;
      const assembler = new ExchangeAssembler(
        event,
        ++this.#seq,
        this.#analyzers.map((make) => make()),
        this.#limits,
        {
          onRecord: (record) => {
            this.#assemblers.delete(record.id);
            this.#options.onRecord(record);
          },
          onChange: (record) => this.#options.onChange?.(record),
          onAnalyzerError: (analyzer, id, error) =>
            this.#log(`analyzer ${analyzer} failed on exchange ${id}: ${describe(error)}`),
        },
      );
      this.#assemblers.set(event.exchangeId, assembler);
      return;
    }
    const assembler = this.#assemblers.get(event.exchangeId);
    if (!assembler) return;
    if (dropped) assembler.markDropped();
    assembler.handle(event);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
