/**
 * The turns of a Responses API WebSocket: every `response.create` that asks for output begins a
 * turn (the warm-up, `generate: false`, does not), and the response that answers it
 * (`response.completed`, or `response.failed` / `response.incomplete` / `response.done`) ends it.
 */
import type { HeaderMap } from '../exchange/capture-events.ts';
import type { ApiKind } from '../interpreters/api-kind.ts';
import { normaliseResponsesUsage } from '../usage/usage-normalise.ts';
import { isRecord, parseJson, rec, str } from '../wire/json-fields.ts';
import { normaliseRequest } from './normalise-request.ts';
import { responseIds } from './response-ids.ts';
import type { SocketReader, SocketTurnSink } from './websocket-turns.ts';

const TURN_ENDS = new Set(['response.completed', 'response.failed', 'response.incomplete', 'response.done']);

/** What a reader knows of its exchange. */
export interface SocketContext {
  api: ApiKind;
  headers: HeaderMap;
  /** The exchange's model (from the URL), for turns that name none. */
  model: string | null;
}

/** Reads a Responses API socket's messages into `sink`'s turns. */
export function responsesSocketReader(sink: SocketTurnSink, context: SocketContext): SocketReader {
  return {
    client(text, t) {
      if (!text.includes('response.create')) return;
      const json = parseJson(text);
      if (!isRecord(json) || json.type !== 'response.create' || json.generate === false) return;
      const model = str(json.model) ?? context.model;
      const request = normaliseRequest(context.api, json, context.headers, model);
      if (request !== null) sink.begin(request, model, t);
    },
    server(text) {
      if (sink.open === 0 || !text.includes('"response.')) return;
      sink.responseIds(responseIds(text.slice(0, 512)));
      if (text.includes('"response.output_item.done"') && text.includes('"function_call"')) {
        const item = rec(rec(parseJson(text))?.item);
        if (item?.type === 'function_call')
          sink.toolCall({
            id: str(item.call_id),
            name: str(item.name) ?? '',
            arguments: str(item.arguments) ?? '',
          });
        return;
      }
      const type = /"type"\s*:\s*"(response\.[a-z_.]+)"/.exec(text.slice(0, 200))?.[1];
      if (type === undefined || !TURN_ENDS.has(type)) return;
      sink.end(normaliseResponsesUsage(rec(rec(parseJson(text))?.response)?.usage));
    },
  };
}
