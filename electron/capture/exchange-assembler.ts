import type { HeaderMap, RequestStartEvent } from '../../shared/exchange/capture-events.ts';
import {
  type ExchangeLifecycle,
  endedByEvent,
  isLive,
  setLifecycle,
} from '../../shared/exchange/exchange-lifecycle.ts';
import type { CapturedBody, ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import type { WebSocketMessage } from '../../shared/exchange/websocket-record.ts';
import { SecretScrubber } from '../../shared/security/redact-scrubber.ts';
import type { Analyzer, ExchangeDraft } from './analyzer.ts';
import { type BodyDecoder, createBodyDecoder } from './body-decoder.ts';
import { CappedBytes } from './capped-bytes.ts';
import type { QueuedEvent } from './capture-queue.ts';
import type { BodyBlocks } from './recent-blocks.ts';

export interface CaptureLimits {
  /** Request body bytes kept per exchange (forwarding is never capped). */
  requestBodyBytes: number;
  /** Response body bytes kept per exchange, after decompression. */
  responseBodyBytes: number;
}

export interface AssemblerHooks {
  /** The exchange is over and its record final; `requestBlocks`: its request body's cut, if the analysis made one. */
  onRecord(record: ExchangeRecord, requestBlocks: BodyBlocks | null | undefined): void;
  /** The record under construction changed (started, headers, data). It is the live object: read it, don't keep it. */
  onChange(record: ExchangeRecord): void;
  /** An analyzer threw; it is switched off for this exchange. */
  onAnalyzerError(analyzer: string, exchangeId: string, error: unknown): void;
}

/** Builds one exchange's record from its capture events by running the analyzers over them. */
export class ExchangeAssembler {
  readonly draft: ExchangeDraft;
  readonly #analyzers: Analyzer[];
  readonly #hooks: AssemblerHooks;
  #bodyDecoder: BodyDecoder | null = null;
  /**
   * Wire bytes of a compressed response from its first dropped part on: past a hole the
   * decompressor cannot go on, so all of it is one hole at the end.
   */
  #undecodable = 0;
  #requestEnded = false;
  #over = false;
  /** Message bytes still to be kept in full (the response body cap, shared by all messages). */
  #messageBudget: number;

  constructor(
    start: RequestStartEvent,
    seq: number,
    analyzers: Analyzer[],
    limits: CaptureLimits,
    hooks: AssemblerHooks,
    /** The secrets of this request (made from `start` when not given). */
    scrubber = SecretScrubber.of(start.secrets ?? []),
  ) {
    this.#analyzers = analyzers;
    this.#hooks = hooks;
    this.#messageBudget = limits.responseBodyBytes;
    this.draft = {
      record: emptyRecord(start, seq),
      requestBody: new CappedBytes(limits.requestBodyBytes, Number(start.headers['content-length'])),
      scrubber,
      parsedRequest: null,
      requestBlocks: undefined,
      responseBody: new CappedBytes(limits.responseBodyBytes),
      requestedModel: null,
      responseIsStream: false,
      interpreted: null,
      firstOutputT: null,
      chunkTimes: [],
      endT: null,
    };
    this.#run('onRequestStart', (a) => a.onRequestStart?.(this.draft, start));
    hooks.onChange(this.draft.record);
  }

  /** True once the record has been handed over. */
  get over(): boolean {
    return this.#over;
  }

  handle(event: QueuedEvent): void {
    const draft = this.draft;
    switch (event.type) {
      case 'request-start':
        return;
      case 'request-body-part':
        draft.requestBody.add(event.data);
        return;
      case 'request-end':
        this.#endRequest();
        this.#hooks.onChange(draft.record);
        return;
      case 'response-head': {
        // Anything still missing from the request body will not come before the response.
        this.#endRequest();
        const { record } = draft;
        record.status = event.status;
        record.response = { headers: event.headers, body: '', bodyTruncated: false, bodyBytes: 0 };
        const encoding = event.headers['content-encoding'];
        this.#bodyDecoder = createBodyDecoder(
          Array.isArray(encoding) ? encoding.join(',') : encoding,
          (data, t) => {
            draft.responseBody.add(data);
            this.#run('onResponseData', (a) => a.onResponseData?.(draft, data, t));
          },
        );
        if (event.status === 101) {
          record.websocket = { messages: [], close: null };
          draft.responseIsStream = true;
        }
        this.#run('onResponseStart', (a) => a.onResponseStart?.(draft, event));
        setLifecycle(record, { state: draft.responseIsStream ? 'streaming' : 'pending', error: null });
        this.#hooks.onChange(record);
        return;
      }
      case 'response-body-part': {
        const response = draft.record.response;
        if (response) response.bodyBytes += event.data.byteLength;
        draft.chunkTimes.push(event.t);
        // An encoding Tokentap cannot read is still captured, as bytes, but not interpreted.
        if (this.#undecodable > 0) this.#undecodable += event.data.byteLength;
        else if (this.#bodyDecoder) this.#bodyDecoder.write(event.data, event.t);
        else draft.responseBody.add(event.data);
        this.#hooks.onChange(draft.record);
        return;
      }
      case 'websocket-message':
        this.#message(event.from, event.t, event.binary, event.data);
        return;
      case 'websocket-close': {
        const { websocket } = draft.record;
        if (websocket) websocket.close = { code: event.code, reason: event.reason, by: event.by, t: event.t };
        return;
      }
      case 'body-gap':
        if (event.side === 'messages') this.markDropped();
        else this.#gap(event.side, event.bytes);
        return;
      case 'response-end':
        draft.endT = event.t;
        if (event.trailers && draft.record.response) draft.record.response.trailers = event.trailers;
        this.#finish();
        return;
      case 'exchange-error':
        draft.endT = event.t;
        setLifecycle(draft.record, endedByEvent(event.kind, event.message));
        this.#run('onResponseError', (a) => a.onResponseError?.(draft, event));
        this.#finish();
        return;
    }
  }

  /** Marks that the capture queue dropped some of this exchange's body parts. */
  markDropped(): void {
    if (!this.draft.record.integrity.includes('analysis-dropped'))
      this.draft.record.integrity.push('analysis-dropped');
  }

  #message(from: WebSocketMessage['from'], t: number, binary: boolean, data: Uint8Array): void {
    const { draft } = this;
    const websocket = draft.record.websocket;
    if (!websocket) return;
    const size = data.byteLength;
    const bytes = Buffer.from(data.buffer, data.byteOffset, size);
    const text = binary ? null : bytes.toString('utf8');
    const message: WebSocketMessage = { from, t, size, data: '' };
    if (size <= this.#messageBudget) {
      this.#messageBudget -= size;
      message.data = text ?? bytes.toString('base64');
    } else {
      this.#messageBudget = 0;
      message.truncated = true;
    }
    if (binary) message.encoding = 'base64';
    websocket.messages.push(message);
    draft.chunkTimes.push(t);
    this.#run('onWebSocketMessage', (a) => a.onWebSocketMessage?.(draft, message, text));
    this.#hooks.onChange(draft.record);
  }

  /** Body bytes the capture queue dropped: sizes stay true, and the hole is marked where it is. */
  #gap(side: 'request' | 'response', bytes: number): void {
    this.markDropped();
    const { draft } = this;
    if (side === 'request') {
      if (!this.#requestEnded) draft.requestBody.skip(bytes);
      else draft.record.request.bodyBytes += bytes;
      return;
    }
    const response = draft.record.response;
    if (response) response.bodyBytes += bytes;
    if (this.#bodyDecoder?.decompresses === true || this.#undecodable > 0) this.#undecodable += bytes;
    else draft.responseBody.skip(bytes);
  }

  #endRequest(): void {
    if (this.#requestEnded) return;
    this.#requestEnded = true;
    const { record, requestBody } = this.draft;
    storeBody(record.request, requestBody);
    record.request.bodyBytes = requestBody.seen;
    this.#run('onRequestEnd', (a) => a.onRequestEnd?.(this.draft));
    this.draft.parsedRequest = null;
  }

  #finish(): void {
    this.#endRequest();
    const decoder = this.#bodyDecoder;
    // Past a hole nothing more was written to a decompressor; what was is still delivered first.
    if (decoder) decoder.end(() => this.#complete());
    else this.#complete();
  }

  #complete(): void {
    if (this.#over) return;
    const { draft } = this;
    const { record, responseBody } = draft;
    if (record.response) {
      responseBody.skip(this.#undecodable);
      storeBody(record.response, responseBody);
    }
    this.#run('onResponseEnd', (a) => a.onResponseEnd?.(draft));
    // Not ended by a failure (nor by an upstream HTTP error, which its analyzer put on it): the end.
    if (isLive(record)) setLifecycle(record, endOf(record));
    this.#over = true;
    this.#hooks.onRecord(record, draft.requestBlocks);
  }

  #run(hook: string, call: (analyzer: Analyzer) => void): void {
    for (let i = 0; i < this.#analyzers.length; i++) {
      const analyzer = this.#analyzers[i] as Analyzer;
      try {
        call(analyzer);
      } catch (error) {
        this.#hooks.onAnalyzerError(`${analyzer.name}.${hook}`, this.draft.record.id, error);
        // Isolate it: the other analyzers and the exchange go on without it.
        this.#analyzers.splice(i--, 1);
      }
    }
  }
}

/** Puts the captured bytes into the record's body: text, or base64 when they are not text. */
function storeBody(target: CapturedBody, bytes: CappedBytes): void {
  const stored = bytes.stored(first(target.headers['content-type']));
  target.body = stored.body;
  target.bodyTruncated = bytes.truncated;
  if (stored.encoding) target.encoding = stored.encoding;
  if (stored.holes) target.holes = stored.holes;
}

function first(value: HeaderMap[string] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** How an exchange that ended without a failure event ended: complete, unless the response said it failed. */
function endOf(record: ExchangeRecord): ExchangeLifecycle {
  // A WebSocket is complete only on a normal close (1000, or 1005: a close frame without a code).
  const close = record.websocket?.close;
  const abnormalClose = close != null && close.code !== 1000 && close.code !== 1005;
  return abnormalClose || record.streamError
    ? { state: 'error', error: null }
    : { state: 'complete', error: null };
}

function emptyRecord(start: RequestStartEvent, seq: number): ExchangeRecord {
  return {
    id: start.exchangeId,
    seq,
    startedAt: new Date(start.startedAt).toISOString(),
    method: start.method,
    path: start.path,
    api: 'http',
    model: null,
    tenant: start.tenant,
    stream: false,
    status: null,
    state: 'pending',
    usage: null,
    costUsd: null,
    timings: { headersMs: null, firstTokenMs: null, totalMs: null, outputTokensPerSecond: null },
    error: null,
    organization: start.organization,
    project: start.project,
    request: { headers: start.headers, body: '', bodyTruncated: false, bodyBytes: 0 },
    response: null,
    chunks: [],
    gaps: null,
    merged: null,
    integrity: [],
    streamError: null,
  };
}
