import { describe, expect, it } from 'vitest';
import type { ApiKind } from '../../../shared/interpreters/api-kind.ts';
import { normaliseGeminiUsage } from '../../../shared/interpreters/gemini-usage.ts';
import { normaliseAnthropicUsage, normaliseChatUsage } from '../../../shared/usage/usage-normalise.ts';
import { ConversationRunner, type TestExchange } from './conversation-runner.ts';

const T0 = Date.parse('2026-07-01T10:00:00.000Z');
const MINUTE = 60_000;

const anthropic = (model: string, text: string) => ({
  model,
  max_tokens: 100,
  system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
});

/** The first turn's verdict for a prompt of `input` tokens that read and wrote nothing. */
function firstMiss(api: ApiKind, body: Record<string, unknown>, input: number) {
  const usage =
    api === 'anthropic.messages'
      ? normaliseAnthropicUsage({
          input_tokens: input,
          cache_read_input_tokens: 0,
          cache_creation_input_tokens: 0,
          output_tokens: 5,
        })
      : api === 'gemini.generate'
        ? normaliseGeminiUsage({
            promptTokenCount: input,
            candidatesTokenCount: 5,
            totalTokenCount: input + 5,
          })
        : normaliseChatUsage({
            prompt_tokens: input,
            completion_tokens: 5,
            total_tokens: input + 5,
            prompt_tokens_details: { cached_tokens: 0 },
          });
  const [turn] = new ConversationRunner().run({ id: 'x1', api, body, at: T0, usage });
  return turn?.cache;
}

describe('minimum cacheable lengths, as the providers document them', () => {
  it('applies 4096 tokens to Claude Opus 4.6 and Haiku 4.5, 2048 to Haiku 3.5, 1024 to Sonnet 4.5', () => {
    expect(firstMiss('anthropic.messages', anthropic('claude-opus-4-6', 'Hi'), 3000)?.reason).toMatchObject({
      kind: 'below-minimum',
      minimumTokens: 4096,
    });
    expect(
      firstMiss('anthropic.messages', anthropic('claude-haiku-4-5-20251001', 'Hi'), 3000)?.reason,
    ).toMatchObject({ kind: 'below-minimum', minimumTokens: 4096 });
    expect(
      firstMiss('anthropic.messages', anthropic('claude-3-5-haiku-20241022', 'Hi'), 1500)?.reason,
    ).toMatchObject({ kind: 'below-minimum', minimumTokens: 2048 });
    expect(firstMiss('anthropic.messages', anthropic('claude-sonnet-4-5', 'Hi'), 1500)?.reason?.kind).toBe(
      'first-turn',
    );
  });

  it('says it does not know where the documentation gives no minimum, or its copies disagree', () => {
    // Sonnet 4.6: 1024 in one copy of Anthropic's table, 2048 in another.
    const sonnet = firstMiss('anthropic.messages', anthropic('claude-sonnet-4-6', 'Hi'), 1500)?.reason;
    expect(sonnet?.kind).not.toBe('below-minimum');
    expect(sonnet?.message).toContain('1024 or 2048 tokens (its copies disagree)');
    expect(sonnet?.message).toContain('not known');
    // A model the table does not list.
    const unlisted = firstMiss('anthropic.messages', anthropic('claude-future-9', 'Hi'), 700)?.reason;
    expect(unlisted?.kind).not.toBe('below-minimum');
    expect(unlisted?.message).toContain('gives no minimum cacheable length for claude-future-9');
    // Gemini 2.5 Pro: 4096 in one version of the page, 2048 in another; 3000 tokens is not known either way.
    const pro = firstMiss(
      'gemini.generate',
      { model: 'gemini-2.5-pro', contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
      3000,
    )?.reason;
    expect(pro?.kind).not.toBe('below-minimum');
    expect(pro?.message).toContain('2048 or 4096 tokens');
    // Under both: too short for certain.
    expect(
      firstMiss(
        'gemini.generate',
        { model: 'gemini-2.5-pro', contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
        1500,
      )?.reason,
    ).toMatchObject({ kind: 'below-minimum', minimumTokens: 2048 });
  });
});

describe('cache lifetimes, as the providers document them', () => {
  const big = 'Follow the conventions of the repository. '.repeat(300);
  const chat = (extra: Record<string, unknown>, n: number): Record<string, unknown> => ({
    model: 'gpt-4.1',
    messages: [
      { role: 'system', content: big },
      ...Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` })),
    ],
    ...extra,
  });
  const usage = (input: number, cached: number) =>
    normaliseChatUsage({
      prompt_tokens: input,
      completion_tokens: 5,
      total_tokens: input + 5,
      prompt_tokens_details: { cached_tokens: cached },
    });
  const pause = (
    api: ApiKind,
    first: Record<string, unknown>,
    second: Record<string, unknown>,
    ms: number,
  ) => {
    const exchanges: TestExchange[] = [
      { id: 'p1', api, body: first, at: T0, usage: usage(3000, 0) },
      { id: 'p2', api, body: second, at: T0 + ms, usage: usage(3010, 0) },
    ];
    return new ConversationRunner().run(...exchanges)[1]?.cache;
  };

  it('OpenAI in memory: 6 minutes may have evicted the cache (typically 5–10 min), 2 hours certainly did (at most 1 h)', () => {
    const six = pause('openai.chat', chat({}, 1), chat({}, 3), 6 * MINUTE);
    expect(six?.reason).toMatchObject({ kind: 'maybe-expired', idleMs: 6 * MINUTE, mayExpireMs: 5 * MINUTE });
    expect(six?.reason?.message).toContain('not certain');
    expect(six?.lifetime).toContain('OpenAI');
    const retention = { prompt_cache_retention: 'in_memory' };
    const two = pause('openai.chat', chat(retention, 1), chat(retention, 3), 120 * MINUTE);
    expect(two?.reason).toMatchObject({ kind: 'expired', ttlMs: 60 * MINUTE });
    expect(two?.ttlMs).toBe(60 * MINUTE);
  });

  it('OpenAI extended retention ("24h"): a 2-hour pause is within it, so the miss is not blamed on it', () => {
    const retention = { prompt_cache_retention: '24h' };
    const two = pause('openai.chat', chat(retention, 1), chat(retention, 3), 120 * MINUTE);
    expect(two?.ttlMs).toBe(24 * 60 * MINUTE);
    expect(two?.reason?.kind).toBe('unknown');
  });

  it('Gemini implicit caching documents no lifetime: a 6-minute pause is not called an expiry', () => {
    const body = (n: number) => ({
      model: 'gemini-3-pro-preview',
      systemInstruction: { parts: [{ text: big }] },
      contents: Array.from({ length: n }, (_, i) => ({
        role: i % 2 ? 'model' : 'user',
        parts: [{ text: `m${i}` }],
      })),
    });
    const gemini = (input: number) =>
      normaliseGeminiUsage({ promptTokenCount: input, candidatesTokenCount: 5, totalTokenCount: input + 5 });
    const [, late] = new ConversationRunner().run(
      { id: 'g1', api: 'gemini.generate', body: body(1), at: T0, usage: gemini(5000) },
      { id: 'g2', api: 'gemini.generate', body: body(3), at: T0 + 6 * MINUTE, usage: gemini(5010) },
    );
    expect(late?.cache.ttlMs).toBeNull();
    expect(late?.cache.reason?.kind).toBe('unknown');
    expect(late?.cache.reason?.message).toContain('documents no cache lifetime');
  });
});
