import type { Usage } from '../usage/usage.ts';
import { normaliseChatUsage } from '../usage/usage-normalise.ts';
import { isRecord, type JsonRecord, nonEmptyStr, str } from '../wire/json-fields.ts';
import { firstChoice } from './first-choice.ts';
import type { InterpretedResponse, ResponseInterpreter, WireEvent } from './llm-response.ts';
import { copyMerged, emptyMerged } from './merged-draft.ts';
import { readOpenAiChunk } from './stream-error.ts';

/**
 * Creates an interpreter for the legacy text Completions API (`/v1/completions`: OpenAI's
 * gpt-3.5-turbo-instruct, vLLM, llama.cpp, TGI), streamed or not: `choices[0].text`, with usage
 * shaped as Chat Completions'. Only choice 0 is merged, as for chat.
 */
export function createCompletionsInterpreter(): ResponseInterpreter {
  const merged = emptyMerged();
  let model: string | null = null;
  let usage: Usage | null = null;
  let terminated = false;
  let streamError: InterpretedResponse['streamError'] = null;

  function read(json: JsonRecord): boolean {
    model = nonEmptyStr(json.model) ?? model;
    // vLLM's continuous usage repeats a cumulative count on every chunk: the last one counts, never a sum.
    const u = normaliseChatUsage(json.usage);
    if (u !== null) usage = u;
    const choice = firstChoice(json.choices);
    if (choice === null) return false;
    const finish = str(choice.finish_reason);
    if (finish !== null) merged.finishReason = finish;
    const text = str(choice.text);
    if (text === null || text === '') return false;
    merged.text += text;
    return true;
  }

  return {
    pushEvent(event: WireEvent): boolean {
      const chunk = readOpenAiChunk(event.data);
      if (chunk === null) return false;
      if (chunk.done) {
        terminated = true;
        return false;
      }
      if (chunk.error !== null) streamError = chunk.error;
      return read(chunk.json);
    },
    readBody(json: unknown): void {
      if (!isRecord(json)) return;
      terminated = true;
      read(json);
    },
    snapshot(): InterpretedResponse {
      return { model, merged: copyMerged(merged), usage, terminated, streamError };
    },
  };
}
