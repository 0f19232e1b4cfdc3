/**
 * A WebSocket threaded as it goes, live and when a session is rebuilt alike: each response the
 * client asks for begins a turn and the response's end ends it, so a long-lived agent or voice
 * socket shows its turns while it is open. The turns of one socket are one thread; the socket's
 * exchange carries them all (`socketTurns`). What begins and ends a turn is the API's:
 * `responses-socket-reader.ts` (Responses API), `realtime-socket-reader.ts` (Realtime API).
 */
import type { ExchangeRecord } from '../exchange/exchange-record.ts';
import type { ApiKind } from '../interpreters/api-kind.ts';
import type { ToolCall } from '../interpreters/merged-result.ts';
import type { Usage } from '../usage/usage.ts';
import type { NormalisedRequest } from './normalise-request.ts';
import { realtimeSocketReader } from './realtime-socket-reader.ts';
import { responsesSocketReader } from './responses-socket-reader.ts';
import type { BegunTurn, ThreadTracker } from './thread-tracker.ts';
import type { SocketTurn } from './thread-types.ts';

/** What a socket reader tells the socket's turns. */
export interface SocketTurnSink {
  /** A turn begins (`t`: ms since the exchange started). */
  begin(request: NormalisedRequest, model: string | null, t: number): void;
  /** Response ids the oldest open turn's answer names. */
  responseIds(ids: readonly string[]): void;
  /** A tool call the oldest open turn's answer made. */
  toolCall(call: ToolCall): void;
  /** The oldest open turn's answer ended. */
  end(usage: Usage | null): void;
  /** Turns begun and not yet ended. */
  readonly open: number;
}

/** Reads one API's socket messages into turns. */
export interface SocketReader {
  client(text: string, t: number): void;
  server(text: string, t: number): void;
}

/** APIs whose WebSockets are threaded. */
export function isThreadedSocketApi(api: ApiKind): boolean {
  return socketKind(api) !== null;
}

function socketKind(api: ApiKind): 'responses' | 'realtime' | null {
  if (api === 'openai.responses' || api === 'azure.responses') return 'responses';
  if (api === 'openai.realtime' || api === 'azure.realtime') return 'realtime';
  return null;
}

interface OpenTurn {
  begun: BegunTurn;
  turn: SocketTurn;
  ids: string[];
  toolCalls: ToolCall[];
}

/** The turns of one WebSocket exchange, put in their thread as their messages arrive. */
export class WebSocketTurns implements SocketTurnSink {
  readonly #tracker: ThreadTracker;
  readonly #record: ExchangeRecord;
  readonly #startedAtMs: number;
  readonly #reader: SocketReader | null;
  /** Turns begun and not yet answered, oldest first (a client may send the next before the answer ends). */
  readonly #open: OpenTurn[] = [];
  #threadId: string | null = null;

  /** `record` gets the turns (`thread`, `delta`, `cache`, `context`, `socketTurns`). */
  constructor(tracker: ThreadTracker, record: ExchangeRecord) {
    this.#tracker = tracker;
    this.#record = record;
    this.#startedAtMs = Date.parse(record.startedAt);
    const kind = socketKind(record.api);
    const context = { api: record.api, headers: record.request.headers, model: record.model };
    this.#reader =
      kind === 'responses'
        ? responsesSocketReader(this, context)
        : kind === 'realtime'
          ? realtimeSocketReader(this, context)
          : null;
  }

  get open(): number {
    return this.#open.length;
  }

  /** A client message (`t`: ms since the exchange started). */
  client(text: string, t: number): void {
    this.#reader?.client(text, t);
  }

  /** A server message. */
  server(text: string, t: number): void {
    this.#reader?.server(text, t);
  }

  /** The socket closed: turns still open end without usage. */
  close(): void {
    while (this.#open.length > 0) this.end(null);
  }

  begin(request: NormalisedRequest, model: string | null, t: number): void {
    const at = this.#startedAtMs + t;
    const record = this.#record;
    const begun = this.#tracker.begin(record.id, record.api, at, request, this.#threadId);
    const turn: SocketTurn = {
      turn: begun.ref.turn,
      startedAt: new Date(at).toISOString(),
      model,
      usage: null,
      delta: begun.delta,
      cache: null,
      context: null,
    };
    this.#open.push({ begun, turn, ids: [], toolCalls: [] });
    record.socketTurns ??= [];
    record.socketTurns.push(turn);
    if (this.#threadId === null) {
      // The exchange's first turn: its thread, and the delta the record carries.
      this.#threadId = begun.threadId;
      record.thread = begun.ref;
      record.delta = begun.delta;
    }
    // Always set on a socket's ref: a WebSocket ref without it was written before turns were read as they came.
    if (record.thread) record.thread.lastTurn = turn.turn;
  }

  responseIds(ids: readonly string[]): void {
    const open = this.#open[0];
    if (open === undefined) return;
    for (const id of ids) if (!open.ids.includes(id)) open.ids.push(id);
  }

  toolCall(call: ToolCall): void {
    this.#open[0]?.toolCalls.push(call);
  }

  end(usage: Usage | null): void {
    const open = this.#open.shift();
    if (open === undefined) return;
    const { cache, context } = this.#tracker.end(open.begun, {
      usage,
      responseIds: open.ids,
      toolCalls: open.toolCalls,
    });
    open.turn.usage = usage;
    open.turn.cache = cache;
    open.turn.context = context;
    // The exchange's ref carries its latest turn's resume key (a later session continues from there).
    const resume = open.begun.ref.resume;
    if (this.#record.thread && resume)
      this.#record.thread.resume = {
        ...resume,
        at: open.begun.snapshot.startedAtMs,
        usage: open.begun.snapshot.usage,
      };
    if (this.#record.socketTurns?.[0] === open.turn) {
      this.#record.cache = cache;
      this.#record.context = context;
    }
  }
}
