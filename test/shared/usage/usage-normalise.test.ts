import { describe, expect, it } from 'vitest';
import {
  normaliseAnthropicUsage,
  normaliseChatUsage,
  normaliseEmbeddingsUsage,
  normaliseOllamaUsage,
  normaliseResponsesUsage,
} from '../../../shared/usage/usage-normalise.ts';

const odd: unknown[] = [undefined, null, 0, 'usage', [], {}, { prompt_tokens: '12' }];

describe('normaliseChatUsage', () => {
  it('reads the details', () => {
    expect(
      normaliseChatUsage({
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 64 },
        completion_tokens_details: { reasoning_tokens: 32 },
      }),
    ).toEqual({
      inputTokens: 100,
      outputTokens: 50,
      cachedTokens: 64,
      reasoningTokens: 32,
      totalTokens: 150,
    });
  });
  it('gives null details when absent (vLLM, Ollama) and derives a missing total', () => {
    expect(normaliseChatUsage({ prompt_tokens: 17, completion_tokens: 40 })).toEqual({
      inputTokens: 17,
      outputTokens: 40,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 57,
    });
  });
  it("falls back to DeepSeek's prompt_cache_hit_tokens", () => {
    expect(
      normaliseChatUsage({ prompt_tokens: 10, completion_tokens: 1, prompt_cache_hit_tokens: 8 })
        ?.cachedTokens,
    ).toBe(8);
  });
  it('is null for absent or odd usage', () => {
    for (const raw of odd) expect(normaliseChatUsage(raw)).toBeNull();
    expect(normaliseChatUsage({ prompt_tokens: 3 })).toBeNull();
  });
});

describe('normaliseResponsesUsage', () => {
  it('reads details including cache writes', () => {
    expect(
      normaliseResponsesUsage({
        input_tokens: 33,
        input_tokens_details: { cache_write_tokens: 5, cached_tokens: 10 },
        output_tokens: 11,
        output_tokens_details: { reasoning_tokens: 4 },
        total_tokens: 44,
      }),
    ).toEqual({
      inputTokens: 33,
      outputTokens: 11,
      cachedTokens: 10,
      reasoningTokens: 4,
      totalTokens: 44,
      cacheWriteTokens: 5,
    });
  });
  it('leaves out what is not reported', () => {
    const usage = normaliseResponsesUsage({ input_tokens: 2, output_tokens: 3 });
    expect(usage).toEqual({
      inputTokens: 2,
      outputTokens: 3,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 5,
    });
    expect(usage).not.toHaveProperty('cacheWriteTokens');
  });
  it('is null for absent or odd usage', () => {
    for (const raw of odd) expect(normaliseResponsesUsage(raw)).toBeNull();
  });
});

describe('normaliseAnthropicUsage', () => {
  it('adds cache reads and writes to the input', () => {
    expect(
      normaliseAnthropicUsage({
        input_tokens: 412,
        cache_creation_input_tokens: 1500,
        cache_read_input_tokens: 3000,
        output_tokens: 87,
      }),
    ).toEqual({
      inputTokens: 4912,
      outputTokens: 87,
      cachedTokens: 3000,
      reasoningTokens: null,
      totalTokens: 4999,
      cacheWriteTokens: 1500,
    });
  });
  it('gives null cache fields when the API does not report them', () => {
    const usage = normaliseAnthropicUsage({ input_tokens: 20, output_tokens: 5 });
    expect(usage).toEqual({
      inputTokens: 20,
      outputTokens: 5,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 25,
    });
    expect(usage).not.toHaveProperty('cacheWriteTokens');
  });
  it('is null for absent or odd usage', () => {
    for (const raw of odd) expect(normaliseAnthropicUsage(raw)).toBeNull();
  });
});

describe('normaliseOllamaUsage', () => {
  it('reads the counts of the done message', () => {
    expect(normaliseOllamaUsage({ done: true, prompt_eval_count: 31, eval_count: 8 })).toEqual({
      inputTokens: 31,
      outputTokens: 8,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 39,
    });
  });
  it('reads an omitted count as zero, as Go omitempty means', () => {
    expect(normaliseOllamaUsage({ done: true, eval_count: 7 })?.inputTokens).toBe(0);
  });
  it('is null without any count', () => {
    for (const raw of odd) expect(normaliseOllamaUsage(raw)).toBeNull();
    expect(normaliseOllamaUsage({ done: true })).toBeNull();
  });
});

describe('normaliseEmbeddingsUsage', () => {
  it('counts everything as input', () => {
    expect(normaliseEmbeddingsUsage({ prompt_tokens: 6, total_tokens: 6 })).toEqual({
      inputTokens: 6,
      outputTokens: 0,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 6,
    });
  });
  it('is null for absent or odd usage', () => {
    for (const raw of odd) expect(normaliseEmbeddingsUsage(raw)).toBeNull();
  });
});
