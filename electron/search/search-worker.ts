/**
 * The search worker: keeps the search index of the sessions searched lately and answers queries,
 * reading session files here, never on the thread that forwards traffic.
 */
import { parentPort } from 'node:worker_threads';
import { yieldToForwarding } from '../thread-priority.ts';
import type { SearchAnswer, SearchQuery, SearchStop } from './search-messages.ts';
import { SessionSearchIndex } from './session-search-index.ts';

const port = parentPort;
if (!port) throw new Error('search-worker.ts runs as a worker thread (see search-thread.ts)');
yieldToForwarding();

/** Sessions whose index is kept (each about 300 bytes per exchange). */
const KEPT_SESSIONS = 4;
const indexes = new Map<string, SessionSearchIndex>();
const post = (answer: SearchAnswer): void => port.postMessage(answer);

/** One query at a time: an index is never added to by two at once. */
let queue: Promise<void> = Promise.resolve();

async function answer(query: SearchQuery): Promise<void> {
  let index = indexes.get(query.dataPath);
  if (index) indexes.delete(query.dataPath);
  else index = new SessionSearchIndex(query.dataPath);
  indexes.set(query.dataPath, index);
  if (indexes.size > KEPT_SESSIONS) indexes.delete(indexes.keys().next().value as string);
  if (index.size !== query.from) {
    post({ id: query.id, type: 'from', size: index.size });
    return;
  }
  index.addBlocks(query.blocks);
  const { loaded, rebuilt } = await index.add(query.entries, query.save);
  const { ids, candidates } = await index.query(query.text);
  post({ id: query.id, type: 'hits', ids, candidates, loaded, rebuilt });
}

port.on('message', (query: SearchQuery | SearchStop) => {
  if ('stop' in query) {
    // After the queries before it: then the thread exits on its own.
    queue = queue.then(() => port.close());
    return;
  }
  queue = queue
    .then(() => answer(query))
    .catch((error: unknown) => {
      indexes.delete(query.dataPath);
      post({ id: query.id, type: 'error', message: (error as Error).message });
    });
});
