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
  /** Of the cache writes, those to the 1-hour cache, priced higher than 5-minute ones (a subset of cacheWriteTokens); Anthropic. */
  cacheWrite1hTokens?: number;
  /** Input tokens that were audio (a subset of inputTokens); OpenAI transcriptions (gpt-4o-transcribe). */
  inputAudioTokens?: number;
  /** Output tokens that were audio (a subset of outputTokens); the Realtime API's spoken answers. */
  outputAudioTokens?: number;
  /** Seconds of audio, for calls billed by duration rather than tokens (whisper-1 transcriptions; tokens are then 0). */
  audioSeconds?: number;
}
