import { createContext, useContext } from 'react';
import { createStore, type StoreApi, useStore } from 'zustand';

/** Which two exchanges are compared, and whether the user is picking the second one. */
export interface CompareState {
  /** "Compare with…" was chosen on this exchange: the next row picked is the other side. */
  picking: string | null;
  /** The two exchanges shown side by side (`a` on the left). */
  pair: { a: string; b: string } | null;
}

export interface CompareActions {
  /** Starts picking the second exchange for `id`. */
  startPicking(id: string): void;
  /** Compares `a` (left) with `b` (right); comparing a row with itself does nothing. */
  compare(a: string, b: string): void;
  /** Swaps the two sides. */
  swap(): void;
  /** Ends the comparison (or the picking). */
  close(): void;
}

export type CompareStore = StoreApi<CompareState & CompareActions>;

/** A fresh compare store (one per app, made by ThreadsUiProvider). */
export function createCompareStore(): CompareStore {
  return createStore<CompareState & CompareActions>()((set, get) => ({
    picking: null,
    pair: null,
    startPicking: (id) => set({ picking: id }),
    compare: (a, b) => {
      if (a === b) return;
      set({ picking: null, pair: { a, b } });
    },
    swap: () => {
      const { pair } = get();
      if (pair) set({ pair: { a: pair.b, b: pair.a } });
    },
    close: () => set({ picking: null, pair: null }),
  }));
}

export const CompareContext = createContext<CompareStore | null>(null);

/** Reads the compare state of the nearest ThreadsUiProvider. */
export function useCompare<T>(selector: (state: CompareState & CompareActions) => T): T {
  const store = useContext(CompareContext);
  if (store === null) throw new Error('useCompare outside ThreadsUiProvider');
  return useStore(store, selector);
}
