import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import {
  needsRebuiltThread,
  type RecordThread,
  threadOfRecord,
} from '../../shared/threads/rebuild-threads.ts';
import { listThreads, recordTurns, threadDetail } from '../../shared/threads/thread-list.ts';
import { ThreadTracker } from '../../shared/threads/thread-tracker.ts';
import type { ThreadDetail, ThreadListItem, ThreadRef } from '../../shared/threads/thread-types.ts';

/** Where threads are read from: a session's summaries and records (the session store and the analysis worker). */
export interface ThreadSource {
  /** A session's summaries in capture order (null: the current one), in flight included where there are such. */
  summaries(session: string | null): Promise<ExchangeSummary[]>;
  /** The records of these exchanges, in the order given (those not found skipped). */
  records(ids: readonly string[], session: string | null): Promise<AsyncIterable<ExchangeRecord>>;
}

/** Rebuilt threads of a session whose records were captured without them. */
interface Rebuilt {
  /** How many summaries the session had when rebuilt (it is rebuilt again when that changes). */
  count: number;
  byExchange: Map<string, RecordThread>;
}

/**
 * `threads.list` and `threads.get`: threads from the `thread` each summary carries. A session
 * captured before threads existed (or imported from a file without them) is rebuilt once from
 * its records, in capture order, by the same tracker the analysis worker runs.
 */
export class ThreadService {
  readonly #source: ThreadSource;
  readonly #rebuilt = new Map<string, Rebuilt>();

  constructor(source: ThreadSource) {
    this.#source = source;
  }

  /** Every thread of a session, most recently active first. */
  async list(session: string | null): Promise<ThreadListItem[]> {
    const { summaries, refOf } = await this.#threads(session);
    return listThreads(summaries, refOf);
  }

  /** One thread with its turns in order; null when the session has no such thread. */
  async get(id: string, session: string | null): Promise<ThreadDetail | null> {
    const { summaries, refOf, rebuilt } = await this.#threads(session);
    const mine = summaries.filter((s) => refOf(s)?.id === id);
    // From the whole list: its parent may be named by the parent's turns, its children by theirs.
    const item = listThreads(summaries, refOf).find((t) => t.id === id);
    if (!item) return null;
    const turns = [];
    for await (const record of await this.#source.records(
      mine.map((s) => s.id),
      session,
    )) {
      const ref = refOf(record);
      if (!ref) continue;
      turns.push(...recordTurns(record, ref, rebuilt?.get(record.id) ?? record));
    }
    return threadDetail(item, turns);
  }

  async #threads(session: string | null): Promise<{
    summaries: ExchangeSummary[];
    refOf: (s: ExchangeSummary) => ThreadRef | null | undefined;
    rebuilt: Map<string, RecordThread> | null;
  }> {
    const summaries = await this.#source.summaries(session);
    const missing = summaries.some(needsRebuiltThread);
    if (!missing) return { summaries, refOf: (s) => s.thread, rebuilt: null };
    const key = session ?? '';
    let rebuilt = this.#rebuilt.get(key);
    if (rebuilt?.count !== summaries.length) {
      rebuilt = { count: summaries.length, byExchange: await this.#rebuild(summaries, session) };
      this.#rebuilt.set(key, rebuilt);
    }
    const byExchange = rebuilt.byExchange;
    return {
      summaries,
      refOf: (s) => {
        const rebuiltOne = byExchange.get(s.id);
        return rebuiltOne === undefined ? s.thread : rebuiltOne.thread;
      },
      rebuilt: byExchange,
    };
  }

  async #rebuild(
    summaries: readonly ExchangeSummary[],
    session: string | null,
  ): Promise<Map<string, RecordThread>> {
    const tracker = new ThreadTracker();
    const byExchange = new Map<string, RecordThread>();
    const ids = [...summaries].sort((a, b) => a.seq - b.seq).map((s) => s.id);
    for await (const record of await this.#source.records(ids, session)) {
      // Records that have their thread keep it; the others get the rebuilt one.
      const rebuilt = threadOfRecord(tracker, record);
      if (needsRebuiltThread(record)) byExchange.set(record.id, rebuilt);
    }
    return byExchange;
  }
}
