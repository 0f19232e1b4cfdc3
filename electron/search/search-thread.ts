import { Worker } from 'node:worker_threads';
import type { BlockSpans, IndexEntry } from '../sessions/session-index.ts';
import { stopWorker } from '../worker-stop.ts';
import type { SearchAnswer, SearchHits, SearchQuery, SearchStop } from './search-messages.ts';
import type { SearchEntries } from './session-search-index.ts';

// From source the worker is the .ts file; in the Electron build it is the bundle next to main.js.
const WORKER_ENTRY = import.meta.url.endsWith('.ts') ? './search-worker.ts' : './search-worker.js';

/**
 * Full-text search of sessions, answered by a worker thread that keeps each searched session's
 * index (loaded from the session's search sidecar, see search-sidecar.ts): the main side hands it
 * the places of exchanges it has not indexed yet (a few numbers each), never records or
 * signatures. Started on the first search.
 */
export class SearchThread {
  #worker: Worker | null = null;
  readonly #pending = new Map<number, (answer: SearchAnswer) => void>();
  /** Exchanges of each session file the worker has been given. */
  readonly #given = new Map<string, number>();
  #next = 0;

  /**
   * The ids of the exchanges whose request or response text holds `text`, case-insensitive, in
   * session order. `save`: nobody writes the session any more (its sidecar may be saved).
   */
  async search(
    dataPath: string,
    entries: readonly IndexEntry[],
    blocks: BlockSpans,
    text: string,
    save = false,
  ): Promise<SearchHits> {
    let from = Math.min(this.#given.get(dataPath) ?? 0, entries.length);
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await this.#ask({
        dataPath,
        from,
        entries: searchEntries(entries, from),
        // Where the message blocks the exchanges refer to are (a few numbers each).
        blocks: [...blocks],
        save,
        text,
      });
      if (answer.type === 'error') throw new Error(`Search failed: ${answer.message}`);
      if (answer.type === 'hits') {
        this.#given.set(dataPath, entries.length);
        const { ids, candidates, loaded, rebuilt } = answer;
        return { ids, candidates, loaded, rebuilt };
      }
      from = Math.min(answer.size, entries.length);
    }
    throw new Error('Search failed: the session index could not be brought up to date');
  }

  #ask(query: Omit<SearchQuery, 'id'>): Promise<SearchAnswer> {
    const worker = this.#start();
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      worker.postMessage({ ...query, id } satisfies SearchQuery);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL(WORKER_ENTRY, import.meta.url));
    worker.unref();
    worker.on('message', (answer: SearchAnswer) => {
      const resolve = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      resolve?.(answer);
    });
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      this.#given.clear();
      for (const [id, resolve] of this.#pending)
        resolve({ id, type: 'error', message: `the search thread exited (code ${code})` });
      this.#pending.clear();
    });
    this.#worker = worker;
    return worker;
  }

  /** Stops the worker (its indexes go with it). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await stopWorker(worker, () => worker.postMessage({ stop: true } satisfies SearchStop));
  }
}

/** The places and ids of the entries from `from` on, packed (one array of numbers: cheap to post). */
function searchEntries(entries: readonly IndexEntry[], from: number): SearchEntries {
  const spans = new Float64Array(2 * (entries.length - from));
  const ids: string[] = [];
  for (let i = from; i < entries.length; i++) {
    const entry = entries[i] as IndexEntry;
    spans[2 * (i - from)] = entry.offset;
    spans[2 * (i - from) + 1] = entry.length;
    ids.push(entry.summary.id);
  }
  return { spans, ids };
}
