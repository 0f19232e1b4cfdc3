import type { Usage } from '../usage/usage.ts';
import { num, rec } from '../wire/json-fields.ts';

/**
 * Gemini's `usageMetadata` to `Usage`; null when it has no prompt count (Vertex's early chunks
 * carry only `trafficType`). Counted the way Google bills and genai-prices reads it: input is the
 * prompt plus the tool-use prompt (server-side tools' results), output is the candidates plus the
 * thoughts (`candidatesTokenCount` excludes them), cached is `cachedContentTokenCount` (part of
 * the prompt count), reasoning is `thoughtsTokenCount`.
 */
export function normaliseGeminiUsage(raw: unknown): Usage | null {
  const u = rec(raw);
  const prompt = num(u?.promptTokenCount);
  if (u === null || prompt === null) return null;
  // An early chunk of a thinking model has no candidatesTokenCount yet: nothing answered so far.
  const candidates = num(u.candidatesTokenCount) ?? 0;
  const thoughts = num(u.thoughtsTokenCount);
  const input = prompt + (num(u.toolUsePromptTokenCount) ?? 0);
  const output = candidates + (thoughts ?? 0);
  return {
    inputTokens: input,
    outputTokens: output,
    cachedTokens: num(u.cachedContentTokenCount),
    reasoningTokens: thoughts,
    totalTokens: num(u.totalTokenCount) ?? input + output,
  };
}
