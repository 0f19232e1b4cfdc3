import { isRecord, nonEmptyStr, parseJson, str } from '../wire/json-fields.ts';
import type { InterpretedResponse, ResponseInterpreter } from './llm-response.ts';
import { createResponsesInterpreter } from './responses-interpreter.ts';
import { addUsage, mergeTurns, type WebSocketInterpreter } from './websocket-interpreter.ts';

/**
 * The Responses API over WebSocket (Codex CLI, the Agents SDK): each client `response.create`
 * starts a response, and the server's events that follow are that response's stream, the same
 * events as over HTTP, so each is read by the HTTP Responses interpreter. The session's result
 * is its responses merged, their usage added up.
 */
export function createResponsesWebSocketInterpreter(): WebSocketInterpreter {
  const turns: ResponseInterpreter[] = [];
  let requestedModel: string | null = null;
  let current: ResponseInterpreter | null = null;

  const turn = (): ResponseInterpreter => {
    if (current === null) {
      current = createResponsesInterpreter();
      turns.push(current);
    }
    return current;
  };

  return {
    push(from, text) {
      if (from === 'client') {
        const json = parseJson(text);
        if (!isRecord(json) || str(json.type) !== 'response.create') return false;
        // The model is on the event itself (or, in older clients, in its `response` object).
        const model =
          nonEmptyStr(json.model) ?? (isRecord(json.response) ? nonEmptyStr(json.response.model) : null);
        if (model !== null) requestedModel = model;
        current = null;
        turn();
        return false;
      }
      return turn().pushEvent({ event: null, data: text });
    },
    snapshot(): InterpretedResponse {
      const snapshots = turns.map((one) => one.snapshot());
      let model = requestedModel;
      let streamError: InterpretedResponse['streamError'] = null;
      for (const one of snapshots) {
        if (one.model !== null) model = one.model;
        if (one.streamError !== null) streamError = one.streamError;
      }
      const last = snapshots.at(-1);
      return {
        model,
        merged: mergeTurns(snapshots.map((one) => one.merged)),
        usage: addUsage(snapshots.map((one) => one.usage)),
        terminated: last === undefined || last.terminated,
        streamError,
      };
    },
  };
}
