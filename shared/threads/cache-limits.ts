/**
 * What the providers document about their prompt caches: how long a cached prefix lives and the
 * shortest prompt they cache, per provider and model. Every number cites where it comes from;
 * where the documentation gives none (or sources disagree), the answer is null, and the verdict
 * says it does not know instead of guessing.
 *
 * Sources (read 2026-12-01 through the library's `search`):
 * - [A] Anthropic, "Prompt caching", https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 *   (its minimum table as quoted in anthropic-sdk-python issue #1194): 4096 tokens for Opus 4.6,
 *   Opus 4.5 and Haiku 4.5; 1024 for Sonnet 4.5, Opus 4.1, Opus 4, Sonnet 4, Sonnet 3.7; 2048 for
 *   Haiku 3.5 and Haiku 3. Sonnet 4.6: 1024 in that quote, 2048 in another copy of the table
 *   (docs.orq.ai), so not known here. Older copies (docs.truefoundry.com) add Sonnet 3.5 and
 *   Opus 3 at 1024. Lifetime: `ttl` "5m" (the default) or "1h", counted from the last use (a hit
 *   refreshes it).
 * - [O] OpenAI, "Prompt caching", https://developers.openai.com/api/docs/guides/prompt-caching:
 *   "enabled automatically for prompts that are 1024 tokens or longer" (gpt-4o and newer). In-memory
 *   retention: caches are "typically" cleared "within 5 to 10 minutes of inactivity" and "always
 *   removed within one hour" (the same words in Azure OpenAI's page, learn.microsoft.com/azure/
 *   foundry/openai/how-to/prompt-caching). `prompt_cache_retention: "24h"` keeps them "up to a
 *   maximum of 24 hours"; without it the default depends on the model and the organisation (24h
 *   for organisations without zero data retention, and the only one for gpt-5.5 and later; the
 *   SDKs' PromptCacheRetention docs), so a request that does not say can only be bounded by 24 h.
 * - [G] Google, "Context caching", https://ai.google.dev/gemini-api/docs/caching: implicit caching
 *   minimums 1024 (Gemini 2.5 Flash, 3 Flash Preview) and 4096 (2.5 Pro, 3 Pro Preview) in one
 *   version of the page, 2048 for 2.5 Flash and 2.5 Pro and 4096 for later models in newer ones;
 *   the page states no lifetime for implicit caching. Explicit caches (`cachedContent`) live for
 *   the TTL set when they were created (1 hour by default), which the request does not carry.
 */
import type { ApiKind } from '../interpreters/api-kind.ts';

export const FIVE_MINUTES_MS = 5 * 60 * 1000;
export const ONE_HOUR_MS = 60 * 60 * 1000;
export const ONE_DAY_MS = 24 * ONE_HOUR_MS;

/** How long a provider keeps a cached prefix, as documented. */
export interface CacheLifetime {
  /** After this long unused the cache is gone for certain; null when the documentation gives no bound. */
  ttlMs: number | null;
  /** After this long it may already be gone (an eviction the provider allows); null when not documented, or the same as `ttlMs`. */
  mayExpireMs: number | null;
  /** The lifetime in plain words, with its source. */
  words: string;
}

/** What the request says about its cache lifetime. */
export interface CacheRequestHints {
  /** Anthropic: some `cache_control` asked for `ttl: "1h"`. */
  ttl1h: boolean;
  /** OpenAI: `prompt_cache_retention` (`in_memory`, `24h`), null when not sent. */
  retention: string | null;
}

/** The cache lifetime that applies to a request (see the sources above). */
export function cacheLifetime(api: ApiKind, hints: CacheRequestHints): CacheLifetime {
  if (api === 'anthropic.messages')
    return hints.ttl1h
      ? { ttlMs: ONE_HOUR_MS, mayExpireMs: null, words: '1 h from last use (Anthropic, ttl "1h")' }
      : { ttlMs: FIVE_MINUTES_MS, mayExpireMs: null, words: '5 min from last use (Anthropic)' };
  if (api === 'gemini.generate')
    return { ttlMs: null, mayExpireMs: null, words: 'not documented (Gemini implicit caching)' };
  if (hints.retention === 'in_memory')
    return {
      ttlMs: ONE_HOUR_MS,
      mayExpireMs: FIVE_MINUTES_MS,
      words: 'typically 5–10 min unused, at most 1 h (OpenAI in-memory retention)',
    };
  if (hints.retention === '24h')
    return { ttlMs: ONE_DAY_MS, mayExpireMs: null, words: 'up to 24 h (OpenAI extended retention)' };
  return {
    ttlMs: ONE_DAY_MS,
    mayExpireMs: FIVE_MINUTES_MS,
    words:
      'typically 5–10 min unused in memory, at most 24 h (OpenAI; the default retention depends on the model and organisation)',
  };
}

/**
 * A documented minimum cacheable length: `low` and `high` differ where copies of the documentation
 * disagree (a prompt under `low` is too short by every one of them; between the two, not known).
 */
export interface MinimumTokens {
  low: number;
  high: number;
}

const exactly = (n: number): MinimumTokens => ({ low: n, high: n });

const ANTHROPIC_MINIMUMS: [RegExp, MinimumTokens][] = [
  // [A]: 4096 for Opus 4.6, Opus 4.5, Haiku 4.5.
  [/opus-4[-.][56]|haiku-4[-.]5/, exactly(4096)],
  // [A] 1024, docs.orq.ai's copy 2048.
  [/sonnet-4[-.]6/, { low: 1024, high: 2048 }],
  // [A]: 1024 for Sonnet 4.5, Opus 4.1, Opus 4, Sonnet 4, Sonnet 3.7; older copies: Sonnet 3.5, Opus 3.
  [
    /sonnet-4[-.]5|opus-4[-.]1|opus-4(?![-.]\d)|sonnet-4(?![-.]\d)|3[-.]7-sonnet|sonnet-3[-.]7/,
    exactly(1024),
  ],
  [/3[-.]5-sonnet|sonnet-3[-.]5|3-opus|opus-3(?![-.]\d)/, exactly(1024)],
  // [A]: 2048 for Haiku 3.5 and Haiku 3.
  [/3[-.]5-haiku|haiku-3[-.]5|3-haiku|haiku-3(?![-.]\d)/, exactly(2048)],
];

const GEMINI_MINIMUMS: [RegExp, MinimumTokens][] = [
  // [G]: the versions of the page disagree for 2.5 Flash (1024 / 2048) and 2.5 Pro (4096 / 2048).
  [/gemini-2\.5-flash/, { low: 1024, high: 2048 }],
  [/gemini-2\.5-pro/, { low: 2048, high: 4096 }],
  [/gemini-3(?:\.0)?-pro/, exactly(4096)],
  [/gemini-3(?:\.0)?-flash/, exactly(1024)],
];

/**
 * The shortest prompt a provider caches for a model, in tokens, from its documentation; null
 * when the documentation does not say for this model.
 */
export function minimumCacheableTokens(api: ApiKind, model: string | null): MinimumTokens | null {
  const m = (model ?? '').toLowerCase();
  const table =
    api === 'anthropic.messages' ? ANTHROPIC_MINIMUMS : api === 'gemini.generate' ? GEMINI_MINIMUMS : null;
  if (table !== null) {
    for (const [pattern, tokens] of table) if (pattern.test(m)) return tokens;
    return null;
  }
  // [O]: 1024 for every model that caches (gpt-4o and newer); Ollama and other servers are not OpenAI.
  if (api === 'ollama.chat') return null;
  return exactly(1024);
}
