import type { BlockSpan } from '../sessions/session-index.ts';
import type { SearchEntries } from './session-search-index.ts';

/** The main side → the search worker: index these exchanges of a session (from `from` on), then search it. */
export interface SearchQuery {
  id: number;
  dataPath: string;
  /** How many of the session's exchanges the worker is believed to have indexed already. */
  from: number;
  entries: SearchEntries;
  /** The session's message blocks by hash: where each is in the file (records refer to them). */
  blocks: Array<[hash: string, span: BlockSpan]>;
  /** Nobody writes the session any more: the worker may save its sidecar. */
  save: boolean;
  text: string;
}

/** What a search found, and what it took. */
export interface SearchHits {
  ids: string[];
  /** Exchanges whose signature let them through, read back and checked. */
  candidates: number;
  /** Signatures of exchanges indexed by this query: taken from the sidecar, or rebuilt from their records. */
  loaded: number;
  rebuilt: number;
}

/** The search worker → the main side. */
export type SearchAnswer =
  | ({ id: number; type: 'hits' } & SearchHits)
  /** The worker has indexed `size` of the session's exchanges (it evicted or never saw the rest): ask again from there. */
  | { id: number; type: 'from'; size: number }
  | { id: number; type: 'error'; message: string };

/** Main side → worker: answer the queries sent before, then exit. */
export interface SearchStop {
  stop: true;
}
