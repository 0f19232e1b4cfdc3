import { calcPrice, findProvider, type Usage as PriceUsage, type Provider } from '@pydantic/genai-prices';
import type { ApiKind } from './api-kind.ts';
import type { Usage } from './usage.ts';

/** The price catalogue's provider for an API kind; null where calls have no list price (local Ollama, plain HTTP). */
export function priceProvider(api: ApiKind): string | null {
  switch (api) {
    case 'openai.chat':
    case 'openai.responses':
    case 'openai.embeddings':
      return 'openai';
    case 'azure.chat':
    case 'azure.responses':
    case 'azure.embeddings':
      return 'azure';
    case 'anthropic.messages':
      return 'anthropic';
    case 'gemini.generate':
      return 'google';
    case 'gemini.count-tokens':
      return null;
    case 'ollama.chat':
    case 'http':
      return null;
  }
}

/** The cost in US dollars of one call by the bundled genai-prices catalogue, or null when it cannot be known. */
export function costUsd(api: ApiKind, model: string | null, usage: Usage | null): number | null {
  // Google does not charge for counting tokens.
  if (api === 'gemini.count-tokens') return 0;
  const providerId = priceProvider(api);
  if (providerId === null || model === null || usage === null) return null;
  // genai-prices wants the total input with cache reads and writes as parts of it, which is what Usage holds.
  const priced: PriceUsage = { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens };
  if (usage.cachedTokens !== null) priced.cache_read_tokens = usage.cachedTokens;
  if (usage.cacheWriteTokens !== undefined) priced.cache_write_tokens = usage.cacheWriteTokens;
  const pricing = modelPricing(providerId, model, priced);
  if (pricing === null) return null;
  if (pricing.kind === 'linear') {
    const cacheRead = priced.cache_read_tokens ?? 0;
    const cacheWrite = priced.cache_write_tokens ?? 0;
    // The same refusal the library makes: cached parts cannot exceed the input they are part of.
    if (cacheRead + cacheWrite > usage.inputTokens) return null;
    const { base, perToken } = pricing;
    return (
      base +
      usage.inputTokens * perToken.input +
      usage.outputTokens * perToken.output +
      cacheRead * perToken.cacheRead +
      cacheWrite * perToken.cacheWrite
    );
  }
  try {
    return calcPrice(priced, model, { provider: pricing.provider })?.total_price ?? null;
  } catch {
    // The library throws on inconsistent usage (e.g. more cached than total input) from odd servers.
    return null;
  }
}

/**
 * How to price one (provider, model). Pricing a call through the library costs tens of µs, on
 * every exchange, and most of it is matching the model and resolving its price units, which
 * depend only on (provider, model). So that is done once:
 * - `linear`: the model's prices are flat per-token rates (no tiers, no time-of-day or dated
 *   variants), so its price is affine in the token counts. The coefficients are read off the
 *   library itself, by pricing unit usages; nothing is hand-written.
 * - `library`: anything else is priced by the library each time, against the provider narrowed
 *   to the matched model.
 */
type ModelPricing =
  | {
      kind: 'linear';
      base: number;
      perToken: { input: number; output: number; cacheRead: number; cacheWrite: number };
    }
  | { kind: 'library'; provider: Provider };

const pricings = new Map<string, ModelPricing | null>();
const PRICINGS_LIMIT = 512;

function modelPricing(providerId: string, model: string, usage: PriceUsage): ModelPricing | null {
  const key = `${providerId}\u0000${model}`;
  const cached = pricings.get(key);
  if (cached !== undefined) return cached;
  let pricing: ModelPricing | null = null;
  try {
    const provider = findProvider({ providerId });
    const result = provider ? calcPrice(usage, model, { provider }) : null;
    if (result) {
      // A fallback match (Azure → OpenAI prices) names the provider whose catalogue matched.
      const narrowed: Provider = { ...result.provider, models: [result.model] };
      pricing = linearPricing(narrowed, model, result.model.prices) ?? {
        kind: 'library',
        provider: narrowed,
      };
    }
  } catch {
    return null; // inconsistent usage: do not remember anything about the model
  }
  if (pricings.size >= PRICINGS_LIMIT) pricings.clear();
  pricings.set(key, pricing);
  return pricing;
}

const PER = 1_000_000;

/** The affine coefficients of a flat-priced model, measured through the library; null if it is not flat. */
function linearPricing(provider: Provider, model: string, prices: unknown): ModelPricing | null {
  if (Array.isArray(prices) || typeof prices !== 'object' || prices === null) return null;
  if (!Object.values(prices).every((price) => price === undefined || typeof price === 'number')) return null;
  const total = (usage: PriceUsage): number => {
    const result = calcPrice(usage, model, { provider });
    if (!result) throw new Error('unpriced');
    return result.total_price;
  };
  try {
    const base = total({ input_tokens: 0, output_tokens: 0 });
    const input = total({ input_tokens: PER, output_tokens: 0 });
    return {
      kind: 'linear',
      base,
      perToken: {
        input: (input - base) / PER,
        output: (total({ input_tokens: 0, output_tokens: PER }) - base) / PER,
        cacheRead: (total({ input_tokens: PER, output_tokens: 0, cache_read_tokens: PER }) - input) / PER,
        cacheWrite: (total({ input_tokens: PER, output_tokens: 0, cache_write_tokens: PER }) - input) / PER,
      },
    };
  } catch {
    return null;
  }
}
