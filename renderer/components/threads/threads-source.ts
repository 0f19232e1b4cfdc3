import type { InspectorApi } from '../../../shared/inspector-contract.ts';
import type { ThreadDetail, ThreadListItem } from '../../../shared/threads/thread-types.ts';

/** Where the Threads view reads threads from: `threads.list` and `threads.get` of the contract. */
export interface ThreadsSource {
  list(session: string | null): Promise<ThreadListItem[]>;
  get(id: string, session: string | null): Promise<ThreadDetail | null>;
}

/** The contract's threads methods (being added on the `threads` branch). */
type WithThreads = { threads?: ThreadsSource };

/** The threads methods of an InspectorApi (an API without them has no threads yet). */
export function threadsSource(api: InspectorApi): ThreadsSource {
  const threads = (api as InspectorApi & WithThreads).threads;
  return {
    list: (session) => (threads ? threads.list(session) : Promise.resolve([])),
    get: (id, session) => (threads ? threads.get(id, session) : Promise.resolve(null)),
  };
}
