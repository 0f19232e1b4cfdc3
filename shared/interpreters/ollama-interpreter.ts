import type { Usage } from '../usage/usage.ts';
import { normaliseOllamaUsage } from '../usage/usage-normalise.ts';
import { arr, isRecord, type JsonRecord, nonEmptyStr, parseJson, rec, str } from '../wire/json-fields.ts';
import type { InterpretedResponse, ResponseInterpreter, WireEvent } from './llm-response.ts';
import { appendText, copyMerged, emptyMerged } from './merged-draft.ts';

/**
 * Creates an interpreter for Ollama's native /api/chat and /api/generate: NDJSON lines, or one JSON
 * body without streaming. Chat's text is in `message.content`, generate's in `response` (its
 * reasoning in `thinking`); the last line (`done: true`) carries the counts for both.
 */
export function createOllamaInterpreter(): ResponseInterpreter {
  const merged = emptyMerged();
  let model: string | null = null;
  let usage: Usage | null = null;
  let terminated = false;
  let streamError: InterpretedResponse['streamError'] = null;

  function readMessage(json: JsonRecord): boolean {
    model = nonEmptyStr(json.model) ?? model;
    const error = str(json.error);
    if (error !== null) streamError = { type: 'error', message: error };
    let output = false;
    const message = rec(json.message);
    const content = str(message?.content) ?? str(json.response);
    if (content !== null && content !== '') {
      merged.text += content;
      output = true;
    }
    const thinking = str(message?.thinking) ?? str(json.thinking);
    if (thinking !== null && thinking !== '') {
      merged.reasoning = appendText(merged.reasoning, thinking);
      output = true;
    }
    // Ollama never splits a call across lines: each entry is a whole call with parsed arguments.
    for (const raw of arr(message?.tool_calls)) {
      if (!isRecord(raw)) continue;
      const fn = rec(raw.function);
      const args = fn?.arguments;
      merged.toolCalls.push({
        id: str(raw.id),
        name: str(fn?.name) ?? '',
        arguments: typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args),
      });
      output = true;
    }
    if (json.done === true) {
      terminated = true;
      merged.finishReason = str(json.done_reason);
      usage = normaliseOllamaUsage(json);
    }
    return output;
  }

  return {
    pushEvent(event: WireEvent): boolean {
      const json = parseJson(event.data);
      return isRecord(json) ? readMessage(json) : false;
    },
    readBody(json: unknown): void {
      if (isRecord(json)) readMessage(json);
    },
    snapshot(): InterpretedResponse {
      return { model, merged: copyMerged(merged), usage, terminated, streamError };
    },
  };
}
