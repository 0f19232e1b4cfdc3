import { num, rec } from './json-fields.ts';
import type { Usage } from './usage.ts';

/** Chat Completions `usage` (OpenAI, Azure, vLLM, Ollama /v1, DeepSeek) to `Usage`; null when absent. */
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
  const cacheWrite = num(u.cache_creation_input_tokens);
  const input = uncached + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const usage: Usage = {
    inputTokens: input,
    outputTokens: output,
    cachedTokens: cacheRead,
    reasoningTokens: null,
    totalTokens: input + output,
  };
  if (cacheWrite !== null) usage.cacheWriteTokens = cacheWrite;
  return usage;
}

/** Ollama native counts (`prompt_eval_count`, `eval_count` of the `done` message) to `Usage`; null when absent. */
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
