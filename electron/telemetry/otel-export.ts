import { type Histogram, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TelemetryStatus } from '../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { TOKENTAP_VERSION } from '../version.ts';
import { GENAI_BUCKETS } from './genai-buckets.ts';
import { type GenAiSpan, genAiSpan } from './genai-span.ts';
import { displayEndpoint, type OtelConfig } from './otel-config.ts';
import { SpanBacklogExporter } from './span-backlog-exporter.ts';
import { initialTelemetryStatus } from './telemetry-status.ts';
import { ThreadTraces } from './thread-traces.ts';

export interface OtelExportOptions {
  /** Hears a change of state (working → failing, and back): the status bar shows it. */
  onStatus?: () => void;
  /** Hears the counts change (exported, dropped, waiting), for a status that stays current. */
  onCounts?: () => void;
  log?: (message: string) => void;
  /** The batch span processor's queue (OpenTelemetry's `maxQueueSize`). */
  maxQueue?: number;
  /** Spans kept while the endpoint fails. */
  maxBacklog?: number;
  /** The same bound in characters of attribute text. */
  maxBacklogChars?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How long the batch processor waits before sending a batch that is not full. */
  batchDelayMs?: number;
}

const BATCH_SIZE = 512;

/**
 * Sends captured exchanges to an OTLP endpoint as GenAI spans and metrics, with OpenTelemetry's
 * own SDK and exporters. Runs in the OpenTelemetry thread (otel-worker.ts) for live capture, and
 * in the command line for a saved session; every stage (the batch processor's queue, the retry
 * backlog) is bounded and counts what it drops, so an endpoint that is down, slow or refusing
 * costs the traffic nothing.
 */
export class OtelExport {
  readonly config: OtelConfig;
  readonly #options: OtelExportOptions;
  readonly #tracerProvider: TracerProvider;
  readonly #tracer: Tracer;
  readonly #meterProvider: MeterProvider;
  readonly #backlog: SpanBacklogExporter;
  readonly #processor: CountingProcessor;
  readonly #histograms: Record<keyof typeof GENAI_BUCKETS, Histogram>;
  readonly #threads = new ThreadTraces();
  #status: TelemetryStatus;
  #closed = false;

  constructor(config: OtelConfig, options: OtelExportOptions = {}) {
    this.config = config;
    this.#options = options;
    this.#status = initialTelemetryStatus(config);
    const resource = defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_VERSION]: TOKENTAP_VERSION,
        ...config.resourceAttributes,
        // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES (the spec's rule).
        [ATTR_SERVICE_NAME]: config.serviceName,
      }),
    );
    const exporterConfig = { headers: config.headers, timeoutMillis: config.timeoutMs };
    const inner = config.tracesUrl
      ? config.protocol === 'http/json'
        ? new JsonTraceExporter({ ...exporterConfig, url: config.tracesUrl })
        : new ProtoTraceExporter({ ...exporterConfig, url: config.tracesUrl })
      : null;
    this.#backlog = new SpanBacklogExporter(inner ?? new NoSpanExporter(), {
      maxBacklog: options.maxBacklog ?? 8192,
      maxBacklogChars: options.maxBacklogChars ?? 64 * 2 ** 20,
      batchSize: BATCH_SIZE,
      retryMinMs: Math.min(options.retryMinMs ?? 1000, config.retryMaxMs),
      retryMaxMs: options.retryMaxMs ?? config.retryMaxMs,
      onResult: (ok, error) => {
        this.#result(ok, error);
        options.onCounts?.();
      },
      onDropped: (count) => {
        this.#status.dropped += count;
      },
      onExported: (count) => {
        this.#status.exported += count;
      },
    });
    const maxQueue = options.maxQueue ?? config.maxQueue;
    this.#processor = new CountingProcessor(
      new BatchSpanProcessor({
        exporter: this.#backlog,
        maxQueueSize: maxQueue,
        maxExportBatchSize: Math.min(BATCH_SIZE, maxQueue),
        scheduledDelayMillis: options.batchDelayMs ?? config.batchDelayMs,
        // Our exporter always answers; this only guards against one that never would.
        exportTimeoutMillis: config.timeoutMs * 4,
      }),
      maxQueue,
      () => this.#backlog.handed,
      () => {
        this.#status.dropped++;
      },
    );
    this.#tracerProvider = new TracerProvider({
      resource,
      spanProcessors: [this.#processor],
      idGenerator: this.#threads.ids,
    });
    this.#tracer = this.#tracerProvider.getTracer('tokentap', TOKENTAP_VERSION);

    const readers = config.metricsUrl
      ? [
          new PeriodicExportingMetricReader({
            exporter: new ReportingMetricExporter(
              config.protocol === 'http/json'
                ? new JsonMetricExporter({ ...exporterConfig, url: config.metricsUrl })
                : new ProtoMetricExporter({ ...exporterConfig, url: config.metricsUrl }),
              (result) => this.#result(result.code === 0, result.error ?? null),
              (status) =>
                options.log?.(
                  `OpenTelemetry export: ${displayEndpoint(config.metricsUrl)} takes no metrics (HTTP ${status}); metrics are off (set OTEL_EXPORTER_OTLP_METRICS_ENDPOINT to send them elsewhere, or OTEL_METRICS_EXPORTER=none)`,
                ),
            ),
            exportIntervalMillis: config.metricIntervalMs,
            exportTimeoutMillis: Math.min(config.timeoutMs, config.metricIntervalMs),
          }),
        ]
      : [];
    this.#meterProvider = new MeterProvider({ resource, readers });
    const meter = this.#meterProvider.getMeter('tokentap', TOKENTAP_VERSION);
    const histogram = (name: keyof typeof GENAI_BUCKETS, unit: string, description: string) =>
      meter.createHistogram(name, {
        unit,
        description,
        advice: { explicitBucketBoundaries: [...GENAI_BUCKETS[name]] },
      });
    this.#histograms = {
      'gen_ai.client.token.usage': histogram('gen_ai.client.token.usage', '{token}', 'Tokens used per call'),
      'gen_ai.client.operation.duration': histogram(
        'gen_ai.client.operation.duration',
        's',
        'Duration of a call',
      ),
      'gen_ai.client.operation.time_to_first_chunk': histogram(
        'gen_ai.client.operation.time_to_first_chunk',
        's',
        'Time to the first chunk of a streamed answer',
      ),
      'gen_ai.client.operation.time_per_output_chunk': histogram(
        'gen_ai.client.operation.time_per_output_chunk',
        's',
        'Time per output chunk after the first',
      ),
    };
  }

  /** The export's health and counts, for the status bar. */
  status(): TelemetryStatus {
    return { ...this.#status, queued: this.#processor.queued + this.#backlog.pending };
  }

  /** Makes one exchange a span and metric points now; returns whether it was one (a GenAI operation). */
  record(record: ExchangeRecord): boolean {
    const span = genAiSpan(record, this.config.captureContent);
    if (!span) return false;
    this.recordSpan(span);
    return true;
  }

  /** Sends a span made elsewhere (the analysis worker, for live capture) and its metric points. */
  recordSpan(span: GenAiSpan): void {
    this.#emitSpan(span);
    this.#recordMetrics(span);
  }

  #emitSpan(data: GenAiSpan): void {
    const span = this.#tracer.startSpan(
      data.name,
      { kind: SpanKind.CLIENT, startTime: data.startMs, attributes: data.attributes },
      this.#threads.contextFor(data.thread),
    );
    this.#threads.emitted(data.thread, span.spanContext().spanId);
    if (data.error) span.setStatus({ code: SpanStatusCode.ERROR, message: data.error.message });
    span.end(data.endMs);
  }

  #recordMetrics(data: GenAiSpan): void {
    const h = this.#histograms;
    h['gen_ai.client.operation.duration'].record(data.durationSeconds, data.metricAttributes);
    if (data.inputTokens !== null)
      h['gen_ai.client.token.usage'].record(data.inputTokens, {
        ...data.metricAttributes,
        'gen_ai.token.type': 'input',
      });
    if (data.outputTokens !== null)
      h['gen_ai.client.token.usage'].record(data.outputTokens, {
        ...data.metricAttributes,
        'gen_ai.token.type': 'output',
      });
    if (data.timeToFirstChunkSeconds !== null)
      h['gen_ai.client.operation.time_to_first_chunk'].record(
        data.timeToFirstChunkSeconds,
        data.metricAttributes,
      );
    if (data.timePerOutputChunkSeconds !== null)
      h['gen_ai.client.operation.time_per_output_chunk'].record(
        data.timePerOutputChunkSeconds,
        data.metricAttributes,
      );
  }

  #result(ok: boolean, error: Error | null): void {
    const before = this.#status.state;
    if (ok) {
      if (before === 'ok') return;
      this.#status = { ...this.#status, state: 'ok', error: null, since: null };
      this.#options.log?.(`OpenTelemetry export to ${this.#status.endpoint} works again`);
    } else {
      const message = describeError(error);
      if (before === 'failing' && this.#status.error === message) return;
      this.#status = {
        ...this.#status,
        state: 'failing',
        error: message,
        since: this.#status.since ?? new Date().toISOString(),
      };
      if (before === 'ok')
        this.#options.log?.(`OpenTelemetry export to ${this.#status.endpoint} fails (${message}); retrying`);
    }
    this.#options.onStatus?.();
  }

  /** Sends everything made so far (spans, the backlog, metrics); resolves when each has been tried once. */
  async flush(): Promise<void> {
    await this.#tracerProvider.forceFlush();
    // Spans kept from earlier failures go now if the endpoint just took these; not again if it did not.
    if (this.#status.state === 'ok' && this.#backlog.backlog > 0) await this.#backlog.retryNow();
    await this.#meterProvider.forceFlush().catch(() => undefined);
  }

  /** Flushes what it can and stops. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush().catch(() => undefined);
    this.#closed = true;
    await this.#tracerProvider.shutdown().catch(() => undefined);
    await this.#meterProvider.shutdown().catch(() => undefined);
  }
}

/** The endpoint's error in plain words: its status and message, or the network's (`ECONNREFUSED`). */
function describeError(error: Error | null): string {
  if (!error) return 'the export failed';
  const withCode = error as Error & { code?: unknown; data?: unknown };
  const parts = [error.message || error.name];
  if (typeof withCode.code === 'number' && !parts[0]?.includes(String(withCode.code)))
    parts.unshift(`HTTP ${withCode.code}`);
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message && !parts.join(' ').includes(cause.message))
    parts.push(cause.message);
  return parts.join(': ').slice(0, 300);
}

/**
 * The batch processor with its queue counted: a span it would drop (the queue full because the
 * endpoint is slow) is counted here instead of vanishing into a debug log.
 */
class CountingProcessor implements SpanProcessor {
  readonly #inner: SpanProcessor;
  readonly #maxQueue: number;
  readonly #handed: () => number;
  readonly #dropped: () => void;
  #accepted = 0;

  constructor(inner: SpanProcessor, maxQueue: number, handed: () => number, dropped: () => void) {
    this.#inner = inner;
    this.#maxQueue = maxQueue;
    this.#handed = handed;
    this.#dropped = dropped;
  }

  get queued(): number {
    return this.#accepted - this.#handed();
  }

  onStart(span: Span, context: Parameters<SpanProcessor['onStart']>[1]): void {
    this.#inner.onStart(span, context);
  }

  onEnd(span: ReadableSpan): void {
    if (this.queued >= this.#maxQueue) {
      this.#dropped();
      return;
    }
    this.#accepted++;
    this.#inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}

/** For metrics-only set-ups (only `…_METRICS_ENDPOINT` set): spans go nowhere. */
class NoSpanExporter {
  export(_spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** Answers that mean "no metrics at this address", as opposed to "down". */
const NO_METRICS_HERE = new Set([404, 405, 501]);

/** A metric exporter whose outcomes reach the status. */
class ReportingMetricExporter implements PushMetricExporter {
  readonly #inner: PushMetricExporter;
  readonly #onResult: (result: ExportResult) => void;
  readonly #onRefused: (status: number) => void;

  constructor(
    inner: PushMetricExporter,
    onResult: (result: ExportResult) => void,
    onRefused: (status: number) => void,
  ) {
    this.#inner = inner;
    this.#onResult = onResult;
    this.#onRefused = onRefused;
  }

  /** Set once the endpoint has said it takes no metrics: nothing more is sent to it. */
  #refusedWith: number | null = null;

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    if (this.#refusedWith !== null) {
      done({ code: 0 });
      return;
    }
    this.#inner.export(metrics, (result) => {
      const status = (result.error as (Error & { code?: unknown }) | undefined)?.code;
      // Trace-only backends (Langfuse, Phoenix) answer 404 to /v1/metrics: not a failure of the export.
      if (typeof status === 'number' && NO_METRICS_HERE.has(status)) {
        this.#refusedWith = status;
        this.#onRefused(status);
        done({ code: 0 });
        return;
      }
      this.#onResult(result);
      done(result);
    });
  }

  selectAggregationTemporality(
    type: Parameters<NonNullable<PushMetricExporter['selectAggregationTemporality']>>[0],
  ): ReturnType<NonNullable<PushMetricExporter['selectAggregationTemporality']>> {
    return this.#inner.selectAggregationTemporality?.(type) ?? 0;
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
