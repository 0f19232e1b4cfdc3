import { num, rec } from '../wire/json-fields.ts';
import type { Usage } from './usage.ts';

/** Chat Completions and legacy Completions `usage` (OpenAI, Azure, vLLM, Ollama /v1, DeepSeek) to `Usage`; null when absent. */
export function normaliseChatUsage(raw: unknown): Usage | null {
  const u = rec(raw);
  const input = num(u?.prompt_tokens);
  const output = num(u?.completion_tokens);
  if (u === null || input === null || output === null) return null;
  return {
    inputTokens: input,
    outputTokens: output,
    // DeepSeek reports cache hits at the top level instead of in the details object.
    cachedTokens: num(rec(u.prompt_tokens_details)?.cached_tokens) ?? num(u.prompt_cache_hit_tokens),
    reasoningTokens: num(rec(u.completion_tokens_details)?.reasoning_tokens),
    totalTokens: num(u.total_tokens) ?? input + output,
  };
}

/** Responses API `usage` to `Usage`; null when absent. */
export function normaliseResponsesUsage(raw: unknown): Usage | null {
  const u = rec(raw);
  const input = num(u?.input_tokens);
  const output = num(u?.output_tokens);
  if (u === null || input === null || output === null) return null;
  const inputDetails = rec(u.input_tokens_details);
  const usage: Usage = {
    inputTokens: input,
    outputTokens: output,
    cachedTokens: num(inputDetails?.cached_tokens),
    reasoningTokens: num(rec(u.output_tokens_details)?.reasoning_tokens),
    totalTokens: num(u.total_tokens) ?? input + output,
  };
  const cacheWrite = num(inputDetails?.cache_write_tokens);
  if (cacheWrite !== null) usage.cacheWriteTokens = cacheWrite;
  return usage;
}

/** Anthropic Messages `usage` to `Usage`, counting cache reads and writes as input; null when absent. */
export function normaliseAnthropicUsage(raw: unknown): Usage | null {
  const u = rec(raw);
  const uncached = num(u?.input_tokens);
  const output = num(u?.output_tokens);
  if (u === null || uncached === null || output === null) return null;
  // Anthropic's input_tokens excludes cached input, unlike every other provider's.
  const cacheRead = num(u.cache_read_input_tokens);
  // Writes to the 5-minute and the 1-hour cache are counted apart, and priced apart.
  const creation = rec(u.cache_creation);
  const write5m = num(creation?.ephemeral_5m_input_tokens);
  const write1h = num(creation?.ephemeral_1h_input_tokens);
  const cacheWrite =
    num(u.cache_creation_input_tokens) ??
    (write5m === null && write1h === null ? null : (write5m ?? 0) + (write1h ?? 0));
  const input = uncached + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const usage: Usage = {
    inputTokens: input,
    outputTokens: output,
    cachedTokens: cacheRead,
    reasoningTokens: null,
    totalTokens: input + output,
  };
  if (cacheWrite !== null) usage.cacheWriteTokens = cacheWrite;
  // Absent when none were written (most calls), so only calls that used the 1-hour cache carry it.
  if (write1h !== null && write1h > 0) usage.cacheWrite1hTokens = write1h;
  return usage;
}

/**
 * Transcription `usage` (`/v1/audio/transcriptions`) to `Usage`; null when absent. gpt-4o-transcribe
 * counts tokens (`type: "tokens"`, audio input apart in `input_token_details`); whisper-1 bills the
 * audio's length (`type: "duration"`, `seconds`), which has no tokens.
 */
export function normaliseTranscriptionUsage(raw: unknown): Usage | null {
  const u = rec(raw);
  if (u === null) return null;
  if (u.type === 'duration') {
    const seconds = num(u.seconds);
    if (seconds === null) return null;
    return {
      inputTokens: 0,
      outputTokens: 0,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 0,
      audioSeconds: seconds,
    };
  }
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  if (input === null || output === null) return null;
  const usage: Usage = {
    inputTokens: input,
    outputTokens: output,
    cachedTokens: null,
    reasoningTokens: null,
    totalTokens: num(u.total_tokens) ?? input + output,
  };
  const audio = num(rec(u.input_token_details)?.audio_tokens);
  if (audio !== null) usage.inputAudioTokens = audio;
  return usage;
}

/**
 * Ollama native counts (`prompt_eval_count`, `eval_count` of /api/chat's and /api/generate's `done`
 * message, or /api/embed's body, which has only the prompt count) to `Usage`; null when absent.
 */
export function normaliseOllamaUsage(raw: unknown): Usage | null {
  const u = rec(raw);
  const input = num(u?.prompt_eval_count);
  const output = num(u?.eval_count);
  if (input === null && output === null) return null;
  // Ollama's Go structs drop zero counts (omitempty): a fully cached prompt has no prompt_eval_count.
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  return {
    inputTokens,
    outputTokens,
    cachedTokens: null,
    reasoningTokens: null,
    totalTokens: inputTokens + outputTokens,
  };
}

/** Embeddings `usage` (`prompt_tokens`, `total_tokens`) to `Usage` with no output; null when absent. */
export function normaliseEmbeddingsUsage(raw: unknown): Usage | null {
  const u = rec(raw);
  const input = num(u?.prompt_tokens);
  if (u === null || input === null) return null;
  return {
    inputTokens: input,
    outputTokens: 0,
    cachedTokens: null,
    reasoningTokens: null,
    totalTokens: num(u.total_tokens) ?? input,
  };
}
