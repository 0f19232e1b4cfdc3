import { errorMessage } from '../../shared/error-message.ts';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { type ThreadSeed, threadSeeds } from '../../shared/threads/thread-seeds.ts';
import { readThreadSeeds } from './thread-seed-reader.ts';

/** Threads a worker started after a restart or a crash goes on with, at most (the newest). */
const KEPT_SEEDS = 500;

/** What continuing threads needs of the session store and the analysis worker. */
export interface ThreadContinuationParts {
  /** The previous session's index, when there is one. */
  previousCaptured(): Promise<{ indexPath: string } | null>;
  /** The current session's summaries. */
  currentSummaries(): Promise<readonly ExchangeSummary[]>;
  /** Hands the analysis worker the threads it continues. */
  seed(seeds: ThreadSeed[]): void;
  log(message: string): void;
}

/**
 * Conversations that go on across a restart, or across an analysis worker that died and was
 * replaced, stay in their threads: the worker is seeded with each thread's latest turn (its keys,
 * never its text) before it sees traffic.
 */
export class ThreadContinuation {
  readonly #parts: ThreadContinuationParts;
  /** Threads of the previous session, kept for a worker that replaces a dead one. */
  #past: ThreadSeed[] = [];

  constructor(parts: ThreadContinuationParts) {
    this.#parts = parts;
  }

  /** At start: the previous session's threads (only each thread's latest line of its index is parsed, no record is read). */
  async fromPreviousSession(): Promise<void> {
    try {
      const previous = await this.#parts.previousCaptured();
      if (previous === null) return;
      this.#past = await readThreadSeeds(previous.indexPath);
      this.#parts.seed(this.#past);
    } catch (error) {
      this.#parts.log(`threads are not continued from the previous session: ${errorMessage(error)}`);
    }
  }

  /** A new analysis worker: the previous session's threads and the current session's, the newest last. */
  async afterWorkerLost(): Promise<void> {
    const current = threadSeeds(await this.#parts.currentSummaries());
    const ids = new Set(current.map((s) => s.id));
    this.#parts.seed([...this.#past.filter((s) => !ids.has(s.id)), ...current].slice(-KEPT_SEEDS));
  }
}
