import type { CacheVerdict, CacheVerdictKind } from '../../../shared/threads/thread-types.ts';
import { formatInt, formatMs } from '../../format.ts';
import { SideBySide } from './side-by-side.tsx';

const VERDICT_WORDS: Record<CacheVerdictKind, string> = {
  hit: 'cache hit',
  partial: 'partial hit',
  miss: 'cache miss',
  write: 'cache write',
  none: 'no cache data',
};

/** The verdict as a small badge (its words carry the meaning; the colour only repeats it). */
export function VerdictBadge({ verdict }: { verdict: CacheVerdictKind }) {
  return <span className={`verdict verdict-${verdict}`}>{VERDICT_WORDS[verdict]}</span>;
}

const tokens = (n: number | null) => (n === null ? 'not reported' : `${formatInt(n)} tokens`);

/** Why the prompt cache hit or missed this turn: the counts as reported, the verdict and its reason, the diverged values. */
export function CacheVerdictView({ cache }: { cache: CacheVerdict }) {
  return (
    <section className="cache-verdict" aria-labelledby="cache-verdict-h">
      <h3 id="cache-verdict-h">
        Prompt cache: <VerdictBadge verdict={cache.verdict} />
      </h3>
      <dl className="tt-facts">
        <dt>Read from cache</dt>
        <dd>
          {tokens(cache.readTokens)}
          {cache.hitRatio !== null &&
            ` (${Math.round(cache.hitRatio * 100)}% of ${formatInt(cache.inputTokens ?? 0)} input)`}
        </dd>
        <dt>Written to cache</dt>
        <dd>
          {tokens(cache.writeTokens)}
          {(cache.write5mTokens !== null || cache.write1hTokens !== null) &&
            ` (5 min: ${formatInt(cache.write5mTokens ?? 0)}, 1 h: ${formatInt(cache.write1hTokens ?? 0)})`}
        </dd>
        <dt>Cache lifetime</dt>
        <dd>{cache.lifetime ?? (cache.ttlMs === null ? 'not documented' : formatMs(cache.ttlMs))}</dd>
      </dl>
      {cache.reason && (
        <p className={`cache-reason reason-${cache.reason.kind}`}>
          <strong>Why: </strong>
          {cache.reason.message}
        </p>
      )}
      {cache.divergedAt !== null && (
        <div className="cache-diverged">
          <p>
            The prefix first differs from the previous turn at <code>{cache.divergedAt}</code>:
          </p>
          {cache.diverged && (
            <SideBySide
              before={cache.diverged.before}
              after={cache.diverged.after}
              label={`Diverged at ${cache.divergedAt}`}
            />
          )}
        </div>
      )}
    </section>
  );
}
