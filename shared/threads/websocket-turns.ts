/**
 * A Responses API WebSocket threaded as it goes: every `response.create` that asks for output
 * begins a turn (the warm-up, `generate: false`, does not), and the response that answers it
 * (`response.completed`, or `response.failed` / `response.incomplete` / `response.done`) ends it,
 * so a long-lived agent socket shows its turns while it is open. The turns of one socket are
 * one thread; the socket's exchange carries them all (`socketTurns`).
 */
import type { HeaderMap } from '../exchange/capture-events.ts';
import type { ExchangeRecord } from '../exchange/exchange-record.ts';
import type { ApiKind } from '../interpreters/api-kind.ts';
import type { ToolCall } from '../interpreters/merged-result.ts';
import { normaliseResponsesUsage } from '../usage/usage-normalise.ts';
import { isRecord, parseJson, rec, str } from '../wire/json-fields.ts';
import { normaliseRequest } from './normalise-request.ts';
import type { BegunTurn, ThreadTracker } from './thread-tracker.ts';
import type { SocketTurn } from './thread-types.ts';
import { responseIds } from './websocket-turn.ts';

const TURN_ENDS = new Set(['response.completed', 'response.failed', 'response.incomplete', 'response.done']);

interface OpenTurn {
  begun: BegunTurn;
  turn: SocketTurn;
  ids: string[];
  toolCalls: ToolCall[];
}

/** The turns of one WebSocket exchange, put in their thread as their messages arrive. */
export class WebSocketTurns {
  readonly #tracker: ThreadTracker;
  readonly #record: ExchangeRecord;
  readonly #api: ApiKind;
  readonly #headers: HeaderMap;
  readonly #startedAtMs: number;
  /** Turns begun and not yet answered, oldest first (a client may send the next before the answer ends). */
  readonly #open: OpenTurn[] = [];
  #threadId: string | null = null;

  constructor(tracker: ThreadTracker, record: ExchangeRecord) {
    this.#tracker = tracker;
    this.#record = record;
    this.#api = record.api;
    this.#headers = record.request.headers;
    this.#startedAtMs = Date.parse(record.startedAt);
  }

  /** A client message (`t`: ms since the exchange started). */
  client(text: string, t: number): void {
    if (!text.includes('response.create')) return;
    const json = parseJson(text);
    if (!isRecord(json) || json.type !== 'response.create' || json.generate === false) return;
    const model = str(json.model) ?? this.#record.model;
    const request = normaliseRequest(this.#api, json, this.#headers, model);
    if (request === null) return;
    const at = this.#startedAtMs + t;
    const begun = this.#tracker.begin(this.#record.id, this.#api, at, request, this.#threadId);
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
    const record = this.#record;
    record.socketTurns ??= [];
    record.socketTurns.push(turn);
    if (this.#threadId === null) {
      // The exchange's first turn: its thread, and the delta the record carries.
      this.#threadId = begun.threadId;
      record.thread = begun.ref;
      record.delta = begun.delta;
    } else if (record.thread) {
      record.thread.lastTurn = turn.turn;
    }
  }

  /** A server message. */
  server(text: string): void {
    const open = this.#open[0];
    if (open === undefined || !text.includes('"response.')) return;
    for (const id of responseIds(text.slice(0, 512))) if (!open.ids.includes(id)) open.ids.push(id);
    if (text.includes('"response.output_item.done"') && text.includes('"function_call"')) {
      const item = rec(rec(parseJson(text))?.item);
      if (item?.type === 'function_call')
        open.toolCalls.push({
          id: str(item.call_id),
          name: str(item.name) ?? '',
          arguments: str(item.arguments) ?? '',
        });
      return;
    }
    const type = /"type"\s*:\s*"(response\.[a-z_.]+)"/.exec(text.slice(0, 200))?.[1];
    if (type === undefined || !TURN_ENDS.has(type)) return;
    const json = rec(parseJson(text));
    this.#end(normaliseResponsesUsage(rec(json?.response)?.usage));
  }

  /** The socket closed: turns still open end without usage. */
  close(): void {
    while (this.#open.length > 0) this.#end(null);
  }

  #end(usage: SocketTurn['usage']): void {
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
