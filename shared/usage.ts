/**
 * Token usage normalised across providers. A whole `Usage` is `null` when the provider
 * reported none (an interrupted stream has no usage chunk): unknown is never shown as zero.
 * `cachedTokens` and `reasoningTokens` are `null` when the provider does not report them.
 */
export interface Usage {
  /** All input tokens, cached or not (Anthropic: input + cache read + cache creation). */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from a prompt cache (a subset of inputTokens). */
  cachedTokens: number | null;
  /** Output tokens spent on reasoning (a subset of outputTokens). */
  reasoningTokens: number | null;
  totalTokens: number;
  /** Input tokens written to the prompt cache (a subset of inputTokens); Anthropic, OpenAI Responses. */
  cacheWriteTokens?: number;
}
