import type { ApiKind } from './api-kind.ts';
import type { ExchangeErrorKind, HeaderMap } from './capture-events.ts';
import type { MergedResult } from './merged-result.ts';
import type { CacheVerdict, ContextBreakdown, ThreadRef, TurnDelta } from './threads/thread-types.ts';
import type { Usage } from './usage.ts';
import type { WebSocketCapture } from './websocket-record.ts';

/** Where an exchange is in its life. */
export const EXCHANGE_STATES = ['pending', 'streaming', 'complete', 'error', 'aborted'] as const;
export type ExchangeState = (typeof EXCHANGE_STATES)[number];

export interface ExchangeTimings {
  /** Request start to response headers. */
  headersMs: number | null;
  /** Request start to the first chunk that carried model output (text, tool call, reasoning). */
  firstTokenMs: number | null;
  /** Request start to the end of the response (or to the failure). */
  totalMs: number | null;
  /** Output tokens over the time from first token to end; null without usage or a stream. */
  outputTokensPerSecond: number | null;
}

/** Gaps between consecutive response chunks of a stream, in ms. */
export interface ChunkGaps {
  count: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

/** Plain-words facts about how a response ended, beyond its status. */
export type IntegrityFlag =
  /** The stream ended without `[DONE]`, `response.completed`, `message_stop` or Ollama's `done`. */
  | 'missing-terminator'
  /** A completed LLM response carried no usage. */
  | 'usage-missing'
  /** The stream reported an error in-band after a 200 (Anthropic `error`, `response.failed`). */
  | 'error-event'
  /** The client closed the connection before the response ended. */
  | 'client-closed'
  /** The upstream failed (unreachable, timed out, reset). */
  | 'upstream-failed'
  /** The capture queue overflowed; some chunks of this exchange were not analysed (traffic was not affected). */
  | 'analysis-dropped';

/** The error kind of an exchange the upstream answered with an HTTP error status (4xx, 5xx). */
export const UPSTREAM_HTTP_ERROR = 'upstream-http-error';

/**
 * An HTTP error the upstream answered with: the exchange reached the provider and was refused.
 * `type` and `code` are the provider's own words, read from its error body (OpenAI
 * `error.type`/`error.code`, Anthropic `error.type`, Gemini `error.status` and the reason of its
 * `ErrorInfo`), null where the body names none (plain text, HTML).
 */
export interface UpstreamHttpError {
  kind: typeof UPSTREAM_HTTP_ERROR;
  status: number;
  type: string | null;
  code: string | null;
  message: string;
}

/** Why an exchange failed: the proxy's side of it (unreachable, reset, aborted …) or the upstream's HTTP error. */
export type ExchangeError = { kind: ExchangeErrorKind; message: string } | UpstreamHttpError;

/** The small, always-in-memory view of an exchange. */
export interface ExchangeSummary {
  id: string;
  seq: number;
  /** ISO 8601. */
  startedAt: string;
  method: string;
  path: string;
  api: ApiKind;
  model: string | null;
  tenant: string | null;
  stream: boolean;
  status: number | null;
  state: ExchangeState;
  usage: Usage | null;
  costUsd: number | null;
  timings: ExchangeTimings;
  error: ExchangeError | null;
  /**
   * The route the request took: its name (`anthropic`, `groq`), or `upstream` for the default
   * (`UPSTREAM`). Absent in records made before routes.
   */
  provider?: string;
  /** Set on a resend: the id of the exchange it resent (absent otherwise). */
  resentFrom?: string;
  /**
   * Set on an exchange answered in replay mode: the id of the recorded exchange that answered,
   * or `miss` when nothing matched and Tokentap answered 404 (absent for live traffic).
   */
  replayOf?: string;
  /** The conversation thread and turn (`null`: no conversation in it); absent in records made before threads. */
  thread?: ThreadRef | null;
}

export interface CapturedBody {
  headers: HeaderMap;
  /**
   * The captured body (decompressed), up to the capture cap: as text, or as base64 when
   * `encoding` says so (audio, images, anything that is not UTF-8 text).
   */
  body: string;
  /** `base64` for a body that is not text; absent for text. */
  encoding?: 'base64';
  bodyTruncated: boolean;
  /** Bytes seen on the wire, including any not captured. */
  bodyBytes: number;
  /** Trailer fields that followed a chunked response body (redacted like headers); absent: none. */
  trailers?: HeaderMap;
  /**
   * Where bytes are missing from the captured body because the capture queue dropped them (absent
   * when none are): `at` is the offset in the captured body's bytes, `bytes` how many wire bytes
   * went missing there.
   */
  holes?: BodyHole[];
}

/** A stretch of body the capture queue dropped (traffic was not affected). */
export interface BodyHole {
  /** Offset in the captured body's bytes where the missing bytes belong. */
  at: number;
  /** Wire bytes missing there. */
  bytes: number;
}

export interface RecordedChunk {
  /** ms since the exchange started. */
  t: number;
  /** The chunk's text (after decompression). */
  data: string;
}

/** Everything captured about one exchange: one JSONL line of a session. */
export interface ExchangeRecord extends ExchangeSummary {
  /**
   * The origin the proxy forwarded to (`https://api.deepseek.com`): it names the provider whose prices
   * apply (a foreign HAR: the host its URL names). Absent when unknown (replayed answers, older records).
   */
  upstream?: string;
  organization: string | null;
  project: string | null;
  request: CapturedBody;
  response: CapturedBody | null;
  /** Network chunks of a streamed response (SSE or NDJSON) with arrival times; empty otherwise. */
  chunks: RecordedChunk[];
  gaps: ChunkGaps | null;
  merged: MergedResult | null;
  integrity: IntegrityFlag[];
  /** An in-band stream error, when the integrity flags include `error-event`. */
  streamError: { type: string; message: string } | null;
  /** A WebSocket exchange (the upstream answered `101`): its messages and close; absent for HTTP. */
  websocket?: WebSocketCapture;
  /** What changed since the previous turn of its thread (absent without a thread). */
  delta?: TurnDelta;
  /** The prompt cache verdict of this turn (absent without a thread). */
  cache?: CacheVerdict;
  /** What fills the input, an estimate in tokens (absent without a thread). */
  context?: ContextBreakdown;
}
