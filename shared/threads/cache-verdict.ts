/**
 * The prompt cache verdict of a turn, from the usage the provider reported and what Tokentap saw
 * of the two requests. A miss is explained only by a cause it can name (the prefix changed, the
 * model changed, the cache lifetime ran out, the prompt is under the provider's minimum, the
 * breakpoints moved); otherwise the reason says it is unknown.
 */
import type { ApiKind } from '../interpreters/api-kind.ts';
import type { Usage } from '../usage/usage.ts';
import { type CacheLifetime, minimumCacheableTokens } from './cache-limits.ts';
import type { CacheReason, CacheVerdict, ContextPath } from './thread-types.ts';
import type { TurnDiff } from './turn-delta.ts';
import type { TurnSnapshot } from './turn-snapshot.ts';

export { FIVE_MINUTES_MS, minimumCacheableTokens, ONE_HOUR_MS } from './cache-limits.ts';

/**
 * Reads of a prefix that was whole may still fall a little short: OpenAI caches in 128-token
 * steps, and the last message before the new ones may not be cached. Within this slack a read
 * counts as a full hit.
 */
function fullHitThreshold(expected: number): number {
  return Math.max(0, Math.min(expected * 0.95, expected - 256));
}

function minutes(ms: number): string {
  const m = ms / 60000;
  return m >= 1 ? `${m.toFixed(m < 10 ? 1 : 0)} min` : `${Math.round(ms / 1000)} s`;
}

export interface VerdictInput {
  api: ApiKind;
  model: string | null;
  usage: Usage | null;
  /** The thread's previous turn (null on turn 1). */
  previous: TurnSnapshot | null;
  diff: TurnDiff;
  breakpoints: ContextPath[];
  /** The lifetime of what this turn writes (the previous turn's applies to what it reads). */
  lifetime: CacheLifetime;
}

/** The cache verdict of a turn. */
export function cacheVerdict(input: VerdictInput): CacheVerdict {
  const { api, usage, previous, diff, lifetime } = input;
  const anthropic = api === 'anthropic.messages';
  // Gemini reports cachedContentTokenCount only when something was cached: absent means none.
  const read = usage === null ? null : (usage.cachedTokens ?? (api === 'gemini.generate' ? 0 : null));
  const write = usage?.cacheWriteTokens ?? null;
  const write1h = write === null ? null : (usage?.cacheWrite1hTokens ?? 0);
  const base: CacheVerdict = {
    verdict: 'none',
    readTokens: read,
    writeTokens: write,
    write5mTokens: write === null || write1h === null ? null : write - write1h,
    write1hTokens: anthropic ? write1h : null,
    inputTokens: usage?.inputTokens ?? null,
    hitRatio: usage && read !== null && usage.inputTokens > 0 ? read / usage.inputTokens : null,
    divergedAt: diff.divergedAt,
    diverged: diff.diverged,
    reason: null,
    ttlMs: lifetime.ttlMs,
    lifetime: lifetime.words,
  };
  if (usage === null || (read === null && write === null)) return base;
  const readTokens = read ?? 0;
  const written = write ?? 0;
  // What this turn could have read: what the previous turn left in the cache, up to this prompt's size.
  const prevUsage = previous?.usage ?? null;
  const leftByPrevious =
    prevUsage === null ? null : anthropic ? (prevUsage.read ?? 0) + (prevUsage.write ?? 0) : prevUsage.input;
  const expected = leftByPrevious === null ? null : Math.min(leftByPrevious, usage.inputTokens);

  let verdict: CacheVerdict['verdict'];
  if (readTokens > 0)
    verdict = expected === null || readTokens >= fullHitThreshold(expected) ? 'hit' : 'partial';
  else verdict = written > 0 ? 'write' : 'miss';
  if (verdict === 'hit') return { ...base, verdict };
  if (verdict === 'write' && previous === null) return { ...base, verdict, reason: null };
  return { ...base, verdict, reason: reasonFor(input, readTokens, expected) };
}

function reasonFor(input: VerdictInput, read: number, expected: number | null): CacheReason {
  const { api, model, usage, previous, diff, breakpoints } = input;
  const anthropic = api === 'anthropic.messages';
  const promptTokens = usage?.inputTokens ?? 0;
  const minimum = minimumCacheableTokens(api, model);
  if (read === 0 && minimum !== null && promptTokens < minimum.low)
    return {
      kind: 'below-minimum',
      message: `The prompt (${promptTokens} tokens) is shorter than the ${minimum.low} tokens this provider caches at the least for ${model ?? 'this model'}.`,
      promptTokens,
      minimumTokens: minimum.low,
    };
  // A prompt that may be too short: the model's minimum is not documented, or its copies disagree.
  const unknownMinimum =
    read > 0
      ? ''
      : minimum === null
        ? ` The provider's documentation gives no minimum cacheable length for ${model ?? 'this model'}, so whether ${promptTokens} tokens is enough is not known.`
        : promptTokens < minimum.high
          ? ` The documented minimum cacheable length for ${model ?? 'this model'} is ${minimum.low} or ${minimum.high} tokens (its copies disagree), so whether ${promptTokens} tokens is enough is not known.`
          : '';
  if (anthropic && breakpoints.length === 0)
    return {
      kind: 'no-breakpoint',
      message: 'The request has no cache_control breakpoint: Anthropic caches only up to one.',
    };
  if (previous === null)
    return {
      kind: 'first-turn',
      message: `First turn of the thread: nothing earlier in it to reuse.${unknownMinimum}`,
    };
  if (diff.delta.modelChanged)
    return {
      kind: 'model-changed',
      message: `The model changed from ${previous.model ?? 'unknown'} to ${model ?? 'unknown'}; caches are per model.`,
      previous: previous.model,
      current: model,
    };
  const idle = diff.delta.sincePreviousMs ?? 0;
  const { ttlMs, mayExpireMs, words } = previous.lifetime;
  if (ttlMs !== null && idle > ttlMs)
    return {
      kind: 'expired',
      message: `${minutes(idle)} since the previous turn, longer than the cache lifetime (${words}).`,
      idleMs: idle,
      ttlMs,
    };
  if (diff.divergedAt !== null)
    return {
      kind: 'prefix-changed',
      message: `The prefix changed at ${diff.divergedAt} since the previous turn.`,
    };
  if (anthropic && !sameList(previous.breakpoints, breakpoints) && (expected === null || read < expected))
    return {
      kind: 'breakpoint-moved',
      message: `The cache_control breakpoints moved (${list(previous.breakpoints)} → ${list(breakpoints)}).`,
      previous: previous.breakpoints,
      current: breakpoints,
    };
  if (mayExpireMs !== null && idle > mayExpireMs && read === 0)
    return {
      kind: 'maybe-expired',
      message: `${minutes(idle)} since the previous turn: the cache may have been evicted (${words}); the provider does not say when exactly, so this is not certain.`,
      idleMs: idle,
      mayExpireMs,
      ttlMs,
    };
  if (previous.usage === null)
    return {
      kind: 'unknown',
      message: `The previous turn reported no usage; the cause is not known.${unknownMinimum}`,
    };
  const fresh =
    ttlMs === null && mayExpireMs === null
      ? `the provider documents no cache lifetime (${words})`
      : 'the cache was fresh';
  return {
    kind: 'unknown',
    message: `The prefix, model and breakpoints are unchanged and ${fresh}; the cause is not known.${unknownMinimum}`,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function list(paths: readonly string[]): string {
  return paths.length === 0 ? 'none' : paths.join(', ');
}
