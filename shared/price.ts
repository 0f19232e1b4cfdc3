import { calcPrice, type Usage as PriceUsage } from '@pydantic/genai-prices';
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
  try {
    return calcPrice(priced, model, { providerId })?.total_price ?? null;
  } catch {
    // The library throws on inconsistent usage (e.g. more cached than total input) from odd servers.
    return null;
  }
}
