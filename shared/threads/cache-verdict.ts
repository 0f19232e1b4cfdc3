/**
 * The prompt cache verdict of a turn, from the usage the provider reported and what Tokentap saw
 * of the two requests. A miss is explained only by a cause it can name (the prefix changed, the
 * model changed, the cache lifetime ran out, the prompt is under the provider's minimum, the
 * breakpoints moved); otherwise the reason says it is unknown.
 */
import type { ApiKind } from '../interpreters/api-kind.ts';
import type { Usage } from '../usage/usage.ts';
import type { CacheReason, CacheVerdict, ContextPath } from './thread-types.ts';
import type { TurnDiff } from './turn-delta.ts';
import type { TurnSnapshot } from './turn-snapshot.ts';

export const FIVE_MINUTES_MS = 5 * 60 * 1000;
export const ONE_HOUR_MS = 60 * 60 * 1000;

/**
 * The shortest prompt each provider caches, in tokens. OpenAI: 1024. Anthropic: 1024 (Sonnet,
 * Opus 4 and 4.1), 2048 (Haiku 3 and 3.5), 4096 (Opus 4.5, Haiku 4.5). Gemini implicit caching:
 * 1024 (Flash), 4096 (2.5 Pro; 2048 for 3 Pro).
 */
export function minimumCacheableTokens(api: ApiKind, model: string | null): number {
  const m = (model ?? '').toLowerCase();
  if (api === 'anthropic.messages') {
    if (/opus-4-5|haiku-4-5|opus-4\.5|haiku-4\.5/.test(m)) return 4096;
    if (/haiku/.test(m)) return 2048;
    return 1024;
  }
  if (api === 'gemini.generate') {
    if (/3-pro|3\.0-pro/.test(m)) return 2048;
    if (/pro/.test(m)) return 4096;
    return 1024;
  }
  return 1024;
}

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
  ttlMs: number;
}

/** The cache verdict of a turn. */
export function cacheVerdict(input: VerdictInput): CacheVerdict {
  const { api, usage, previous, diff, ttlMs } = input;
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
    ttlMs,
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
  if (read === 0 && promptTokens < minimum)
    return {
      kind: 'below-minimum',
      message: `The prompt (${promptTokens} tokens) is shorter than the ${minimum} tokens this provider caches at the least.`,
      promptTokens,
      minimumTokens: minimum,
    };
  if (anthropic && breakpoints.length === 0)
    return {
      kind: 'no-breakpoint',
      message: 'The request has no cache_control breakpoint: Anthropic caches only up to one.',
    };
  if (previous === null)
    return { kind: 'first-turn', message: 'First turn of the thread: nothing earlier in it to reuse.' };
  if (diff.delta.modelChanged)
    return {
      kind: 'model-changed',
      message: `The model changed from ${previous.model ?? 'unknown'} to ${model ?? 'unknown'}; caches are per model.`,
      previous: previous.model,
      current: model,
    };
  const idle = diff.delta.sincePreviousMs ?? 0;
  if (idle > previous.ttlMs)
    return {
      kind: 'expired',
      message: `${minutes(idle)} since the previous turn, longer than the cache lifetime (${minutes(previous.ttlMs)}).`,
      idleMs: idle,
      ttlMs: previous.ttlMs,
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
  if (previous.usage === null)
    return { kind: 'unknown', message: 'The previous turn reported no usage; the cause is not known.' };
  return {
    kind: 'unknown',
    message:
      'The prefix, model and breakpoints are unchanged and the cache was fresh; the cause is not known.',
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function list(paths: readonly string[]): string {
  return paths.length === 0 ? 'none' : paths.join(', ');
}
