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
    case 'ollama.chat':
    case 'http':
      return null;
  }
}

/** The cost in US dollars of one call by the bundled genai-prices catalogue, or null when it cannot be known. */
export function costUsd(api: ApiKind, model: string | null, usage: Usage | null): number | null {
  const providerId = priceProvider(api);
  if (providerId === null || model === null || usage === null) return null;
  // genai-prices wants the total input with cache reads and writes as parts of it, which is what Usage holds.
  const priced: PriceUsage = { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens };
  if (usage.cachedTokens !== null) priced.cache_read_tokens = usage.cachedTokens;
  if (usage.cacheWriteTokens !== undefined) priced.cache_write_tokens = usage.cacheWriteTokens;
  const narrowed = narrowedProvider(providerId, model, priced);
  if (narrowed === null) return null;
  try {
    return calcPrice(priced, model, { provider: narrowed })?.total_price ?? null;
  } catch {
    // The library throws on inconsistent usage (e.g. more cached than total input) from odd servers.
    return null;
  }
}

// Matching a model name against a provider's whole catalogue costs ~100 µs a call, on every
// exchange. The match depends only on (provider, model), so it is made once: the first call
// resolves it, and later calls price against a provider narrowed to the matched model. Unknown
// models are remembered as null.
const narrowedProviders = new Map<string, Provider | null>();
const NARROWED_LIMIT = 512;

function narrowedProvider(providerId: string, model: string, usage: PriceUsage): Provider | null {
  const key = `${providerId}\u0000${model}`;
  const cached = narrowedProviders.get(key);
  if (cached !== undefined) return cached;
  let narrowed: Provider | null = null;
  try {
    const provider = findProvider({ providerId });
    const result = provider ? calcPrice(usage, model, { provider }) : null;
    // A fallback match (Azure → OpenAI prices) names the provider whose catalogue matched.
    if (result) narrowed = { ...result.provider, models: [result.model] };
  } catch {
    return null; // inconsistent usage: do not remember anything about the model
  }
  if (narrowedProviders.size >= NARROWED_LIMIT) narrowedProviders.clear();
  narrowedProviders.set(key, narrowed);
  return narrowed;
}
