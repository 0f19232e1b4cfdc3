import { useMemo } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { useInspectorStore } from './inspector-context.tsx';

/**
 * The captured rows as of one change. `byId`, `order` and `ids` are changed in place by live
 * batches (measured: copying them per frame cost more than the frame), so reading them straight
 * from the store risks a render that never comes; a `Rows` is a new object with every change, so
 * anything computed from it (`useMemo` on it) is recomputed when the rows change.
 */
export interface Rows {
  /** Changes with every change of the rows. */
  readonly rev: number;
  /** The visible rows, filtered and sorted. */
  readonly ids: readonly string[];
  /** How many rows the list holds, hidden ones included. */
  readonly total: number;
  get(id: string): ExchangeSummary | undefined;
  /** Every summary, in arrival order (a new array per call). */
  all(): ExchangeSummary[];
}

/** The rows, re-rendering the caller on each change (each live batch). */
export function useRows(): Rows {
  const { rev, ids, byId, order } = useStore(
    useInspectorStore(),
    useShallow((s) => ({ rev: s.rev, ids: s.ids, byId: s.byId, order: s.order })),
  );
  return useMemo(
    () => ({
      rev,
      ids,
      total: order.length,
      get: (id: string) => byId.get(id),
      all: () => {
        const out: ExchangeSummary[] = [];
        for (const id of order) {
          const s = byId.get(id);
          if (s) out.push(s);
        }
        return out;
      },
    }),
    [rev, ids, byId, order],
  );
}

/** How many rows are shown and held; re-renders only when a count changes (not per batch). */
export function useRowCounts(): { shown: number; total: number } {
  return useStore(
    useInspectorStore(),
    useShallow((s) => ({ shown: s.ids.length, total: s.order.length })),
  );
}

/** One row's summary, as it is now (summaries are replaced, never changed, so this is never stale). */
export function useSummary(id: string | null): ExchangeSummary | undefined {
  return useStore(useInspectorStore(), (s) => (id === null ? undefined : s.byId.get(id)));
}
