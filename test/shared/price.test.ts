import { calcPrice, findProvider, type Usage as PriceUsage } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import type { ApiKind } from '../../shared/api-kind.ts';
import { createEmbeddingsInterpreter } from '../../shared/embeddings-interpreter.ts';
import { costUsd, priceProvider } from '../../shared/price.ts';
import type { Usage } from '../../shared/usage.ts';
import { fixtureJson, replay } from './fixtures.ts';

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
  ];
  const providers: Array<[ApiKind, string]> = [
    ['openai.chat', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['azure.chat', 'azure'],
  ];
  for (const [api, providerId] of providers) {
    it(`${providerId}: every model, several usages`, () => {
      const provider = findProvider({ providerId });
      expect(provider?.models.length).toBeGreaterThan(3);
      let compared = 0;
      for (const info of provider?.models ?? []) {
        for (const u of usages) {
          const priced: PriceUsage = { input_tokens: u.inputTokens, output_tokens: u.outputTokens };
          if (u.cachedTokens !== null) priced.cache_read_tokens = u.cachedTokens;
          if (u.cacheWriteTokens !== undefined) priced.cache_write_tokens = u.cacheWriteTokens;
          let expected: number | null;
          try {
            expected = calcPrice(priced, info.id, { providerId })?.total_price ?? null;
          } catch {
            expected = null;
          }
          const actual = costUsd(api, info.id, u);
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
