import { isRecord, type JsonRecord, parseJson, rec, str } from '../wire/json-fields.ts';
import type { InterpretedResponse } from './llm-response.ts';

/** An in-band error object (`{"type","code","message"}`, any of them missing) as the stream error an interpreter reports. */
export function streamErrorOf(error: JsonRecord | null): NonNullable<InterpretedResponse['streamError']> {
  return { type: str(error?.type) ?? str(error?.code) ?? 'error', message: str(error?.message) ?? '' };
}

/**
 * One event of an OpenAI-style chunk stream (Chat Completions, legacy Completions and the servers
 * that copy them): the `[DONE]` terminator, or a JSON chunk with its in-band `error` (vLLM,
 * LiteLLM and OpenRouter report a mid-stream failure as such a chunk); null for anything else.
 */
export function readOpenAiChunk(
  data: string,
): { done: true } | { done: false; json: JsonRecord; error: ReturnType<typeof streamErrorOf> | null } | null {
  if (data.trim() === '[DONE]') return { done: true };
  const json = parseJson(data);
  if (!isRecord(json)) return null;
  const error = rec(json.error);
  return { done: false, json, error: error === null ? null : streamErrorOf(error) };
}
