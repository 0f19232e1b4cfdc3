import type {
  ExchangeErrorEvent,
  RequestStartEvent,
  ResponseHeadEvent,
} from '../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import type { WebSocketMessage } from '../../shared/exchange/websocket-record.ts';
import type { InterpretedResponse } from '../../shared/interpreters/llm-response.ts';
import type { SecretScrubber } from '../../shared/security/redact-scrubber.ts';
import { parseReusingBlocks } from './block-json.ts';
import type { CappedBytes } from './capped-bytes.ts';
import { type BodyBlocks, bodyBlocks } from './recent-blocks.ts';

/** One exchange while it is being analysed: the record under construction plus working facts. */
export interface ExchangeDraft {
  readonly record: ExchangeRecord;
  /** The captured request body (capped); complete once `onRequestEnd` ran. */
  readonly requestBody: CappedBytes;
  /**
   * Removes the secrets this exchange's request carried (its API key) from texts: one per
   * exchange, shared by the pipeline and the analyzers.
   */
  readonly scrubber: SecretScrubber;
  /**
   * The whole request body parsed as JSON, set by the first `requestJson` call during
   * `onRequestEnd` and dropped after it (so a large parsed body is not held while the answer streams).
   */
  parsedRequest: { json: unknown } | null;
  /**
   * The request body cut into message blocks, by the first `requestJson` call (undefined until
   * then; null: none, or the body was cut by the cap). Kept to the end: the record's storage
   * re-uses the cut (see finished-exchange.ts).
   */
  requestBlocks: BodyBlocks | null | undefined;
  /** The captured response body after decompression (capped). */
  readonly responseBody: CappedBytes;
  /** The model the request asked for; the response may name a more exact one. */
  requestedModel: string | null;
  /** The response is a stream of SSE or NDJSON events. */
  responseIsStream: boolean;
  /** What the LLM protocol interpreter understood, for LLM APIs. */
  interpreted: InterpretedResponse | null;
  /** When the first chunk that carried model output arrived (ms since start). */
  firstOutputT: number | null;
  /** Arrival times of the response's network chunks (ms since start). */
  readonly chunkTimes: number[];
  /** When the response ended or failed (ms since start). */
  endT: number | null;
}

/**
 * A step of the analysis pipeline, with hooks named after undici's handler lifecycle. A fresh
 * analyzer is made per exchange, so it may keep per-exchange state in itself. Hooks run off the
 * forwarding path; one that throws is logged and switched off for that exchange.
 */
export interface Analyzer {
  readonly name: string;
  onRequestStart?(draft: ExchangeDraft, event: RequestStartEvent): void;
  /** The request body is complete (or as complete as it will get). */
  onRequestEnd?(draft: ExchangeDraft): void;
  onResponseStart?(draft: ExchangeDraft, event: ResponseHeadEvent): void;
  /** Decoded (decompressed) response bytes, with the arrival time of the chunk that carried them. */
  onResponseData?(draft: ExchangeDraft, data: Uint8Array, t: number): void;
  /** A WebSocket message, as recorded (its text whole even past the capture cap: `text`, null for binary). */
  onWebSocketMessage?(draft: ExchangeDraft, message: WebSocketMessage, text: string | null): void;
  /** The exchange failed; `onResponseEnd` still follows. */
  onResponseError?(draft: ExchangeDraft, event: ExchangeErrorEvent): void;
  /** The exchange is over, successfully or not: compute final values. */
  onResponseEnd?(draft: ExchangeDraft): void;
}

export type AnalyzerFactory = () => Analyzer;

/**
 * The request body as JSON (undefined when it is not JSON or was cut by the capture cap), parsed
 * once per exchange however many analyzers ask, its re-sent message blocks' values re-used (see
 * block-json.ts): call it from `onRequestEnd`. The value is shared, so it is read, never changed.
 */
export function requestJson(draft: ExchangeDraft): unknown {
  if (draft.parsedRequest === null) {
    if (draft.requestBody.truncated) {
      draft.requestBlocks = null;
      draft.parsedRequest = { json: undefined };
    } else {
      const text = draft.requestBody.text();
      draft.requestBlocks = bodyBlocks(text);
      draft.parsedRequest = { json: parseReusingBlocks(text, draft.requestBlocks) };
    }
  }
  return draft.parsedRequest.json;
}
