import {
  type ExchangeLifecycle,
  failureKindOf,
  isAborted,
  isFailed,
  isStreaming,
  isUpstreamHttpError,
} from '../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeSummary } from '../shared/exchange/exchange-record.ts';

const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Tokens or counts with thousands separators. */
export function formatInt(n: number): string {
  return intFormat.format(n);
}

/** A count with its noun, singular for one: `1 request`, `2 requests`, `1,204 exchanges`. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatInt(n)} ${n === 1 ? singular : plural}`;
}

/** A duration: `312 ms`, `1.24 s`, `2 m 05 s`. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes} m ${String(seconds).padStart(2, '0')} s`;
}

/** Dollars with enough digits that small calls do not read as free. */
export function formatCost(usd: number | null): string {
  if (usd === null) return 'unknown';
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toPrecision(3)}`;
}

/** Local wall-clock time of day with milliseconds, like DevTools' waterfall tooltips. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Local date and time for session names and tooltips. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Bytes as B / KB / MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const API_LABELS: Record<ExchangeSummary['api'], string> = {
  'openai.chat': 'chat',
  'openai.responses': 'responses',
  'openai.embeddings': 'embeddings',
  'openai.completions': 'completions',
  'openai.transcriptions': 'transcriptions',
  'openai.realtime': 'realtime',
  'anthropic.messages': 'anthropic',
  'gemini.generate': 'gemini',
  'gemini.count-tokens': 'gemini count',
  'ollama.chat': 'ollama',
  'ollama.generate': 'ollama generate',
  'ollama.embed': 'ollama embed',
  'azure.chat': 'azure chat',
  'azure.responses': 'azure responses',
  'azure.embeddings': 'azure embeddings',
  'azure.completions': 'azure completions',
  'azure.transcriptions': 'azure transcriptions',
  'azure.realtime': 'azure realtime',
  http: 'http',
};

/** A short label for an API kind. */
export function apiLabel(api: ExchangeSummary['api']): string {
  return API_LABELS[api];
}

/** The status cell: the HTTP status once known, else the state. */
export function statusLabel(summary: ExchangeSummary): string {
  const status = summary.status;
  if (isAborted(summary)) return status === null ? 'aborted' : `${status} aborted`;
  // An HTTP error answer, an error reported inside a 2xx stream, or no answer at all.
  if (isFailed(summary)) return status === null ? 'failed' : `${status} error`;
  if (status === null) return summary.state;
  return isStreaming(summary) ? `${status} streaming` : String(status);
}

/**
 * How an exchange failed or was aborted, in words (`upstream-timeout: …`; for an upstream HTTP
 * error its status, the provider's type and code, and message), or null when it did neither.
 */
export function failureWords(exchange: ExchangeLifecycle): string | null {
  if (isUpstreamHttpError(exchange)) {
    const { error } = exchange;
    const names = [error.type, error.code !== error.type ? error.code : null].filter((n) => n !== null);
    return `HTTP ${error.status}${names.length > 0 ? ` ${names.join(' · ')}` : ''}: ${error.message}`;
  }
  const kind = failureKindOf(exchange);
  return kind === null || exchange.error === null ? null : `${kind}: ${exchange.error.message}`;
}

/** Milliseconds since the exchange started; for live rows. */
export function elapsedMs(summary: ExchangeSummary, now: number): number {
  return Math.max(0, now - Date.parse(summary.startedAt));
}
