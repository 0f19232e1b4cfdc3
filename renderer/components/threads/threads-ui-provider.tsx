import { type ReactNode, useState } from 'react';
import { CompareContext, createCompareStore } from '../diff/compare-store.ts';
import { createThreadsStore, ThreadsContext } from './threads-store.ts';

/** The Threads view's and the comparison's state, one store each per app (no module-level state). */
export function ThreadsUiProvider({ children }: { children: ReactNode }) {
  const [threads] = useState(createThreadsStore);
  const [compare] = useState(createCompareStore);
  return (
    <ThreadsContext.Provider value={threads}>
      <CompareContext.Provider value={compare}>{children}</CompareContext.Provider>
    </ThreadsContext.Provider>
  );
}
