import type { ApiKind } from '../interpreters/api-kind.ts';
import type { MergedResult } from '../interpreters/merged-result.ts';
import type {
  CacheVerdict,
  ContextBreakdown,
  SocketTurn,
  ThreadRef,
  TurnDelta,
} from '../threads/thread-types.ts';
import type { Usage } from '../usage/usage.ts';
import type { HeaderMap } from './capture-events.ts';
import type { ExchangeLifecycle } from './exchange-lifecycle.ts';
import type { WebSocketCapture } from './websocket-record.ts';

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

/**
 * Plain-words facts about how a response ended, beyond its status and its lifecycle: a client that
 * went away or an upstream that failed is said by the state alone (`exchange-lifecycle.ts`).
 */
export type IntegrityFlag =
  /** The stream ended without `[DONE]`, `response.completed`, `message_stop` or Ollama's `done`. */
  | 'missing-terminator'
  /** A completed LLM response carried no usage. */
  | 'usage-missing'
  /** The stream reported an error in-band after a 200 (Anthropic `error`, `response.failed`). */
  | 'error-event'
  /** The capture queue overflowed; some chunks of this exchange were not analysed (traffic was not affected). */
  | 'analysis-dropped';

/** The facts of an exchange a summary keeps beside its lifecycle. */
export interface ExchangeFacts {
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
  usage: Usage | null;
  costUsd: number | null;
  timings: ExchangeTimings;
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

/** The small, always-in-memory view of an exchange: its facts and where it is in its life. */
export type ExchangeSummary = ExchangeFacts & ExchangeLifecycle;

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
export type ExchangeRecord = ExchangeSummary & ExchangeDetails;

/** What a record holds beyond its summary. */
export interface ExchangeDetails {
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
  /** A WebSocket exchange's turns, in order, as they happened (`delta`, `cache` and `context` are its first's); absent for HTTP. */
  socketTurns?: SocketTurn[];
}
