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
 * most `limit` of them (the most recently active), oldest first.
 */
export function threadSeeds(summaries: Iterable<ExchangeSummary>, limit = 500): ThreadSeed[] {
  const latest = new Map<string, ThreadSeed>();
  const titles = new Map<string, { turn: number; title: string }>();
  for (const summary of summaries) {
    const ref = summary.thread;
    if (!ref || typeof ref.id !== 'string' || !isConversationApi(summary.api)) continue;
    if (ref.title !== undefined) {
      const known = titles.get(ref.id);
      if (!known || ref.turn < known.turn) titles.set(ref.id, { turn: ref.turn, title: ref.title });
    }
    const resume = ref.resume;
    if (!validResume(resume)) continue;
    const turn = ref.lastTurn ?? ref.turn;
    const seen = latest.get(ref.id);
    if (seen && seen.turn > turn) continue;
    // Kept in the order of last activity: a thread seen again moves to the end.
    latest.delete(ref.id);
    latest.set(ref.id, {
      id: ref.id,
      turn,
      parentId: ref.parentId ?? seen?.parentId ?? null,
      title: '',
      api: summary.api,
      model: summary.model,
      exchangeId: summary.id,
      startedAtMs: resume.at ?? Date.parse(summary.startedAt),
      usage: usageOf(summary, resume),
      resume,
    });
  }
  const seeds = limit > 0 ? [...latest.values()].slice(-limit) : [];
  for (const seed of seeds) seed.title = titles.get(seed.id)?.title ?? '';
  return seeds;
}
