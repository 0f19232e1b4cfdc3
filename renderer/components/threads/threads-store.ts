import { createContext, useContext } from 'react';
import { createStore, type StoreApi, useStore } from 'zustand';
import type { InspectorApi } from '../../../shared/contract/inspector-contract.ts';
import type { ThreadDetail, ThreadListItem } from '../../../shared/threads/thread-types.ts';

/** What the Threads view shows: the list, the thread picked and its turn. */
export interface ThreadsState {
  /** The main area shows the request list or the threads. */
  view: 'requests' | 'threads';
  threads: ThreadListItem[] | null;
  listError: string | null;
  threadId: string | null;
  detail: ThreadDetail | null;
  detailError: string | null;
  /** The turn number picked in the thread (null: none yet, the latest is shown). */
  turn: number | null;
}

/** Where the threads come from: the contract's `threads.list` and `threads.get`. */
export type ThreadsSource = InspectorApi['threads'];

export interface ThreadsActions {
  setView(view: ThreadsState['view']): void;
  /** Reloads the list and the picked thread (the view calls it when it opens and as traffic arrives). */
  refresh(source: ThreadsSource, session: string | null): Promise<void>;
  selectThread(source: ThreadsSource, id: string, session: string | null): Promise<void>;
  selectTurn(turn: number): void;
}

export type ThreadsStore = StoreApi<ThreadsState & ThreadsActions>;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A fresh threads store (one per app, made by ThreadsUiProvider). */
export function createThreadsStore(): ThreadsStore {
  return createStore<ThreadsState & ThreadsActions>()((set, get) => {
    const loadDetail = async (source: ThreadsSource, id: string, session: string | null) => {
      try {
        const detail = await source.get(id, session);
        if (get().threadId !== id) return;
        set({ detail, detailError: detail === null ? 'This thread is no longer in the session.' : null });
      } catch (error) {
        if (get().threadId === id) set({ detailError: message(error) });
      }
    };
    return {
      view: 'requests',
      threads: null,
      listError: null,
      threadId: null,
      detail: null,
      detailError: null,
      turn: null,
      setView: (view) => set({ view }),
      refresh: async (source, session) => {
        try {
          const threads = await source.list(session);
          set({ threads, listError: null });
          const { threadId } = get();
          // The newest top-level thread is shown until the user picks one.
          const pick = threadId ?? [...threads].reverse().find((t) => t.parentId === null)?.id ?? null;
          if (pick !== null) {
            if (pick !== threadId) set({ threadId: pick, turn: null, detail: null });
            await loadDetail(source, pick, session);
          }
        } catch (error) {
          set({ listError: message(error) });
        }
      },
      selectThread: async (source, id, session) => {
        set({
          threadId: id,
          turn: null,
          detail: get().detail?.thread.id === id ? get().detail : null,
          detailError: null,
        });
        await loadDetail(source, id, session);
      },
      selectTurn: (turn) => set({ turn }),
    };
  });
}

export const ThreadsContext = createContext<ThreadsStore | null>(null);

/** The nearest ThreadsUiProvider's threads store. */
export function useThreadsStore(): ThreadsStore {
  const store = useContext(ThreadsContext);
  if (store === null) throw new Error('useThreads outside ThreadsUiProvider');
  return store;
}

/** Reads the threads state of the nearest ThreadsUiProvider. */
export function useThreads<T>(selector: (state: ThreadsState & ThreadsActions) => T): T {
  return useStore(useThreadsStore(), selector);
}
