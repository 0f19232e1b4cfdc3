import { isJsonArrayStream } from '../../../shared/interpreters/gemini-path.ts';
import { createInterpreter } from '../../../shared/interpreters/llm-interpreter.ts';
import type { ResponseInterpreter, WireEvent } from '../../../shared/interpreters/llm-response.ts';
import { createWireDecoder } from '../../../shared/wire/create-wire-decoder.ts';
import { parseJson } from '../../../shared/wire/json-fields.ts';
import type { WireDecoder } from '../../../shared/wire/wire-decoder.ts';
import type { Analyzer, ExchangeDraft } from '../analyzer.ts';

/** A response is a stream when its content type says so: a `stream: true` request answered by a JSON error is not. */
function isStreamContentType(contentType: string): boolean {
  return /text\/event-stream|ndjson|jsonl/.test(contentType);
}

/**
 * Understands LLM responses: decodes the stream into events, merges the deltas, reads usage and
 * the terminator, and notes when the first model output arrived.
 */
export function llmResponseAnalyzer(): Analyzer {
  let interpreter: ResponseInterpreter | null = null;
  let decoder: WireDecoder | null = null;

  const feed = (draft: ExchangeDraft, events: WireEvent[], t: number) => {
    if (!interpreter) return;
    for (const event of events) {
      if (interpreter.pushEvent(event) && draft.firstOutputT === null) draft.firstOutputT = t;
    }
  };

  return {
    name: 'llm-response',
    onResponseStart(draft, event) {
      // A WebSocket (101) has no response body: the WebSocket analyzer reads its messages.
      if (event.status === 101) return;
      interpreter = createInterpreter(draft.record.api);
      const contentType = String(event.headers['content-type'] ?? '').toLowerCase();
      const streamed =
        isStreamContentType(contentType) ||
        (draft.record.api === 'gemini.generate' &&
          isJsonArrayStream(draft.record.path, event.status, contentType));
      decoder = streamed ? createWireDecoder(draft.record.api, contentType) : null;
      draft.responseIsStream = decoder !== null;
    },
    onResponseData(draft, data, t) {
      if (decoder) feed(draft, decoder.push(data), t);
    },
    onResponseEnd(draft) {
      if (!interpreter) return;
      if (decoder) {
        feed(draft, decoder.end(), draft.endT ?? 0);
      } else if (draft.record.response) {
        const json = parseJson(draft.responseBody.text());
        if (json !== undefined) interpreter.readBody(json);
      }
      const interpreted = interpreter.snapshot();
      draft.interpreted = interpreted;
      draft.record.merged = interpreted.merged;
      draft.record.usage = interpreted.usage;
      draft.record.streamError = interpreted.streamError;
      // The response names the exact model (Azure names it nowhere else).
      if (interpreted.model) draft.record.model = interpreted.model;
    },
  };
}
