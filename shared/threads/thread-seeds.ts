/**
 * What continues threads across a restart: from a session's summaries (its index, never its
 * records), the latest turn of each thread with the hashes-only key that turn left
 * (`ThreadRef.resume`), for the tracker of the next session to pick up.
 */
import type { ExchangeSummary } from '../exchange/exchange-record.ts';
import type { ApiKind } from '../interpreters/api-kind.ts';
import { isConversationApi } from './normalise-request.ts';
import type { ThreadResume } from './thread-types.ts';
import type { TurnSnapshot } from './turn-snapshot.ts';

/** A thread's latest turn, as a tracker is seeded with it. */
export interface ThreadSeed {
  id: string;
  /** The latest turn's number. */
  turn: number;
  parentId: string | null;
  /** The thread's title, as its earliest turn in the summaries gave it ('' when none did). */
  title: string;
  api: ApiKind;
  model: string | null;
  exchangeId: string;
  startedAtMs: number;
  usage: TurnSnapshot['usage'];
  resume: ThreadResume;
}

const HASH = /^[0-9a-f]{14}$/;

/** A resume key as stored (a file may have been edited or made by anything): its shape checked. */
function validResume(value: unknown): value is ThreadResume {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  if (typeof r.key !== 'string' || typeof r.messages !== 'number' || !Number.isInteger(r.messages))
    return false;
  const parts = r.key.split('.');
  if (parts.length < 3 || parts.length > 4 || !parts.every((p) => HASH.test(p))) return false;
  const strings = (v: unknown) =>
    v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  return (
    strings(r.breakpoints) &&
    strings(r.responseIds) &&
    (r.conversation === undefined || typeof r.conversation === 'string') &&
    (r.retention === undefined || typeof r.retention === 'string') &&
    (r.at === undefined || typeof r.at === 'number')
  );
}

function usageOf(summary: ExchangeSummary, resume: ThreadResume): TurnSnapshot['usage'] {
  if (resume.usage !== undefined) return resume.usage;
  const u = summary.usage;
  return u && { input: u.inputTokens, read: u.cachedTokens, write: u.cacheWriteTokens ?? null };
}

/**
 * The seeds of the threads in these summaries (in capture order): the latest turn of each, at
 * most `limit` of them (the most recently active), oldest first. Read from the end, so each
 * thread's key is checked once however many turns it has.
 */
export function threadSeeds(summaries: readonly ExchangeSummary[], limit = 500): ThreadSeed[] {
  const latest = new Map<string, ThreadSeed>();
  const titles = new Map<string, { turn: number; title: string }>();
  for (let i = summaries.length - 1; i >= 0; i--) {
    const summary = summaries[i] as ExchangeSummary;
    const ref = summary.thread;
    if (!ref || typeof ref.id !== 'string' || !isConversationApi(summary.api)) continue;
    const seed = latest.get(ref.id);
    if (seed === undefined && latest.size < limit && validResume(ref.resume)) {
      const resume = ref.resume;
      latest.set(ref.id, {
        id: ref.id,
        turn: ref.lastTurn ?? ref.turn,
        parentId: ref.parentId ?? null,
        title: '',
        api: summary.api,
        model: summary.model,
        exchangeId: summary.id,
        startedAtMs: resume.at ?? Date.parse(summary.startedAt),
        usage: usageOf(summary, resume),
        resume,
      });
    } else if (seed && seed.parentId === null && ref.parentId) {
      // A sub-agent's parent may be named on its earlier turns only.
      seed.parentId = ref.parentId;
    }
    if (ref.title !== undefined && latest.has(ref.id)) {
      const known = titles.get(ref.id);
      if (!known || ref.turn <= known.turn) titles.set(ref.id, { turn: ref.turn, title: ref.title });
    }
  }
  // Oldest first: a tracker seeded in this order keeps the most recently active.
  const seeds = [...latest.values()].reverse();
  for (const seed of seeds) seed.title = titles.get(seed.id)?.title ?? '';
  return seeds;
}
