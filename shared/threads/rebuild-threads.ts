/**
 * Threads for records captured without them (sessions and imports from before threads, foreign
 * files): the records run through a fresh tracker in capture order, as the thread analyzer runs
 * exchanges live.
 */
import type { ExchangeRecord } from '../exchange/exchange-record.ts';
import { parseJson, str } from '../wire/json-fields.ts';
import { isConversationApi, normaliseRequest } from './normalise-request.ts';
import type { ThreadTracker } from './thread-tracker.ts';
import type { CacheVerdict, ContextBreakdown, ThreadRef, TurnDelta } from './thread-types.ts';
import { responseIds, WebSocketTurn } from './websocket-turn.ts';

/** The thread fields of one record. */
export interface RecordThread {
  thread: ThreadRef | null;
  delta?: TurnDelta;
  cache?: CacheVerdict;
  context?: ContextBreakdown;
}

const isResponses = (record: ExchangeRecord): boolean =>
  record.api === 'openai.responses' || record.api === 'azure.responses';

/** Runs one finished record through the tracker (records must come in capture order). */
export function threadOfRecord(tracker: ThreadTracker, record: ExchangeRecord): RecordThread {
  let body: unknown = null;
  let usage = record.usage;
  let ids: string[] = [];
  if (record.websocket) {
    if (!isResponses(record)) return { thread: null };
    const socket = new WebSocketTurn();
    for (const message of record.websocket.messages) {
      if (message.encoding === 'base64' || message.truncated) continue;
      if (message.from === 'client') socket.client(message.data);
      else socket.server(message.data);
    }
    body = socket.body;
    usage = socket.usage;
    ids = socket.ids;
  } else {
    if (
      !isConversationApi(record.api) ||
      record.request.bodyTruncated ||
      record.request.encoding === 'base64'
    )
      return { thread: null };
    body = parseJson(record.request.body);
    if (isResponses(record) && record.response && record.response.encoding !== 'base64')
      ids = responseIds(record.response.body.slice(0, 4096));
  }
  const model =
    body !== null && typeof body === 'object'
      ? (str((body as Record<string, unknown>).model) ?? record.model)
      : record.model;
  const request = normaliseRequest(record.api, body, record.request.headers, model);
  if (request === null) return { thread: null };
  const begun = tracker.begin(record.id, record.api, Date.parse(record.startedAt), request);
  const { cache, context } = tracker.end(begun, {
    usage,
    responseIds: ids,
    toolCalls: record.merged?.toolCalls ?? [],
  });
  return { thread: begun.ref, delta: begun.delta, cache, context };
}
