import { calcPrice, findProvider, type Usage as PriceUsage, type Provider } from '@pydantic/genai-prices';
import type { ApiKind } from '../interpreters/api-kind.ts';
import { isLocalOrigin } from '../security/local-origin.ts';
import type { Usage } from './usage.ts';

/** The price catalogue's provider for an API kind; null where calls have no list price (local Ollama, plain HTTP). */
export function priceProvider(api: ApiKind): string | null {
  switch (api) {
    case 'openai.chat':
    case 'openai.responses':
    case 'openai.embeddings':
    case 'openai.completions':
    case 'openai.transcriptions':
    case 'openai.realtime':
      return 'openai';
    case 'azure.chat':
    case 'azure.responses':
    case 'azure.embeddings':
    case 'azure.completions':
    case 'azure.transcriptions':
    case 'azure.realtime':
      return 'azure';
    case 'anthropic.messages':
      return 'anthropic';
    case 'gemini.generate':
      return 'google';
    case 'gemini.count-tokens':
      return null;
    case 'ollama.chat':
    case 'ollama.generate':
    case 'ollama.embed':
    case 'http':
      return null;
  }
}

/** What besides model and usage decides a call's price. */
export interface PriceContext {
  /** The upstream origin the call went to (`https://api.deepseek.com`): it names the provider whose prices apply. */
  upstream?: string | null | undefined;
  /** When the call was made: some prices depend on the time of day (DeepSeek's off-peak hours). Default now. */
  at?: Date | undefined;
}

/**
 * The cost in US dollars of one call by the bundled genai-prices catalogue, or null when it cannot be known.
 * The provider is, in order: the one the upstream host names (api.deepseek.com → deepseek), the API's own
 * (OpenAI's API → openai), and, for OpenAI-compatible calls to a remote host, the one whose models match
 * the model's name (grok-4 → x-ai). A local upstream (vLLM, Ollama, a self-hosted model) gets no guessed price.
 */
export function costUsd(
  api: ApiKind,
  model: string | null,
  usage: Usage | null,
  context: PriceContext = {},
): number | null {
  // Google does not charge for counting tokens.
  if (api === 'gemini.count-tokens') return 0;
  const apiProvider = priceProvider(api);
  if (apiProvider === null || model === null || usage === null) return null;
  const priced = priceUsage(usage);
  // The same refusal the library makes: parts of the input cannot exceed the input they are part of.
  const cacheRead = priced.cache_read_tokens ?? 0;
  const cacheWrite = priced.cache_write_tokens ?? 0;
  if (cacheRead + cacheWrite > usage.inputTokens) return null;
  if (
    (priced.cache_write_1h_tokens ?? 0) > cacheWrite ||
    (priced.input_audio_tokens ?? 0) > usage.inputTokens ||
    (priced.output_audio_tokens ?? 0) > usage.outputTokens
  )
    return null;
  for (const providerId of candidateProviders(api, apiProvider, model, context.upstream ?? null)) {
    const pricing = modelPricing(providerId, model, priced);
    if (pricing === INCONSISTENT) return null;
    if (pricing !== null) return priceOf(pricing, model, priced, context.at);
  }
  return null;
}

function priceUsage(usage: Usage): PriceUsage {
  // genai-prices wants the total input with cache reads and writes as parts of it, which is what Usage holds.
  const priced: PriceUsage = { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens };
  if (usage.cachedTokens !== null) priced.cache_read_tokens = usage.cachedTokens;
  if (usage.cacheWriteTokens !== undefined) priced.cache_write_tokens = usage.cacheWriteTokens;
  if (usage.cacheWrite1hTokens !== undefined) priced.cache_write_1h_tokens = usage.cacheWrite1hTokens;
  if (usage.inputAudioTokens !== undefined) priced.input_audio_tokens = usage.inputAudioTokens;
  if (usage.outputAudioTokens !== undefined) priced.output_audio_tokens = usage.outputAudioTokens;
  if (usage.audioSeconds !== undefined) priced.audio_seconds = usage.audioSeconds;
  return priced;
}

function priceOf(
  pricing: ModelPricing,
  model: string,
  priced: PriceUsage,
  at: Date | undefined,
): number | null {
  if (pricing.kind === 'linear') {
    const { base, perUnit } = pricing;
    let total = base;
    for (const key of LINEAR_KEYS) total += (priced[key] ?? 0) * perUnit[key];
    return total;
  }
  try {
    const options =
      at === undefined ? { provider: pricing.provider } : { provider: pricing.provider, timestamp: at };
    return calcPrice(priced, model, options)?.total_price ?? null;
  } catch {
    // The library throws on inconsistent usage (e.g. more cached than total input) from odd servers.
    return null;
  }
}

const CANDIDATES_LIMIT = 512;
const candidatesByCall = new Map<string, readonly string[]>();

/** The providers to try for a call, most specific first; remembered, as finding them matches regexes over the catalogue. */
function candidateProviders(
  api: ApiKind,
  apiProvider: string,
  model: string,
  upstream: string | null,
): readonly string[] {
  const key = `${api}\u0000${upstream ?? ''}\u0000${model}`;
  const known = candidatesByCall.get(key);
  if (known !== undefined) return known;
  const ids: string[] = [];
  const add = (id: string | undefined) => {
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  };
  const remote = upstream !== null && !isLocalOrigin(upstream);
  if (remote) add(findProvider({ providerApiUrl: upstream })?.id);
  add(apiProvider);
  // OpenAI-compatible servers speak OpenAI's API for many providers' models; a local one is self-hosted.
  if (remote && apiProvider === 'openai') add(findProvider({ modelId: model })?.id);
  if (candidatesByCall.size >= CANDIDATES_LIMIT) candidatesByCall.clear();
  candidatesByCall.set(key, ids);
  return ids;
}

/** The priced quantities a flat-priced model's cost is affine in. */
const LINEAR_KEYS = [
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'input_audio_tokens',
  'output_audio_tokens',
  'audio_seconds',
] as const;
type LinearKey = (typeof LINEAR_KEYS)[number];

/**
 * How to price one (provider, model). Pricing a call through the library costs tens of µs, on
 * every exchange, and most of it is matching the model and resolving its price units, which
 * depend only on (provider, model). So that is done once:
 * - `linear`: the model's prices are flat rates (no tiers, no time-of-day or dated variants), so
 *   its price is affine in the token counts and seconds. The coefficients are read off the library
 *   itself, by pricing unit usages; nothing is hand-written.
 * - `library`: anything else is priced by the library each time, against the provider narrowed
 *   to the matched model.
 */
type ModelPricing =
  | { kind: 'linear'; base: number; perUnit: Record<LinearKey, number> }
  | { kind: 'library'; provider: Provider };

/** The usage was inconsistent for the library (more cached than input): no price, and nothing learnt. */
const INCONSISTENT = Symbol('inconsistent usage');

const pricings = new Map<string, ModelPricing | null>();
const PRICINGS_LIMIT = 512;

function modelPricing(
  providerId: string,
  model: string,
  usage: PriceUsage,
): ModelPricing | null | typeof INCONSISTENT {
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
    return INCONSISTENT; // do not remember anything about the model
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
    const write = total({ input_tokens: PER, output_tokens: 0, cache_write_tokens: PER });
    // Each part is priced on top of the whole it belongs to: a 1-hour write is a cache write, audio is input.
    return {
      kind: 'linear',
      base,
      perUnit: {
        input_tokens: (input - base) / PER,
        output_tokens: (total({ input_tokens: 0, output_tokens: PER }) - base) / PER,
        cache_read_tokens:
          (total({ input_tokens: PER, output_tokens: 0, cache_read_tokens: PER }) - input) / PER,
        cache_write_tokens: (write - input) / PER,
        cache_write_1h_tokens:
          (total({
            input_tokens: PER,
            output_tokens: 0,
            cache_write_tokens: PER,
            cache_write_1h_tokens: PER,
          }) -
            write) /
          PER,
        input_audio_tokens:
          (total({ input_tokens: PER, output_tokens: 0, input_audio_tokens: PER }) - input) / PER,
        output_audio_tokens:
          (total({ input_tokens: 0, output_tokens: PER, output_audio_tokens: PER }) -
            total({ input_tokens: 0, output_tokens: PER })) /
          PER,
        audio_seconds: (total({ input_tokens: 0, output_tokens: 0, audio_seconds: PER }) - base) / PER,
      },
    };
  } catch {
    return null;
  }
}
