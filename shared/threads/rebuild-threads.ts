/**
 * Threads for records captured without them (sessions and imports from before threads, foreign
 * files, WebSockets recorded before their turns were read one by one): the records run through a
 * fresh tracker in capture order, as the thread analyzer runs exchanges live, a WebSocket's
 * messages through the same `WebSocketTurns` live capture uses.
 */
import type { ExchangeRecord, ExchangeSummary } from '../exchange/exchange-record.ts';
import { parseJson, str } from '../wire/json-fields.ts';
import { isConversationApi, normaliseRequest } from './normalise-request.ts';
import { responseIds } from './response-ids.ts';
import type { ThreadTracker } from './thread-tracker.ts';
import type { CacheVerdict, ContextBreakdown, SocketTurn, ThreadRef, TurnDelta } from './thread-types.ts';
import { isThreadedSocketApi, WebSocketTurns } from './websocket-turns.ts';

/** The thread fields of one record. */
export interface RecordThread {
  thread: ThreadRef | null;
  delta?: TurnDelta;
  cache?: CacheVerdict;
  context?: ContextBreakdown;
  socketTurns?: SocketTurn[];
}

const isResponses = (record: ExchangeRecord): boolean =>
  record.api === 'openai.responses' || record.api === 'azure.responses';

/**
 * A summary whose thread must be rebuilt from its record: none recorded (made before threads,
 * or imported without them), or a WebSocket threaded as one whole-socket turn (before turns were
 * read as they came, which always sets `lastTurn`).
 */
export function needsRebuiltThread(summary: ExchangeSummary): boolean {
  if (summary.state === 'pending' || summary.state === 'streaming') return false;
  const socket = summary.status === 101 && isThreadedSocketApi(summary.api);
  if (summary.thread === undefined) return socket || isConversationApi(summary.api);
  return socket && summary.thread !== null && summary.thread.lastTurn === undefined;
}

/** The turns of a WebSocket record, read from its messages as live capture reads them. */
function socketThread(tracker: ThreadTracker, record: ExchangeRecord): RecordThread {
  // A copy without the thread fields, which the turns fill in as live capture fills the record's.
  const { delta: _d, cache: _c, context: _x, socketTurns: _s, ...rest } = record;
  const target: ExchangeRecord = { ...rest, thread: null };
  const turns = new WebSocketTurns(tracker, target);
  for (const message of record.websocket?.messages ?? []) {
    if (message.encoding === 'base64' || message.truncated) continue;
    if (message.from === 'client') turns.client(message.data, message.t);
    else turns.server(message.data, message.t);
  }
  turns.close();
  const { thread, delta, cache, context, socketTurns } = target;
  return {
    thread: thread ?? null,
    ...(delta && { delta }),
    ...(cache && { cache }),
    ...(context && { context }),
    ...(socketTurns && { socketTurns }),
  };
}

/** Runs one finished record through the tracker (records must come in capture order). */
export function threadOfRecord(tracker: ThreadTracker, record: ExchangeRecord): RecordThread {
  if (record.websocket)
    return isThreadedSocketApi(record.api) ? socketThread(tracker, record) : { thread: null };
  if (!isConversationApi(record.api) || record.request.bodyTruncated || record.request.encoding === 'base64')
    return { thread: null };
  const body = parseJson(record.request.body);
  const ids =
    isResponses(record) && record.response && record.response.encoding !== 'base64'
      ? responseIds(record.response.body.slice(0, 4096))
      : [];
  const model =
    body !== null && typeof body === 'object'
      ? (str((body as Record<string, unknown>).model) ?? record.model)
      : record.model;
  const request = normaliseRequest(record.api, body, record.request.headers, model);
  if (request === null) return { thread: null };
  const begun = tracker.begin(record.id, record.api, Date.parse(record.startedAt), request);
  const { cache, context } = tracker.end(begun, {
    usage: record.usage,
    responseIds: ids,
    toolCalls: record.merged?.toolCalls ?? [],
  });
  return { thread: begun.ref, delta: begun.delta, cache, context };
}
