/**
 * The turns of a Realtime API WebSocket (OpenAI, Azure; GA and beta event names). The
 * conversation lives on the server: the client adds items (`conversation.item.create`) and the
 * server adds its own (the model's output, a spoken user turn) and echoes the client's, each
 * `conversation.item.*` with an id. Each response is a turn: a client `response.create` begins one
 * (or, with server voice activity detection, the server's `response.created` that no client
 * request asked for), its `response.done` ends it with that response's usage. A turn's request is
 * the conversation so far as a Responses API body (the items share its shapes), so the tracker
 * diffs and judges the cache of Realtime turns as it does those of the Responses API.
 */
import { normaliseRealtimeUsage } from '../interpreters/realtime-interpreter.ts';
import { arr, isRecord, type JsonRecord, parseJson, rec, str } from '../wire/json-fields.ts';
import { normaliseRequest } from './normalise-request.ts';
import { responseIds } from './response-ids.ts';
import type { SocketContext } from './responses-socket-reader.ts';
import type { SocketReader, SocketTurnSink } from './websocket-turns.ts';

/** One conversation item: its server id once known, and what it says (without id and status, which the server adds and changes). */
interface Item {
  id: string | null;
  /** Added by the client and not yet echoed by the server. */
  unechoed: boolean;
  body: JsonRecord;
}

/** An item as a turn's request shows it: what was said, not the server's bookkeeping. */
function itemBody(item: JsonRecord): JsonRecord {
  const { id: _id, status: _status, object: _object, ...body } = item;
  return body;
}

const sameKind = (a: JsonRecord, b: JsonRecord): boolean =>
  a.type === b.type && a.role === b.role && a.call_id === b.call_id;

/** Reads a Realtime API socket's messages into `sink`'s turns. */
export function realtimeSocketReader(sink: SocketTurnSink, context: SocketContext): SocketReader {
  const items: Item[] = [];
  let model = context.model;
  let instructions: unknown;
  let tools: unknown;
  /** Client `response.create`s the server has not yet answered with `response.created`. */
  let requested = 0;

  const session = (value: unknown): void => {
    const s = rec(value);
    if (s === null) return;
    model = str(s.model) ?? model;
    if (s.instructions !== undefined) instructions = s.instructions;
    if (s.tools !== undefined) tools = s.tools;
  };

  const begin = (t: number, options: JsonRecord | null): void => {
    const input =
      options !== null && Array.isArray(options.input)
        ? options.input.map((i) => (isRecord(i) ? itemBody(i) : i))
        : items.map((i) => i.body);
    const body: JsonRecord = {
      model,
      instructions: options?.instructions ?? instructions,
      tools: options?.tools ?? tools,
      input,
    };
    const request = normaliseRequest('openai.responses', body, context.headers, model);
    if (request !== null) sink.begin(request, model, t);
  };

  /** A server `conversation.item.*` naming an item: the echo of a client's, an update, or a new one. */
  const serverItem = (raw: unknown): void => {
    const item = rec(raw);
    const id = str(item?.id);
    if (item === null || id === null) return;
    const body = itemBody(item);
    const known = items.find((i) => i.id === id);
    if (known !== undefined) {
      // The client's own words stay as sent; the server's items fill in as they complete.
      if (!known.unechoed) known.body = body;
      return;
    }
    const echoed = items.find((i) => i.unechoed && i.id === null && sameKind(i.body, body));
    if (echoed !== undefined) {
      echoed.id = id;
      return;
    }
    items.push({ id, unechoed: false, body });
  };

  return {
    client(text, t) {
      const json = rec(parseJson(text));
      switch (str(json?.type)) {
        case 'session.update':
          session(json?.session);
          return;
        case 'conversation.item.create': {
          const item = rec(json?.item);
          if (item !== null) items.push({ id: str(item.id), unechoed: true, body: itemBody(item) });
          return;
        }
        case 'conversation.item.delete': {
          const at = items.findIndex((i) => i.id === str(json?.item_id));
          if (at >= 0) items.splice(at, 1);
          return;
        }
        case 'response.create':
          requested++;
          begin(t, rec(json?.response));
          return;
        default:
          return;
      }
    },
    server(text, t) {
      if (!text.includes('"session.') && !text.includes('"conversation.') && !text.includes('"response.'))
        return;
      const json = rec(parseJson(text));
      const type = str(json?.type) ?? '';
      if (type === 'session.created' || type === 'session.updated') session(json?.session);
      else if (type.startsWith('conversation.item.')) {
        if (type === 'conversation.item.deleted') {
          const at = items.findIndex((i) => i.id === str(json?.item_id));
          if (at >= 0) items.splice(at, 1);
        } else serverItem(json?.item);
      } else if (type === 'response.created') {
        if (requested > 0) requested--;
        else begin(t, null);
        sink.responseIds(responseIds(text.slice(0, 512)));
      } else if (type === 'response.done') {
        const response = rec(json?.response);
        for (const out of arr(response?.output)) {
          const item = rec(out);
          if (item?.type === 'function_call')
            sink.toolCall({
              id: str(item.call_id),
              name: str(item.name) ?? '',
              arguments: str(item.arguments) ?? '',
            });
          serverItem(out);
        }
        sink.end(normaliseRealtimeUsage(response?.usage));
      }
    },
  };
}
