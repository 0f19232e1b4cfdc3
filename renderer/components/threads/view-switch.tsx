import type { ReactNode } from 'react';
import { useThreads } from './threads-store.ts';
import { ThreadsView } from './threads-view.tsx';

/** Requests or Threads: which the main area shows (two toggle buttons, so Tab and Space or Enter switch). */
export function ViewSwitch() {
  const view = useThreads((s) => s.view);
  const setView = useThreads((s) => s.setView);
  return (
    <div className="view-switch" role="toolbar" aria-label="View">
      <button
        type="button"
        className="tool-button"
        aria-pressed={view === 'requests'}
        onClick={() => setView('requests')}
      >
        Requests
      </button>
      <button
        type="button"
        className="tool-button"
        aria-pressed={view === 'threads'}
        onClick={() => setView('threads')}
      >
        Threads
      </button>
    </div>
  );
}

/** The request list and detail (`children`), or the Threads view in their place. */
export function RequestsOrThreads({ children }: { children: ReactNode }) {
  const view = useThreads((s) => s.view);
  return view === 'threads' ? <ThreadsView /> : children;
}
