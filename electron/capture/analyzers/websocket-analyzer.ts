import { detectApi } from '../../../shared/interpreters/api-detect.ts';
import type { ApiKind } from '../../../shared/interpreters/api-kind.ts';
import { createRealtimeInterpreter } from '../../../shared/interpreters/realtime-interpreter.ts';
import { createResponsesWebSocketInterpreter } from '../../../shared/interpreters/responses-websocket-interpreter.ts';
import type { WebSocketInterpreter } from '../../../shared/interpreters/websocket-interpreter.ts';
import type { Analyzer } from '../analyzer.ts';

/** The LLM protocol a WebSocket's path names (the Realtime API, the Responses API), or null for any other. */
export function websocketApiOf(path: string): ApiKind | null {
  const p = path.split('?')[0] ?? '';
  // Azure names an `api-version` or a `deployment` (a `/openai` route prefix alone does not make it Azure).
  if (/\/realtime\/?$/.test(p))
    return /[?&](api-version|deployment)=/.test(path) ? 'azure.realtime' : 'openai.realtime';
  const api = detectApi('POST', path);
  return api === 'openai.responses' || api === 'azure.responses' ? api : null;
}

/** The model a Realtime URL names: `?model=` (OpenAI) or `?deployment=` (Azure). */
function modelInQuery(path: string): string | null {
  const query = path.indexOf('?');
  if (query === -1) return null;
  const params = new URLSearchParams(path.slice(query + 1));
  return params.get('model') || params.get('deployment') || null;
}

/**
 * Understands the messages of a WebSocket exchange (an upstream `101`) that speaks an LLM
 * protocol: merges them into the record's result, usage and model, as the HTTP interpreters do
 * for a stream, and notes when the first model output arrived. Other WebSocket traffic keeps
 * its messages only.
 */
export function websocketAnalyzer(): Analyzer {
  let interpreter: WebSocketInterpreter | null = null;
  return {
    name: 'websocket',
    onResponseStart(draft, event) {
      if (event.status !== 101) return;
      const { record } = draft;
      record.stream = true;
      const api = websocketApiOf(record.path);
      if (api === null) return;
      record.api = api;
      const model = modelInQuery(record.path);
      if (model !== null) record.model = model;
      interpreter =
        api === 'openai.realtime' || api === 'azure.realtime'
          ? createRealtimeInterpreter(model)
          : createResponsesWebSocketInterpreter();
    },
    onWebSocketMessage(draft, message, text) {
      if (interpreter === null || text === null) return;
      if (interpreter.push(message.from, text) && draft.firstOutputT === null) draft.firstOutputT = message.t;
    },
    onResponseEnd(draft) {
      if (interpreter === null) return;
      const interpreted = interpreter.snapshot();
      const { record } = draft;
      draft.interpreted = interpreted;
      record.merged = interpreted.merged;
      record.usage = interpreted.usage;
      record.streamError = interpreted.streamError;
      if (interpreted.model) record.model = interpreted.model;
    },
  };
}
