import type { Usage } from '../usage/usage.ts';
import { normaliseEmbeddingsUsage } from '../usage/usage-normalise.ts';
import { isRecord, type JsonRecord, nonEmptyStr } from '../wire/json-fields.ts';
import type { InterpretedResponse, ResponseInterpreter } from './llm-response.ts';
import { copyMerged, emptyMerged } from './merged-draft.ts';

/**
 * Creates an interpreter for embeddings responses, which are never streamed and carry no text;
 * `readUsage` finds the counts in the body (OpenAI's `usage`, by default; Ollama's /api/embed has
 * `prompt_eval_count` at the top).
 */
export function createEmbeddingsInterpreter(
  readUsage: (body: JsonRecord) => Usage | null = (body) => normaliseEmbeddingsUsage(body.usage),
): ResponseInterpreter {
  const merged = emptyMerged();
  let model: string | null = null;
  let usage: Usage | null = null;
  let terminated = false;

  return {
    pushEvent(): boolean {
      return false;
    },
    readBody(json: unknown): void {
      if (!isRecord(json)) return;
      terminated = true;
      model = nonEmptyStr(json.model) ?? model;
      usage = readUsage(json);
    },
    snapshot(): InterpretedResponse {
      return { model, merged: copyMerged(merged), usage, terminated, streamError: null };
    },
  };
}
