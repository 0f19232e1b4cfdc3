import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { withCallOptions } from '../../api/call-options.ts';
import { compileQuery, type TextHits } from '../../filter/query-match.ts';
import { parseQuery } from '../../filter/query-parse.ts';
import { EMPTY_FACETS } from '../inspector-state.ts';
import type { SortKey } from '../sort.ts';
import type { StoreKit } from '../store-kit.ts';
import { addFacets, computeView, updateView } from '../view.ts';

/** The list: which session it shows, its rows, their filter and sort. */
export function listActions({ api, get, set, actions }: StoreKit) {
  /** Replaces the filter query and recomputes the visible rows (`hits`: what the main side found for its `text:"…"` terms). */
  function setFilter(text: string, hits: TextHits | null = null): void {
    const parsed = parseQuery(text);
    const matcher = compileQuery(parsed, hits);
    const { byId, order, sort } = get();
    set({
      filterText: text,
      filterErrors: parsed.errors,
      matcher,
      ids: computeView(byId, order, matcher, sort),
    });
  }

  /** Sorts by a column; the same column again flips the direction. */
  function setSort(key: SortKey): void {
    const { sort, byId, order, matcher } = get();
    const next =
      sort.key === key
        ? { key, dir: sort.dir === 'asc' ? ('desc' as const) : ('asc' as const) }
        : { key, dir: 'asc' as const };
    set({ sort: next, ids: computeView(byId, order, matcher, next) });
  }

  function setFollowNewest(followNewest: boolean): void {
    set({ followNewest });
  }

  function replaceExchanges(list: readonly ExchangeSummary[]): void {
    const sorted = [...list].sort((a, b) => a.seq - b.seq);
    const byId = new Map<string, ExchangeSummary>();
    for (const s of sorted) byId.set(s.id, s);
    const order = [...byId.keys()];
    const { matcher, sort, rev } = get();
    set({
      byId,
      order,
      rev: rev + 1,
      facets: addFacets(EMPTY_FACETS, sorted),
      ids: computeView(byId, order, matcher, sort),
    });
  }

  /** Upserts summaries outside a live batch (held updates after a load, a resend's new row). */
  function applySummaries(summaries: readonly ExchangeSummary[]): void {
    const { byId, order, ids, matcher, sort, facets, rev } = get();
    const before = new Map<string, ExchangeSummary>();
    const nextOrder = order.slice();
    for (const s of summaries) {
      const previous = byId.get(s.id);
      if (previous === undefined) nextOrder.push(s.id);
      else before.set(s.id, previous);
      byId.set(s.id, s);
    }
    nextOrder.sort((a, b) => (byId.get(a)?.seq ?? 0) - (byId.get(b)?.seq ?? 0));
    set({
      order: nextOrder,
      rev: rev + 1,
      facets: addFacets(facets, summaries),
      ids: updateView(ids, summaries, byId, matcher, sort, before),
    });
  }

  /** Opens a session's list: null for the live one, an id for a past one (read-only). */
  async function loadSession(session: string | null): Promise<void> {
    const generation = get().loadGeneration + 1;
    set({
      loadGeneration: generation,
      viewSession: session,
      listLoading: true,
      selectedId: null,
      detail: null,
    });
    const list = await actions.runTask(
      session === null ? 'Loading the session' : 'Opening the session',
      (options) => withCallOptions(api, options).exchanges.list(session),
    );
    if (generation !== get().loadGeneration) return;
    const held = get().heldUpdates;
    set({ heldUpdates: [] });
    replaceExchanges(list ?? []);
    set({ listLoading: false });
    if (session === null && held.length > 0) applySummaries(held);
  }

  return { setFilter, setSort, setFollowNewest, applySummaries, loadSession };
}
