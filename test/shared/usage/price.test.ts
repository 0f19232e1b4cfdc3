import { calcPrice, findProvider, type Usage as PriceUsage } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import type { ApiKind } from '../../../shared/interpreters/api-kind.ts';
import { createEmbeddingsInterpreter } from '../../../shared/interpreters/embeddings-interpreter.ts';
import { costUsd, priceProvider } from '../../../shared/usage/price.ts';
import type { Usage } from '../../../shared/usage/usage.ts';
import { fixtureJson, replay } from '../fixtures.ts';

const usage = (inputTokens: number, outputTokens: number, extra: Partial<Usage> = {}): Usage => ({
  inputTokens,
  outputTokens,
  cachedTokens: null,
  reasoningTokens: null,
  totalTokens: inputTokens + outputTokens,
  ...extra,
});

describe('costUsd', () => {
  it('prices an OpenAI chat call from the catalogue', () => {
    // gpt-4o: $2.50 in, $10 out per million.
    expect(costUsd('openai.chat', 'gpt-4o-2024-08-06', usage(1_000_000, 100_000))).toBeCloseTo(3.5, 9);
  });

  it('prices cached input at the cache rate', () => {
    const plain = costUsd('openai.chat', 'gpt-4o', usage(1_000_000, 0)) ?? Number.NaN;
    const cached =
      costUsd('openai.chat', 'gpt-4o', usage(1_000_000, 0, { cachedTokens: 1_000_000 })) ?? Number.NaN;
    expect(cached).toBeLessThan(plain);
    expect(cached).toBeGreaterThan(0);
  });

  it('prices Anthropic cache reads and writes as parts of the input', () => {
    const run = replay('anthropic.messages', 'anthropic-messages-stream.sse');
    // claude-sonnet-4-6: $3 in, $15 out per million.
    expect(costUsd('anthropic.messages', run.result.model, run.result.usage)).toBeCloseTo(
      (1007 * 3 + 59 * 15) / 1e6,
      9,
    );
    const withCache = usage(4912, 87, { cachedTokens: 3000, cacheWriteTokens: 1500 });
    expect(costUsd('anthropic.messages', 'claude-sonnet-4-6', withCache)).toBeCloseTo(
      (412 * 3 + 3000 * 0.3 + 1500 * 3.75 + 87 * 15) / 1e6,
      9,
    );
  });

  it('prices Azure by the model the response named', () => {
    const run = replay('azure.chat', 'azure-openai-chat-stream-usage.sse');
    const cost = costUsd('azure.chat', run.result.model, run.result.usage);
    expect(cost).not.toBeNull();
    expect(cost).toBeGreaterThan(0);
  });

  it('prices embeddings', () => {
    const interpreter = createEmbeddingsInterpreter();
    interpreter.readBody(fixtureJson('openai-embeddings-float.truncated.json'));
    const { model, usage: u } = interpreter.snapshot();
    // text-embedding-3-small: $0.02 per million.
    expect(costUsd('openai.embeddings', model, u)).toBeCloseTo((12 * 0.02) / 1e6, 12);
  });

  it('is null when usage, model or a price is missing', () => {
    expect(costUsd('openai.chat', 'gpt-4o', null)).toBeNull();
    expect(costUsd('openai.chat', null, usage(1, 1))).toBeNull();
    expect(costUsd('openai.chat', 'meta-llama/Meta-Llama-3.1-70B-Instruct', usage(1, 1))).toBeNull();
    expect(costUsd('ollama.chat', 'llama3.2:3b', usage(1, 1))).toBeNull();
    expect(costUsd('http', 'gpt-4o', usage(1, 1))).toBeNull();
  });

  it('is null rather than throwing on inconsistent usage', () => {
    expect(costUsd('openai.chat', 'gpt-4o', usage(10, 1, { cachedTokens: 20 }))).toBeNull();
  });

  it('maps API kinds to catalogue providers', () => {
    expect(priceProvider('openai.responses')).toBe('openai');
    expect(priceProvider('azure.embeddings')).toBe('azure');
    expect(priceProvider('anthropic.messages')).toBe('anthropic');
    expect(priceProvider('ollama.chat')).toBeNull();
  });
});

describe('costUsd agrees with the library for every catalogued model', () => {
  // The fast path reads per-token rates off the library once per model; priced call by call,
  // the library must give the same answer for every model it knows, flat-priced or not.
  const usages: Usage[] = [
    usage(0, 0),
    usage(14, 8),
    usage(1_234_567, 89_012, { cachedTokens: 1_000_000 }),
    usage(4912, 87, { cachedTokens: 3000, cacheWriteTokens: 1500 }),
    usage(250_000, 3, { cachedTokens: 0, cacheWriteTokens: 0 }),
    usage(4912, 87, { cachedTokens: 3000, cacheWriteTokens: 1500, cacheWrite1hTokens: 500 }),
    usage(1000, 50, { inputAudioTokens: 800 }),
    usage(0, 0, { audioSeconds: 37 }),
  ];
  const providers: Array<[ApiKind, string, string?]> = [
    ['openai.chat', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['azure.chat', 'azure'],
    // OpenAI-compatible providers, named by their host.
    ['openai.chat', 'deepseek', 'https://api.deepseek.com'],
    ['openai.chat', 'google', 'https://generativelanguage.googleapis.com'],
    ['openai.chat', 'x-ai', 'https://api.x.ai'],
    ['openai.chat', 'mistral', 'https://api.mistral.ai'],
    ['openai.chat', 'groq', 'https://api.groq.com'],
  ];
  for (const [api, providerId, upstream] of providers) {
    it(`${providerId}: every model, several usages`, () => {
      const provider = findProvider({ providerId });
      expect(provider?.models.length).toBeGreaterThan(3);
      let compared = 0;
      for (const info of provider?.models ?? []) {
        for (const u of usages) {
          const priced: PriceUsage = { input_tokens: u.inputTokens, output_tokens: u.outputTokens };
          if (u.cachedTokens !== null) priced.cache_read_tokens = u.cachedTokens;
          if (u.cacheWriteTokens !== undefined) priced.cache_write_tokens = u.cacheWriteTokens;
          if (u.cacheWrite1hTokens !== undefined) priced.cache_write_1h_tokens = u.cacheWrite1hTokens;
          if (u.inputAudioTokens !== undefined) priced.input_audio_tokens = u.inputAudioTokens;
          if (u.audioSeconds !== undefined) priced.audio_seconds = u.audioSeconds;
          let expected: number | null;
          try {
            expected = calcPrice(priced, info.id, { providerId })?.total_price ?? null;
          } catch {
            expected = null;
          }
          const actual = costUsd(api, info.id, u, { upstream });
          if (expected === null) expect(actual, info.id).toBeNull();
          else {
            expect(actual, `${info.id} ${JSON.stringify(priced)}`).not.toBeNull();
            expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
              Math.abs(expected) * 1e-9 + 1e-15,
            );
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(10);
    });
  }
});

describe('costUsd for OpenAI-compatible providers, by the upstream host (prices checked by hand in the catalogue)', () => {
  // Per million tokens, from @pydantic/genai-prices' data (node_modules/@pydantic/genai-prices/dist/index.js).
  const noon = new Date('2026-06-01T12:00:00Z');
  const evening = new Date('2026-06-01T20:00:00Z');

  it('deepseek-chat at api.deepseek.com: the day rate 00:30–16:30 UTC, the night rate otherwise', () => {
    const u = usage(1000, 200, { cachedTokens: 600 });
    const upstream = 'https://api.deepseek.com';
    // Day: $0.27 in, $0.07 cache read, $1.10 out.
    expect(costUsd('openai.chat', 'deepseek-chat', u, { upstream, at: noon })).toBeCloseTo(
      (400 * 0.27 + 600 * 0.07 + 200 * 1.1) / 1e6,
      12,
    );
    // Night: $0.135, $0.035, $0.55.
    expect(costUsd('openai.chat', 'deepseek-chat', u, { upstream, at: evening })).toBeCloseTo(
      (400 * 0.135 + 600 * 0.035 + 200 * 0.55) / 1e6,
      12,
    );
  });

  it('deepseek-reasoner: $0.55 in, $2.19 out by day', () => {
    const cost = costUsd('openai.chat', 'deepseek-reasoner', usage(1000, 500), {
      upstream: 'https://api.deepseek.com',
      at: noon,
    });
    expect(cost).toBeCloseTo((1000 * 0.55 + 500 * 2.19) / 1e6, 12);
  });

  it("gemini-2.5-flash through Gemini's OpenAI endpoint: $0.30 in, $0.03 cached, $2.50 out", () => {
    const cost = costUsd('openai.chat', 'gemini-2.5-flash', usage(2000, 300, { cachedTokens: 1000 }), {
      upstream: 'https://generativelanguage.googleapis.com',
    });
    expect(cost).toBeCloseTo((1000 * 0.3 + 1000 * 0.03 + 300 * 2.5) / 1e6, 12);
  });

  it('grok-4 at api.x.ai: $3 in, $15 out', () => {
    expect(costUsd('openai.chat', 'grok-4', usage(1000, 100), { upstream: 'https://api.x.ai' })).toBeCloseTo(
      (1000 * 3 + 100 * 15) / 1e6,
      12,
    );
  });

  it('mistral-large-latest at api.mistral.ai: $2 in, $6 out', () => {
    expect(
      costUsd('openai.chat', 'mistral-large-latest', usage(1000, 100), {
        upstream: 'https://api.mistral.ai',
      }),
    ).toBeCloseTo((1000 * 2 + 100 * 6) / 1e6, 12);
  });

  it("Groq's llama-3.3-70b-versatile at api.groq.com: $0.59 in, $0.79 out", () => {
    expect(
      costUsd('openai.chat', 'llama-3.3-70b-versatile', usage(1000, 100), {
        upstream: 'https://api.groq.com',
      }),
    ).toBeCloseTo((1000 * 0.59 + 100 * 0.79) / 1e6, 12);
  });

  it('a remote host the catalogue does not know: the provider whose models match the name', () => {
    expect(
      costUsd('openai.chat', 'grok-4', usage(1000, 100), { upstream: 'https://llm-gateway.example.com' }),
    ).toBeCloseTo((1000 * 3 + 100 * 15) / 1e6, 12);
    // OpenAI's own models keep OpenAI's prices there.
    expect(
      costUsd('openai.chat', 'gpt-4o', usage(1_000_000, 100_000), {
        upstream: 'https://llm-gateway.example.com',
      }),
    ).toBeCloseTo(3.5, 9);
  });

  it('a local or private upstream is self-hosted: no guessed price', () => {
    for (const upstream of [
      'http://127.0.0.1:8000',
      'http://localhost:11434',
      'http://10.0.0.5:8000',
      'http://vllm:8000',
      'http://[::1]:8000',
    ]) {
      expect(costUsd('openai.chat', 'deepseek-chat', usage(1000, 100), { upstream }), upstream).toBeNull();
      expect(
        costUsd('openai.chat', 'meta-llama/Meta-Llama-3.1-70B-Instruct', usage(1, 1), { upstream }),
      ).toBeNull();
    }
    // Before: none of these had a price at all.
    expect(costUsd('openai.chat', 'deepseek-chat', usage(1000, 100))).toBeNull();
  });
});

describe('costUsd of Anthropic cache writes by lifetime', () => {
  // 100 uncached + 3000 read + 1000 written for 5 minutes + 4000 written for 1 hour; 50 out.
  const u = usage(8100, 50, { cachedTokens: 3000, cacheWriteTokens: 5000, cacheWrite1hTokens: 4000 });

  it('claude-haiku-4-5 (flat): $1 in, $0.10 read, $1.25 5-minute write, $2 1-hour write, $5 out', () => {
    expect(costUsd('anthropic.messages', 'claude-haiku-4-5', u)).toBeCloseTo(
      (100 * 1 + 3000 * 0.1 + 1000 * 1.25 + 4000 * 2 + 50 * 5) / 1e6,
      12,
    );
  });

  it('claude-sonnet-4-6 (dated prices): $3, $0.30, $3.75, $6, $15', () => {
    expect(
      costUsd('anthropic.messages', 'claude-sonnet-4-6', u, { at: new Date('2026-06-01T12:00:00Z') }),
    ).toBeCloseTo((100 * 3 + 3000 * 0.3 + 1000 * 3.75 + 4000 * 6 + 50 * 15) / 1e6, 12);
  });

  it('is null when the 1-hour writes exceed the writes', () => {
    expect(costUsd('anthropic.messages', 'claude-haiku-4-5', { ...u, cacheWrite1hTokens: 6000 })).toBeNull();
  });
});

describe('costUsd of transcriptions and legacy completions', () => {
  it('whisper-1 by duration: $0.36 an hour', () => {
    expect(costUsd('openai.transcriptions', 'whisper-1', usage(0, 0, { audioSeconds: 37 }))).toBeCloseTo(
      (0.36 * 37) / 3600,
      12,
    );
  });

  it('gpt-4o-transcribe by tokens: audio input $6, text input $2.50, output $10', () => {
    expect(
      costUsd('openai.transcriptions', 'gpt-4o-transcribe', usage(14, 45, { inputAudioTokens: 14 })),
    ).toBeCloseTo((14 * 6 + 45 * 10) / 1e6, 12);
    expect(
      costUsd('openai.transcriptions', 'gpt-4o-transcribe', usage(20, 45, { inputAudioTokens: 14 })),
    ).toBeCloseTo((6 * 2.5 + 14 * 6 + 45 * 10) / 1e6, 12);
  });

  it('gpt-3.5-turbo-instruct completions: $1.50 in, $2 out', () => {
    expect(costUsd('openai.completions', 'gpt-3.5-turbo-instruct', usage(5, 7))).toBeCloseTo(
      (5 * 1.5 + 7 * 2) / 1e6,
      12,
    );
  });

  it('Ollama native calls have no list price', () => {
    expect(costUsd('ollama.generate', 'llama3.2', usage(26, 290))).toBeNull();
    expect(costUsd('ollama.embed', 'all-minilm', usage(8, 0))).toBeNull();
  });
});
