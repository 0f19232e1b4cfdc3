/**
 * OpenTelemetry export settings read from the standard OTLP environment variables (the same names
 * every OpenTelemetry SDK reads), so a team's existing set-up lines work unchanged.
 */

/** OTLP over HTTP, as protobuf (the default) or JSON; gRPC is not offered. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface OtelConfig {
  /** Where spans go (`…/v1/traces`). */
  tracesUrl: string;
  /** Where metrics go (`…/v1/metrics`). */
  metricsUrl: string;
  /** Sent with every export (`Authorization: Basic …` for Langfuse, `DD-API-KEY` …). */
  headers: Record<string, string>;
  protocol: OtlpProtocol;
  serviceName: string;
  /** From `OTEL_RESOURCE_ATTRIBUTES` (`team=ml,deployment.environment=ci`). */
  resourceAttributes: Record<string, string>;
  /** Prompt and answer text on spans: only when the user opts in. */
  captureContent: boolean;
  /** One export attempt's limit, ms (`OTEL_EXPORTER_OTLP_TIMEOUT`, default 10 s). */
  timeoutMs: number;
  /** How often metrics are sent, ms (`OTEL_METRIC_EXPORT_INTERVAL`, default 60 s). */
  metricIntervalMs: number;
  /** The batch span processor's wait before a batch that is not full (`OTEL_BSP_SCHEDULE_DELAY`, default 1 s). */
  batchDelayMs: number;
  /** The batch span processor's queue (`OTEL_BSP_MAX_QUEUE_SIZE`, default 2048). */
  maxQueue: number;
  /** The longest wait between retries while the endpoint fails (`TOKENTAP_OTEL_RETRY_MAX_MS`, default 60 s). */
  retryMaxMs: number;
}

/** The settings dialog's fields; the environment wins over each of them. */
export interface OtelSettings {
  endpoint?: string;
  tracesEndpoint?: string;
  metricsEndpoint?: string;
  /** Header name → value (already decoded); a header of the same name in the environment wins. */
  headers?: Record<string, string>;
  protocol?: string;
  serviceName?: string;
  /** `key=value,…`; an attribute of the same name in `OTEL_RESOURCE_ATTRIBUTES` wins. */
  resourceAttributes?: string;
  captureContent?: boolean;
}

/** Reads the OTLP variables; null when no endpoint is set (nothing is exported then). Throws on a bad value. */
export function otelConfigFrom(env: NodeJS.ProcessEnv, settings: OtelSettings = {}): OtelConfig | null {
  // Endpoints go together: any OTLP endpoint variable replaces the three saved ones for this run.
  const where = envSetsEndpoint(env)
    ? {
        endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
        tracesEndpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
        metricsEndpoint: env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
      }
    : settings;
  const base = nonEmpty(where.endpoint);
  const traces = nonEmpty(where.tracesEndpoint);
  const metrics = nonEmpty(where.metricsEndpoint);
  if (!base && !traces && !metrics) return null;
  const protocol =
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL) ??
    nonEmpty(settings.protocol) ??
    'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json')
    throw new Error(
      `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: use http/protobuf (the default) or http/json`,
    );
  // The base endpoint gets the signal's path; a signal's own endpoint is used as it is (the spec's rule).
  // `OTEL_TRACES_EXPORTER=none` / `OTEL_METRICS_EXPORTER=none` turn one signal off (the SDKs' variables).
  const tracesUrl =
    env.OTEL_TRACES_EXPORTER === 'none' ? null : (traces ?? (base ? signalUrl(base, 'traces') : null));
  const metricsUrl =
    env.OTEL_METRICS_EXPORTER === 'none' ? null : (metrics ?? (base ? signalUrl(base, 'metrics') : null));
  if (!tracesUrl && !metricsUrl) return null;
  for (const url of [tracesUrl, metricsUrl]) if (url) checkUrl(url);
  return {
    tracesUrl: tracesUrl ?? '',
    metricsUrl: metricsUrl ?? '',
    headers: {
      ...settings.headers,
      ...parseKeyValues(env.OTEL_EXPORTER_OTLP_HEADERS ?? '', 'OTEL_EXPORTER_OTLP_HEADERS'),
    },
    protocol,
    serviceName: nonEmpty(env.OTEL_SERVICE_NAME) ?? nonEmpty(settings.serviceName) ?? 'tokentap',
    resourceAttributes: {
      ...parseKeyValues(settings.resourceAttributes ?? '', 'Resource attributes'),
      ...parseKeyValues(env.OTEL_RESOURCE_ATTRIBUTES ?? '', 'OTEL_RESOURCE_ATTRIBUTES'),
    },
    captureContent: contentOptIn(env, settings),
    timeoutMs: positiveNumber(env.OTEL_EXPORTER_OTLP_TIMEOUT, 10_000),
    metricIntervalMs: positiveNumber(env.OTEL_METRIC_EXPORT_INTERVAL, 60_000),
    batchDelayMs: positiveNumber(env.OTEL_BSP_SCHEDULE_DELAY, 1000),
    maxQueue: Math.floor(positiveNumber(env.OTEL_BSP_MAX_QUEUE_SIZE, 2048)),
    retryMaxMs: positiveNumber(env.TOKENTAP_OTEL_RETRY_MAX_MS, 60_000),
  };
}

/** Whether the environment names an OTLP endpoint (then the saved ones are not used). */
export function envSetsEndpoint(env: NodeJS.ProcessEnv): boolean {
  return [
    env.OTEL_EXPORTER_OTLP_ENDPOINT,
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
  ].some((value) => nonEmpty(value) !== undefined);
}

function contentOptIn(env: NodeJS.ProcessEnv, settings: OtelSettings): boolean {
  const value = nonEmpty(env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT)?.toLowerCase();
  if (value === undefined) return settings.captureContent === true;
  // `span_only` / `span_and_event` are the newer instrumentations' spellings of yes.
  return value === 'true' || value === '1' || value.startsWith('span');
}

/** The endpoint as the status and the log show it: without a password or query values (either may be a credential). */
export function displayEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '';
      parsed.password = '';
    }
    for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, '…');
    return parsed.toString().replace(/%E2%80%A6/g, '…');
  } catch {
    return '(not a URL)';
  }
}

function signalUrl(base: string, signal: 'traces' | 'metrics'): string {
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`The OTLP endpoint "${url}" is not a URL (e.g. http://localhost:4318)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`The OTLP endpoint "${url}" must be http:// or https://`);
}

/** `a=1,b=two%20words`, the W3C-baggage-like list the OTLP variables use; values are percent-decoded. */
export function parseKeyValues(text: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [index, item] of text.split(',').entries()) {
    if (item.trim() === '') continue;
    const at = item.indexOf('=');
    // The item itself is not repeated: a header list carries credentials.
    if (at <= 0) throw new Error(`${what}: item ${index + 1} is not key=value`);
    const key = item.slice(0, at).trim();
    const raw = item.slice(at + 1).trim();
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      value = raw;
    }
    out[key] = value;
  }
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function positiveNumber(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(number) && number > 0
    ? number
    : fallback;
}
