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

/** Whether the Threads view is shown (the request list and detail are hidden meanwhile, not unmounted). */
export function useThreadsViewOpen(): boolean {
  return useThreads((s) => s.view === 'threads');
}

/** The Threads view, in the request list's place while it is open. */
export function ThreadsViewSlot() {
  return useThreadsViewOpen() ? <ThreadsView /> : null;
}
